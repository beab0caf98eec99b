package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Errors returned by the state methods; test with errors.Is.
var (
	// ErrNotFound means the loop or request does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalidState means the request's status does not allow the action.
	ErrInvalidState = errors.New("invalid state")
	// ErrInvalidAnswer means an answer does not fit the request's response
	// type and configuration, as the API's validation rules document.
	ErrInvalidAnswer = errors.New("invalid answer")
)

// Loop is a copy of a stored loop, for tests to inspect.
type Loop struct {
	ID, Name, Description, Icon, CreatorID string
	Members                                []Member
	CreatedAt, UpdatedAt                   time.Time
	InviteCode                             string
}

// Member is a loop member. JoinedAt is nil while the invitation is pending;
// LastActive is nil if the member was never active. Role is "admin" or
// "member".
type Member struct {
	UserID, Email, Status, Role string
	JoinedAt, LastActive        *time.Time
}

// Request is a copy of a stored review request. The free-form values
// (ResponseConfig, DefaultResponse, Context, ResponseData) are decoded from
// JSON afresh for every copy, so callers may change them freely.
type Request struct {
	ID, LoopID, Status, ProcessingType, Type, Priority, RequestText, ResponseType string
	ImageURL                                                                      string
	ResponseConfig, DefaultResponse, Context, ResponseData                        any
	Tags                                                                          []string
	CallbackURL                                                                   string
	TimeoutSeconds                                                                int
	ResponseBy                                                                    string
	CreatedAt, UpdatedAt, TimeoutAt                                               time.Time
	ResponseAt                                                                    *time.Time
}

func (l *loop) snapshot() Loop {
	out := Loop{
		ID: l.id, Name: l.name, Description: l.description, Icon: l.icon,
		CreatorID: l.creatorID, CreatedAt: l.createdAt, UpdatedAt: l.updatedAt,
		InviteCode: l.inviteCode,
	}
	for _, m := range l.members {
		mm := Member{UserID: m.account.id, Email: m.account.email, Status: m.status, Role: m.roleIn(l)}
		if m.joinedAt != nil {
			t := *m.joinedAt
			mm.JoinedAt = &t
		}
		if m.lastActive != nil {
			t := *m.lastActive
			mm.LastActive = &t
		}
		out.Members = append(out.Members, mm)
	}
	return out
}

func (q *request) snapshot() Request {
	out := Request{
		ID: q.id, LoopID: q.loopID, Status: q.status, ProcessingType: q.processingType,
		Type: q.typ, Priority: q.priority, RequestText: q.requestText, ResponseType: q.responseType,
		ImageURL:        q.imageURL,
		ResponseConfig:  decodeRaw(q.responseConfig),
		DefaultResponse: decodeRaw(q.defaultResponse),
		Context:         decodeRaw(q.context),
		ResponseData:    decodeRaw(q.responseData),
		Tags:            append([]string(nil), q.tags...),
		CallbackURL:     q.callbackURL,
		TimeoutSeconds:  q.timeoutSeconds,
		ResponseBy:      q.responseBy,
		CreatedAt:       q.createdAt,
		UpdatedAt:       q.updatedAt,
		TimeoutAt:       q.timeoutAt,
	}
	if q.responseAt != nil {
		t := *q.responseAt
		out.ResponseAt = &t
	}
	return out
}

func decodeRaw(raw json.RawMessage) any {
	if raw == nil {
		return nil
	}
	var v any
	_ = json.Unmarshal(raw, &v) // Stored values were valid JSON.
	return v
}

// Loops returns every loop of every account, in creation order.
func (e *Emulator) Loops() []Loop {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Loop
	for _, l := range e.sortedLoopsLocked() {
		out = append(out, l.snapshot())
	}
	return out
}

// Loop returns the loop with this id.
func (e *Emulator) Loop(id string) (Loop, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	l, ok := e.loops[id]
	if !ok {
		return Loop{}, false
	}
	return l.snapshot(), true
}

// DeleteLoop removes a loop and its requests behind the API's back, as a
// change made in the web app would, and reports whether it existed.
func (e *Emulator) DeleteLoop(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	l, ok := e.loops[id]
	if ok {
		e.removeLoopLocked(l)
	}
	return ok
}

// UpdateLoop changes a loop behind the API's back; nil leaves a field as is.
// No validation is applied, so tests can create states the API would
// refuse. updated_at moves forward as with an API update.
func (e *Emulator) UpdateLoop(id string, name, description, icon *string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	l, ok := e.loops[id]
	if !ok {
		return false
	}
	applyLoopInput(l, name, description, icon)
	l.touch(e.clock())
	return true
}

// AddMember simulates a reviewer joining a loop from the mobile app, with
// status "active" or "pending". For someone already in the loop it changes
// the status, so a pending invitation can later be accepted. This includes
// the creator, whose membership can be set to "pending" to reach states the
// API itself does not offer, such as a loop without active members.
func (e *Emulator) AddMember(loopID, email, status string) (userID string, err error) {
	if status != memberActive && status != memberPending {
		return "", fmt.Errorf("member status %q: must be %q or %q", status, memberActive, memberPending)
	}
	if email == "" {
		return "", errors.New("member email must not be empty")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	l, ok := e.loops[loopID]
	if !ok {
		return "", fmt.Errorf("loop %s: %w", loopID, ErrNotFound)
	}
	acct := e.accountForEmailLocked(email)
	_, m := l.member(acct.id)
	if m == nil {
		m = &member{account: acct}
		l.members = append(l.members, m)
	}
	m.status = status
	switch {
	case status == memberPending:
		m.joinedAt = nil
	case m.joinedAt == nil:
		t := e.clock()
		m.joinedAt = &t
	}
	return acct.id, nil
}

// Requests returns every request of every loop, in creation order.
func (e *Emulator) Requests() []Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	rs := make([]*request, 0, len(e.requests))
	for _, q := range e.requests {
		e.settleLocked(q, now)
		rs = append(rs, q)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].seq < rs[j].seq })
	out := make([]Request, 0, len(rs))
	for _, q := range rs {
		out = append(out, q.snapshot())
	}
	return out
}

// Request returns the request with this id.
func (e *Emulator) Request(id string) (Request, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	q, ok := e.requests[id]
	if !ok {
		return Request{}, false
	}
	e.settleLocked(q, e.now())
	return q.snapshot(), true
}

// openRequestLocked returns a settled request that is still awaiting an
// answer, or an error saying why it is not.
func (e *Emulator) openRequestLocked(id, action string) (*request, error) {
	q, ok := e.requests[id]
	if !ok {
		return nil, fmt.Errorf("request %s: %w", id, ErrNotFound)
	}
	e.settleLocked(q, e.now())
	if !q.open() {
		return nil, fmt.Errorf("request %s is %s and cannot be %s: %w", id, q.status, action, ErrInvalidState)
	}
	return q, nil
}

// ClaimRequest marks a pending request as claimed by a reviewer.
func (e *Emulator) ClaimRequest(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	q, err := e.openRequestLocked(id, "claimed")
	if err != nil {
		return err
	}
	if q.status != statusPending {
		return fmt.Errorf("request %s is %s and cannot be claimed: %w", id, q.status, ErrInvalidState)
	}
	q.status = statusClaimed
	q.setUpdated(e.clock())
	return nil
}

// RespondToRequest answers a pending or claimed request as the loop's first
// active member. value must be representable as JSON.
func (e *Emulator) RespondToRequest(id string, value any) error {
	raw, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("response for request %s: %w", id, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	q, err := e.openRequestLocked(id, "answered")
	if err != nil {
		return err
	}
	if msg := checkAnswer(q.responseType, q.responseConfig, raw); msg != "" {
		return fmt.Errorf("response for request %s: %s: %w", id, msg, ErrInvalidAnswer)
	}
	e.completeLocked(q, raw, e.now())
	return nil
}

// ExpireRequest times a pending or claimed request out now: its status
// becomes "timeout" and its response the default response.
func (e *Emulator) ExpireRequest(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	q, err := e.openRequestLocked(id, "expired")
	if err != nil {
		return err
	}
	q.status = statusTimeout
	q.responseData = q.recorded(q.defaultResponse)
	q.setUpdated(e.clock())
	return nil
}

// SetAutoResponder makes every request created from now on be answered
// with fn's value once fn's delay has passed; ok=false leaves a request
// pending. fn runs once per request, on the creating request's goroutine
// and without any lock held, so it may call the Emulator's methods. The
// answer is applied when the request is next looked at, unless the request
// has timed out, been answered or been cancelled first. nil turns it off.
func (e *Emulator) SetAutoResponder(fn func(Request) (value any, delay time.Duration, ok bool)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.autoResponder = fn
}
