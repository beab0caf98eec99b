package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
)

// Member roles, as GET /api/loops/{id}/members reports them.
const (
	roleAdmin  = "admin"
	roleMember = "member"
)

// memberListJSON is one member as the member list reports it: the loop
// object's member fields plus the role and the last activity.
type memberListJSON struct {
	memberJSON
	Role       string  `json:"role"`
	LastActive *string `json:"last_active"`
}

// memberStatisticsJSON is the list's "statistics" object.
type memberStatisticsJSON struct {
	AvgJoinTimeDays    float64 `json:"avg_join_time_days"`
	NewestMemberJoined *string `json:"newest_member_joined"`
	OldestMemberJoined *string `json:"oldest_member_joined"`
}

// roleIn is the member's role in loop l.
func (m *member) roleIn(l *loop) string {
	switch {
	case m.role != "":
		return m.role
	case m.account.id == l.creatorID:
		return roleAdmin
	default:
		return roleMember
	}
}

// memberList is the data of GET /api/loops/{id}/members.
func (l *loop) memberList() map[string]any {
	members := make([]memberListJSON, 0, len(l.members))
	var active, pending, joined int
	var newest, oldest *time.Time
	var joinDays float64
	for _, m := range l.members {
		members = append(members, memberListJSON{
			memberJSON: memberJSON{
				UserID:   m.account.id,
				Email:    m.account.email,
				Status:   m.status,
				JoinedAt: timestampPtr(m.joinedAt),
			},
			Role:       m.roleIn(l),
			LastActive: timestampPtr(m.lastActive),
		})
		switch m.status {
		case memberActive:
			active++
		case memberPending:
			pending++
		}
		if m.joinedAt == nil {
			continue
		}
		joined++
		joinDays += m.joinedAt.Sub(l.createdAt).Hours() / 24
		if newest == nil || m.joinedAt.After(*newest) {
			newest = m.joinedAt
		}
		if oldest == nil || m.joinedAt.Before(*oldest) {
			oldest = m.joinedAt
		}
	}
	stats := memberStatisticsJSON{NewestMemberJoined: timestampPtr(newest), OldestMemberJoined: timestampPtr(oldest)}
	if joined > 0 {
		// Two decimals, as the API shows it.
		stats.AvgJoinTimeDays = math.Round(joinDays/float64(joined)*100) / 100
	}
	return map[string]any{
		"members":       members,
		"total_count":   len(members),
		"active_count":  active,
		"pending_count": pending,
		"statistics":    stats,
	}
}

func (e *Emulator) listMembers(w http.ResponseWriter, _ *http.Request, c *call) {
	e.mu.Lock()
	l, aerr := e.findLoopLocked(c.params[0], c.key.account)
	var data map[string]any
	if aerr == nil {
		data = l.memberList()
	}
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	writeOK(w, http.StatusOK, "Loop members retrieved successfully", data)
}

func (e *Emulator) removeMember(w http.ResponseWriter, _ *http.Request, c *call) {
	e.mu.Lock()
	data, aerr := e.removeMemberLocked(c.params[0], c.params[1], c.key.account)
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	writeOK(w, http.StatusOK, "Member removed from loop successfully", data)
}

func (e *Emulator) removeMemberLocked(loopID, userID string, acct *account) (map[string]any, *apiError) {
	l, aerr := e.findOwnLoopLocked(loopID, acct, "remove members")
	if aerr != nil {
		return nil, aerr
	}
	i, m := l.member(userID)
	switch {
	case userID == l.creatorID:
		// A loop without its creator could never be managed again.
		return nil, &apiError{status: http.StatusBadRequest, msg: "Loop creator cannot be removed"}
	case m == nil:
		return nil, &apiError{status: http.StatusNotFound, msg: "Member not found"}
	}
	l.members = append(l.members[:i], l.members[i+1:]...)
	return map[string]any{
		"loop_id":    l.id,
		"user_id":    userID,
		"removed_at": timestamp(e.clock()),
	}, nil
}

// MemberChange changes a member's role or last activity behind the API's
// back, as the mobile app would; nil fields are left as they are.
type MemberChange struct {
	// Role is "admin" or "member".
	Role *string
	// LastActive is when the member was last active; a zero time clears
	// it (never active).
	LastActive *time.Time
}

// ChangeMember applies ch to the member of loopID with this email.
func (e *Emulator) ChangeMember(loopID, email string, ch MemberChange) error {
	if ch.Role != nil && *ch.Role != roleAdmin && *ch.Role != roleMember {
		return fmt.Errorf("member role %q: must be %q or %q", *ch.Role, roleAdmin, roleMember)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, m, err := e.memberByEmailLocked(loopID, email)
	if err != nil {
		return err
	}
	if ch.Role != nil {
		m.role = *ch.Role
	}
	if ch.LastActive != nil {
		if ch.LastActive.IsZero() {
			m.lastActive = nil
		} else {
			t := ch.LastActive.UTC().Truncate(time.Second)
			m.lastActive = &t
		}
	}
	return nil
}

// LeaveLoop simulates the member with this email leaving loopID from the
// mobile app. Unlike the API's removal, it works for the creator too, so
// tests can reach states the API does not offer.
func (e *Emulator) LeaveLoop(loopID, email string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	l, m, err := e.memberByEmailLocked(loopID, email)
	if err != nil {
		return err
	}
	i, _ := l.member(m.account.id)
	l.members = append(l.members[:i], l.members[i+1:]...)
	return nil
}

func (e *Emulator) memberByEmailLocked(loopID, email string) (*loop, *member, error) {
	l, ok := e.loops[loopID]
	if !ok {
		return nil, nil, fmt.Errorf("loop %s: %w", loopID, ErrNotFound)
	}
	for _, m := range l.members {
		if strings.EqualFold(m.account.email, strings.TrimSpace(email)) {
			return l, m, nil
		}
	}
	return nil, nil, fmt.Errorf("member %q of loop %s: %w", email, loopID, ErrNotFound)
}

// memberChangeFields reads the optional "role" and "last_active" of a
// control request; "last_active": "" means never active.
func memberChangeFields(m map[string]json.RawMessage) (MemberChange, *apiError) {
	var ch MemberChange
	role, ok, aerr := stringField(m, "role")
	if aerr != nil {
		return ch, aerr
	}
	if ok {
		if role != roleAdmin && role != roleMember {
			return ch, &apiError{status: http.StatusBadRequest, msg: "Validation failed", data: `role must be "admin" or "member"`}
		}
		ch.Role = &role
	}
	last, ok, aerr := stringField(m, "last_active")
	if aerr != nil {
		return ch, aerr
	}
	if ok {
		var t time.Time
		if last != "" {
			parsed, err := time.Parse(time.RFC3339, last)
			if err != nil {
				return ch, &apiError{status: http.StatusBadRequest, msg: "Validation failed", data: "last_active must be an RFC 3339 time"}
			}
			t = parsed
		}
		ch.LastActive = &t
	}
	return ch, nil
}

// controlLeave makes the member with this email leave the loop.
func (e *Emulator) controlLeave(w http.ResponseWriter, loopID, email string) {
	err := e.LeaveLoop(loopID, email)
	if err != nil {
		writeError(w, http.StatusNotFound, "Member not found", err.Error())
		return
	}
	writeOK(w, http.StatusOK, "Member left", map[string]any{"loop_id": loopID, "email": email})
}
