package hitl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// MemberNotFoundMessage is the API's message for a member that is not in
// the loop a removal names.
const MemberNotFoundMessage = "Member not found"

// Member roles.
const (
	// MemberRoleAdmin is the loop's creator.
	MemberRoleAdmin  = "admin"
	MemberRoleMember = "member"
)

// LoopMember is a member as the member list reports it: the loop object's
// member fields plus the role and the last activity. JoinedAt is nil while
// the invitation is pending, LastActive if the member was never active.
type LoopMember struct {
	UserID     string  `json:"user_id"`
	Email      string  `json:"email"`
	Status     string  `json:"status"`
	Role       string  `json:"role"`
	JoinedAt   *string `json:"joined_at"`
	LastActive *string `json:"last_active"`
}

// MemberStatistics is the member list's "statistics" object.
type MemberStatistics struct {
	AvgJoinTimeDays    float64 `json:"avg_join_time_days"`
	NewestMemberJoined *string `json:"newest_member_joined"`
	OldestMemberJoined *string `json:"oldest_member_joined"`
}

// LoopMembers is the answer of GET /api/loops/{id}/members.
type LoopMembers struct {
	Members      []LoopMember     `json:"members"`
	TotalCount   int              `json:"total_count"`
	ActiveCount  int              `json:"active_count"`
	PendingCount int              `json:"pending_count"`
	Statistics   MemberStatistics `json:"statistics"`
}

func (d *LoopMembers) validate() error {
	if d.Members == nil {
		return errors.New(`the response has no "members" list`)
	}
	for i := range d.Members {
		if d.Members[i].UserID == "" {
			return errors.New(`a member in the response has no "user_id"`)
		}
	}
	return nil
}

// Has reports whether the list holds the member with this user id.
func (d *LoopMembers) Has(userID string) bool {
	for i := range d.Members {
		if d.Members[i].UserID == userID {
			return true
		}
	}
	return false
}

// RemovedMember is the answer to a removal.
type RemovedMember struct {
	LoopID    string `json:"loop_id"`
	UserID    string `json:"user_id"`
	RemovedAt string `json:"removed_at"`
}

func membersPath(loopID string) string { return loopPath(loopID) + "/members" }

// ListMembers returns the members of a loop, with their counts.
func (c *Client) ListMembers(ctx context.Context, loopID string) (*LoopMembers, error) {
	var out LoopMembers
	if err := c.do(ctx, http.MethodGet, membersPath(loopID), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RemoveMember removes a member from a loop. Only the loop's creator may,
// and the creator cannot be removed (the API answers 400). Removed members
// can rejoin with the loop's invite code.
func (c *Client) RemoveMember(ctx context.Context, loopID, userID string) (*RemovedMember, error) {
	var out RemovedMember
	if err := c.do(ctx, http.MethodDelete, membersPath(loopID)+"/"+url.PathEscape(userID), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// IsMemberNotFoundAnswer reports whether err is the API's own answer that
// the member a removal names is not in the loop: a 404 to DELETE
// /api/loops/{id}/members/{userId} whose JSON envelope says "Member not
// found". A 404 with another message, or from another path (a wrong base
// URL), is not. It does not prove that the member is gone: see
// EnsureMemberRemoved, which asks the member list too.
func IsMemberNotFoundAnswer(err error) bool {
	if !isObjectNotFound(err, "/api/loops/", MemberNotFoundMessage) {
		return false
	}
	var apiErr *APIError
	errors.As(err, &apiErr)
	rest := strings.TrimPrefix(apiErr.Path, "/api/loops/")
	parts := strings.Split(rest, "/")
	return len(parts) == 3 && parts[0] != "" && parts[1] == "members" && parts[2] != ""
}

// checkBeforeResendKey marks a context whose writes are not sent again
// after a lost answer: the caller checks what happened first.
type checkBeforeResendKey struct{}

// withCheckBeforeResend makes do return an UncertainError when a write's
// answer is lost, instead of sending the write again; rate limits and
// server errors, which have no effect, are still retried.
func withCheckBeforeResend(ctx context.Context) context.Context {
	return context.WithValue(ctx, checkBeforeResendKey{}, true)
}

func checkBeforeResend(ctx context.Context) bool {
	v, _ := ctx.Value(checkBeforeResendKey{}).(bool)
	return v
}

// maxRemoveAttempts bounds how often EnsureMemberRemoved sends a removal
// whose outcome the member list could not settle.
const maxRemoveAttempts = 3

// EnsureMemberRemoved removes a member and makes sure it is gone. An
// answer that the member is not found counts as removed only when the
// member list, asked afterwards, works and does not hold the member; a
// removal whose answer was lost (UncertainError) is checked against the
// list before it is sent again.
func (c *Client) EnsureMemberRemoved(ctx context.Context, loopID, userID string) error {
	var err error
	removeCtx := withCheckBeforeResend(ctx)
	for range maxRemoveAttempts {
		_, err = c.RemoveMember(removeCtx, loopID, userID)
		if err == nil || (!IsMemberNotFoundAnswer(err) && !IsUncertain(err)) {
			return err
		}
		list, lerr := c.ListMembers(ctx, loopID)
		switch {
		case lerr != nil:
			return fmt.Errorf("%v, and listing the members to check the outcome failed: %w", err, lerr)
		case !list.Has(userID):
			return nil
		case IsMemberNotFoundAnswer(err):
			return fmt.Errorf("%w, but the member list still holds member %s, so it is not treated as removed; try again", err, userID)
		}
		// The lost removal did not happen: send it again.
	}
	return err
}
