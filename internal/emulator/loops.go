package emulator

import (
	"net/http"
	"sort"
	"time"
)

// loop is the stored form of a loop. Timestamps are kept at the API's
// one-second precision so that what is stored is what is shown.
type loop struct {
	seq         uint64
	id          string
	name        string
	description string
	icon        string
	creatorID   string
	inviteCode  string
	members     []*member
	createdAt   time.Time
	updatedAt   time.Time
}

type member struct {
	account  *account
	status   string // "active" or "pending"
	joinedAt *time.Time
	// role is "admin" or "member"; empty means the default for the
	// account: "admin" for the loop's creator, "member" for anyone else.
	role       string
	lastActive *time.Time
}

const (
	memberActive  = "active"
	memberPending = "pending"
)

type memberJSON struct {
	UserID   string  `json:"user_id"`
	Email    string  `json:"email"`
	Status   string  `json:"status"`
	JoinedAt *string `json:"joined_at"`
}

type loopJSON struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	Description  string       `json:"description"`
	Icon         string       `json:"icon"`
	CreatorID    string       `json:"creator_id"`
	Members      []memberJSON `json:"members"`
	MemberCount  int          `json:"member_count"`
	PendingCount int          `json:"pending_count"`
	CreatedAt    string       `json:"created_at"`
	UpdatedAt    string       `json:"updated_at"`
}

func (l *loop) json() loopJSON {
	out := loopJSON{
		ID:          l.id,
		Name:        l.name,
		Description: l.description,
		Icon:        l.icon,
		CreatorID:   l.creatorID,
		Members:     l.membersJSON(),
		CreatedAt:   timestamp(l.createdAt),
		UpdatedAt:   timestamp(l.updatedAt),
	}
	// member_count is the total, pending members included, as the API
	// documents it ("Total number of members in the loop"; its examples
	// compute the active ones as member_count - pending_count).
	for _, m := range l.members {
		out.MemberCount++
		if m.status == memberPending {
			out.PendingCount++
		}
	}
	return out
}

func (l *loop) membersJSON() []memberJSON {
	out := make([]memberJSON, 0, len(l.members))
	for _, m := range l.members {
		out = append(out, memberJSON{
			UserID:   m.account.id,
			Email:    m.account.email,
			Status:   m.status,
			JoinedAt: timestampPtr(m.joinedAt),
		})
	}
	return out
}

func (l *loop) member(userID string) (int, *member) {
	for i, m := range l.members {
		if m.account.id == userID {
			return i, m
		}
	}
	return -1, nil
}

func (l *loop) activeMembers() []*member {
	var out []*member
	for _, m := range l.members {
		if m.status == memberActive {
			out = append(out, m)
		}
	}
	return out
}

// canView reports whether acct may read the loop: its creator and its
// active members may, anyone else gets 403.
func (l *loop) canView(acct *account) bool {
	if l.creatorID == acct.id {
		return true
	}
	_, m := l.member(acct.id)
	return m != nil && m.status == memberActive
}

// touch moves updated_at forward. It always advances by at least one
// second, even when the clock has not, so that every update is visible to a
// client comparing timestamps.
func (l *loop) touch(now time.Time) {
	if !now.After(l.updatedAt) {
		now = l.updatedAt.Add(time.Second)
	}
	l.updatedAt = now
}

// findLoopLocked returns the loop or the 404/403 the API gives for it.
func (e *Emulator) findLoopLocked(id string, acct *account) (*loop, *apiError) {
	l, ok := e.loops[id]
	if !ok {
		return nil, &apiError{status: http.StatusNotFound, msg: "Loop not found"}
	}
	if !l.canView(acct) {
		return nil, &apiError{status: http.StatusForbidden, msg: "Access denied to this loop"}
	}
	return l, nil
}

// findOwnLoopLocked is findLoopLocked for actions only the creator may take.
func (e *Emulator) findOwnLoopLocked(id string, acct *account, action string) (*loop, *apiError) {
	l, ok := e.loops[id]
	if !ok {
		return nil, &apiError{status: http.StatusNotFound, msg: "Loop not found"}
	}
	if l.creatorID != acct.id {
		return nil, &apiError{status: http.StatusForbidden, msg: "Only loop creators can " + action}
	}
	return l, nil
}

// sortedLoopsLocked returns loops in creation order.
func (e *Emulator) sortedLoopsLocked() []*loop {
	out := make([]*loop, 0, len(e.loops))
	for _, l := range e.loops {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

func (e *Emulator) listLoops(w http.ResponseWriter, _ *http.Request, c *call) {
	e.mu.Lock()
	loops := []loopJSON{}
	for _, l := range e.sortedLoopsLocked() {
		if l.creatorID == c.key.account.id {
			loops = append(loops, l.json())
		}
	}
	e.mu.Unlock()
	// Creation order is created_at order; ids break ties within a second
	// in the documented way.
	sort.SliceStable(loops, func(i, j int) bool {
		if loops[i].CreatedAt != loops[j].CreatedAt {
			return loops[i].CreatedAt < loops[j].CreatedAt
		}
		return loops[i].ID < loops[j].ID
	})
	writeOK(w, http.StatusOK, "Loops retrieved successfully", map[string]any{
		"loops": loops,
		"count": len(loops),
	})
}

func (e *Emulator) createLoop(w http.ResponseWriter, r *http.Request, c *call) {
	in, aerr := parseLoopInput(r, true)
	if aerr != nil {
		aerr.write(w)
		return
	}
	e.mu.Lock()
	now := e.clock()
	owner := c.key.account
	joined := now
	l := &loop{
		seq:         e.nextSeqLocked(),
		id:          e.newIDLocked(),
		name:        *in.name,
		description: deref(in.description),
		icon:        *in.icon,
		creatorID:   owner.id,
		inviteCode:  e.newInviteCodeLocked(),
		members:     []*member{{account: owner, status: memberActive, joinedAt: &joined}},
		createdAt:   now,
		updatedAt:   now,
	}
	e.loops[l.id] = l
	body := l.json()
	code := l.inviteCode
	e.mu.Unlock()

	joinURL := e.joinURL(code)
	writeOK(w, http.StatusCreated, "Loop created successfully with QR code", map[string]any{
		"loop":           body,
		"invite_code":    code,
		"qr_code_base64": qrDataURL(joinURL),
		"qr_code_url":    e.qrURL(code),
		"join_url":       joinURL,
	})
}

func (e *Emulator) getLoop(w http.ResponseWriter, _ *http.Request, c *call) {
	e.mu.Lock()
	l, aerr := e.findLoopLocked(c.params[0], c.key.account)
	var body loopJSON
	if aerr == nil {
		body = l.json()
	}
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	writeOK(w, http.StatusOK, "Loop retrieved successfully", map[string]any{"loop": body})
}

func (e *Emulator) updateLoop(w http.ResponseWriter, r *http.Request, c *call) {
	e.mu.Lock()
	_, aerr := e.findOwnLoopLocked(c.params[0], c.key.account, "update this loop")
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	in, aerr := parseLoopInput(r, false)
	if aerr != nil {
		aerr.write(w)
		return
	}

	e.mu.Lock()
	// Look again: the loop may have gone while the body was read.
	l, aerr := e.findOwnLoopLocked(c.params[0], c.key.account, "update this loop")
	var body loopJSON
	if aerr == nil {
		applyLoopInput(l, in.name, in.description, in.icon)
		l.touch(e.clock())
		body = l.json()
	}
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	writeOK(w, http.StatusOK, "Loop updated successfully", map[string]any{"loop": body})
}

func applyLoopInput(l *loop, name, description, icon *string) {
	if name != nil {
		l.name = *name
	}
	if description != nil {
		l.description = *description
	}
	if icon != nil {
		l.icon = *icon
	}
}

func (e *Emulator) deleteLoop(w http.ResponseWriter, _ *http.Request, c *call) {
	e.mu.Lock()
	l, aerr := e.findOwnLoopLocked(c.params[0], c.key.account, "delete this loop")
	var data map[string]any
	if aerr == nil {
		requests, responses := e.removeLoopLocked(l)
		data = map[string]any{
			"loop_id":    l.id,
			"deleted_at": timestamp(e.clock()),
			"deleted_data": map[string]int{
				"members_removed":   len(l.members),
				"requests_deleted":  requests,
				"responses_deleted": responses,
			},
		}
	}
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	writeOK(w, http.StatusOK, "Loop deleted successfully", data)
}

// removeLoopLocked deletes a loop with its requests and returns how many
// requests and responses went with it.
func (e *Emulator) removeLoopLocked(l *loop) (requests, responses int) {
	now := e.now()
	for id, q := range e.requests {
		if q.loopID != l.id {
			continue
		}
		e.settleLocked(q, now)
		requests++
		if q.status == statusCompleted {
			responses++
		}
		delete(e.requests, id)
	}
	delete(e.loops, l.id)
	return requests, responses
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
