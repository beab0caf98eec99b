package emulator

import (
	"encoding/json"
	"net/http"
	"time"
)

// Request statuses.
const (
	statusPending   = "pending"
	statusClaimed   = "claimed"
	statusCompleted = "completed"
	statusTimeout   = "timeout"
	statusCancelled = "cancelled"
)

// request is the stored form of a review request. Free-form JSON values are
// kept as raw bytes so that every reader decodes its own copy.
type request struct {
	seq    uint64
	id     string
	loopID string
	status string
	// requestInput holds what the create body set, as validated.
	requestInput
	createdAt    time.Time
	updatedAt    time.Time
	timeoutAt    time.Time
	broadcast    []recipient
	responseData json.RawMessage
	responseBy   string
	responseAt   *time.Time
	feedback     json.RawMessage

	// auto is a scheduled answer from the auto responder, applied lazily
	// by settleLocked once its time has come.
	auto *scheduledAnswer
}

type scheduledAnswer struct {
	value json.RawMessage
	at    time.Time
}

type recipient struct {
	UserID           string `json:"user_id"`
	Email            string `json:"email"`
	Role             string `json:"role"`
	NotificationSent bool   `json:"notification_sent"`
}

func (q *request) open() bool { return q.status == statusPending || q.status == statusClaimed }

// settleLocked applies what the passage of time has decided: an answer
// from the auto responder, or the timeout with the default response,
// whichever came first. Doing this on access rather than with timers keeps
// the emulator free of background goroutines and lets tests move the clock.
func (e *Emulator) settleLocked(q *request, now time.Time) {
	if !q.open() {
		return
	}
	if a := q.auto; a != nil && !now.Before(a.at) && a.at.Before(q.timeoutAt) {
		e.completeLocked(q, a.value, a.at)
		return
	}
	if !now.Before(q.timeoutAt) {
		q.status = statusTimeout
		q.responseData = q.recorded(q.defaultResponse)
		q.setUpdated(q.timeoutAt)
	}
}

// completeLocked records an answer from the loop's first active member.
func (e *Emulator) completeLocked(q *request, value json.RawMessage, at time.Time) {
	at = at.UTC().Truncate(time.Second)
	q.status = statusCompleted
	q.responseData = q.recorded(value)
	q.responseBy = ""
	if l, ok := e.loops[q.loopID]; ok {
		if active := l.activeMembers(); len(active) > 0 {
			q.responseBy = active[0].account.id
		} else {
			q.responseBy = l.creatorID
		}
	}
	q.responseAt = &at
	q.setUpdated(at)
}

// recorded is the response_data stored for an answer to q.
func (q *request) recorded(raw json.RawMessage) json.RawMessage {
	return recordedAnswer(q.responseType, q.responseConfig, raw)
}

func (q *request) setUpdated(t time.Time) {
	t = t.UTC().Truncate(time.Second)
	if t.After(q.updatedAt) {
		q.updatedAt = t
	}
}

// lookupRequestLocked returns a settled request the caller may see.
func (e *Emulator) lookupRequestLocked(id string, acct *account) (*request, *loop, *apiError) {
	q, ok := e.requests[id]
	if !ok {
		return nil, nil, &apiError{status: http.StatusNotFound, msg: "Request not found"}
	}
	l := e.loops[q.loopID]
	if l == nil || !l.canView(acct) {
		return nil, nil, &apiError{status: http.StatusForbidden, msg: "Access denied to this request"}
	}
	e.settleLocked(q, e.now())
	return q, l, nil
}

type requestJSON struct {
	ID              string          `json:"id"`
	LoopID          string          `json:"loop_id"`
	Status          string          `json:"status"`
	ProcessingType  string          `json:"processing_type"`
	Type            string          `json:"type"`
	Priority        string          `json:"priority"`
	RequestText     string          `json:"request_text"`
	ImageURL        string          `json:"image_url,omitempty"`
	ResponseType    string          `json:"response_type"`
	ResponseConfig  json.RawMessage `json:"response_config"`
	DefaultResponse json.RawMessage `json:"default_response"`
	Context         json.RawMessage `json:"context"`
	Tags            []string        `json:"tags"`
	CallbackURL     *string         `json:"callback_url"`
	Platform        string          `json:"platform,omitempty"`
	PlatformVersion string          `json:"platform_version,omitempty"`
	TimeoutSeconds  *int            `json:"timeout_seconds"`
	CreatedAt       string          `json:"created_at"`
	UpdatedAt       string          `json:"updated_at"`
	TimeoutAt       string          `json:"timeout_at"`
	BroadcastedTo   []recipient     `json:"broadcasted_to"`
	ResponseData    json.RawMessage `json:"response_data"`
	ResponseBy      *string         `json:"response_by"`
	ResponseAt      *string         `json:"response_at"`
}

func (q *request) json() requestJSON {
	out := requestJSON{
		ID:              q.id,
		LoopID:          q.loopID,
		Status:          q.status,
		ProcessingType:  q.processingType,
		Type:            q.typ,
		Priority:        q.priority,
		RequestText:     q.requestText,
		ImageURL:        q.imageURL,
		ResponseType:    q.responseType,
		ResponseConfig:  q.responseConfig,
		DefaultResponse: q.defaultResponse,
		Context:         q.context,
		Tags:            append([]string{}, q.tags...),
		Platform:        q.platform,
		PlatformVersion: q.platformVersion,
		CreatedAt:       timestamp(q.createdAt),
		UpdatedAt:       timestamp(q.updatedAt),
		TimeoutAt:       timestamp(q.timeoutAt),
		BroadcastedTo:   append([]recipient{}, q.broadcast...),
		ResponseData:    q.responseData,
		ResponseAt:      timestampPtr(q.responseAt),
	}
	if q.callbackURL != "" {
		out.CallbackURL = &q.callbackURL
	}
	if q.timeoutGiven {
		// A deferred request created without one has only its
		// timeout_at: the request object holds the submitted fields.
		n := q.timeoutSeconds
		out.TimeoutSeconds = &n
	}
	if q.responseBy != "" {
		by := q.responseBy
		out.ResponseBy = &by
	}
	return out
}

func (e *Emulator) createRequest(w http.ResponseWriter, r *http.Request, c *call) {
	loopID := c.params[0]
	const action = "create requests"
	e.mu.Lock()
	_, aerr := e.findOwnLoopLocked(loopID, c.key.account, action)
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	in, aerr := parseRequestInput(r)
	if aerr != nil {
		aerr.write(w)
		return
	}

	e.mu.Lock()
	q, aerr := e.insertRequestLocked(loopID, c.key.account, in, action)
	var snapshot Request
	var recipients int
	responder := e.autoResponder
	if aerr == nil {
		snapshot = q.snapshot()
		recipients = len(q.broadcast)
	}
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	// The responder is called without the lock so that it may use the
	// Emulator's methods; its answer is registered before the client hears
	// of the request, so a zero delay is visible on the very first poll.
	if responder != nil {
		e.scheduleAnswer(snapshot.ID, responder, snapshot)
	}
	writeOK(w, http.StatusCreated, "Request created and broadcasted successfully", map[string]any{
		"request_id":         snapshot.ID,
		"status":             statusPending,
		"processing_type":    snapshot.ProcessingType,
		"type":               snapshot.Type,
		"priority":           snapshot.Priority,
		"timeout_at":         timestamp(snapshot.TimeoutAt),
		"broadcasted_to":     recipients,
		"notifications_sent": recipients,
		"polling_url":        "/v1/api/requests/" + snapshot.ID,
	})
}

// insertRequestLocked stores a new request in a loop the caller created.
func (e *Emulator) insertRequestLocked(loopID string, acct *account, in requestInput, action string) (*request, *apiError) {
	l, aerr := e.findOwnLoopLocked(loopID, acct, action)
	if aerr != nil {
		return nil, aerr
	}
	active := l.activeMembers()
	if len(active) == 0 {
		return nil, &apiError{status: http.StatusBadRequest, msg: "No active members found in the loop"}
	}
	now := e.clock()
	q := &request{
		seq:          e.nextSeqLocked(),
		id:           e.newIDLocked(),
		loopID:       l.id,
		status:       statusPending,
		requestInput: in,
		createdAt:    now,
		updatedAt:    now,
		timeoutAt:    now.Add(time.Duration(in.timeoutSeconds) * time.Second),
	}
	for _, m := range active {
		role := "member"
		if m.account.id == l.creatorID {
			role = "creator"
		}
		q.broadcast = append(q.broadcast, recipient{
			UserID: m.account.id, Email: m.account.email, Role: role, NotificationSent: true,
		})
	}
	e.requests[q.id] = q
	return q, nil
}

// scheduleAnswer asks the auto responder about a new request and records
// its answer, to be applied once the delay has passed.
func (e *Emulator) scheduleAnswer(id string, fn func(Request) (any, time.Duration, bool), snapshot Request) {
	start := e.now()
	value, delay, ok := fn(snapshot)
	if !ok {
		return
	}
	raw, err := json.Marshal(value)
	if err != nil {
		return // An answer the API could not carry leaves the request pending.
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if q, found := e.requests[id]; found && q.open() {
		q.auto = &scheduledAnswer{value: raw, at: start.Add(max(delay, 0))}
	}
}

func (e *Emulator) getRequest(w http.ResponseWriter, _ *http.Request, c *call) {
	e.mu.Lock()
	q, _, aerr := e.lookupRequestLocked(c.params[0], c.key.account)
	var body requestJSON
	if aerr == nil {
		body = q.json()
	}
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	writeOK(w, http.StatusOK, "Request retrieved successfully", map[string]any{"request": body})
}

func (e *Emulator) cancelRequest(w http.ResponseWriter, _ *http.Request, c *call) {
	e.mu.Lock()
	data, aerr := e.cancelRequestLocked(c.params[0], c.key.account)
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	writeOK(w, http.StatusOK, "Request cancelled successfully", data)
}

func (e *Emulator) cancelRequestLocked(id string, acct *account) (map[string]any, *apiError) {
	q, l, aerr := e.lookupRequestLocked(id, acct)
	if aerr != nil {
		return nil, aerr
	}
	if l.creatorID != acct.id {
		return nil, &apiError{status: http.StatusForbidden, msg: "Only loop creators can cancel requests"}
	}
	if !q.open() {
		return nil, &apiError{status: http.StatusBadRequest, msg: "Request cannot be cancelled in current state"}
	}
	previous := q.status
	now := e.clock()
	q.status = statusCancelled
	q.setUpdated(now)
	return map[string]any{
		"request_id":      q.id,
		"status":          statusCancelled,
		"cancelled_at":    timestamp(now),
		"previous_status": previous,
	}, nil
}

func (e *Emulator) submitFeedback(w http.ResponseWriter, r *http.Request, c *call) {
	e.mu.Lock()
	_, _, aerr := e.lookupRequestLocked(c.params[0], c.key.account)
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	m, aerr := decodeObject(r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	if isNull(m["feedback"]) {
		fieldRequired("feedback").write(w)
		return
	}
	feedback, aerr := objectField(m, "feedback")
	if aerr != nil {
		aerr.write(w)
		return
	}

	e.mu.Lock()
	data, aerr := e.storeFeedbackLocked(c.params[0], c.key.account, feedback)
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	writeOK(w, http.StatusOK, "Feedback submitted successfully", data)
}

func (e *Emulator) storeFeedbackLocked(id string, acct *account, feedback json.RawMessage) (map[string]any, *apiError) {
	q, _, aerr := e.lookupRequestLocked(id, acct)
	if aerr != nil {
		return nil, aerr
	}
	if q.status != statusCompleted {
		return nil, &apiError{status: http.StatusBadRequest, msg: "Feedback can only be submitted for completed requests"}
	}
	q.feedback = feedback
	return map[string]any{
		"request_id":   q.id,
		"submitted_at": timestamp(e.clock()),
	}, nil
}
