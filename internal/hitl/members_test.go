package hitl

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func TestIsMemberGone(t *testing.T) {
	notFound := func(path, msg string, envelope bool) error {
		return &APIError{StatusCode: 404, Method: "DELETE", Path: path, Message: msg, Envelope: envelope}
	}
	tests := []struct {
		name          string
		err           error
		member, wrong bool
		loopGoneToo   bool
	}{
		{"the API's answer for a member", notFound("/api/loops/abc/members/def", "Member not found", true), true, false, false},
		{"the loop is gone", notFound("/api/loops/abc/members/def", "Loop not found", true), false, false, true},
		{"a member message for a loop", notFound("/api/loops/abc", "Member not found", true), false, true, false},
		{"a member message for the list", notFound("/api/loops/abc/members", "Member not found", true), false, true, false},
		{"an unknown route", notFound("/api/loops/abc/members/def", "Not found", true), false, true, false},
		{"an HTML page", notFound("/api/loops/abc/members/def", "Member not found", false), false, true, false},
		{"a 400", &APIError{StatusCode: 400, Path: "/api/loops/abc/members/def", Message: "Member not found", Envelope: true}, false, false, false},
		{"nil", nil, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsMemberNotFoundAnswer(tt.err); got != tt.member {
				t.Errorf("IsMemberNotFoundAnswer = %v", got)
			}
			if got := IsEndpointNotFound(tt.err); got != tt.wrong {
				t.Errorf("IsEndpointNotFound = %v", got)
			}
			if got := IsLoopNotFoundAnswer(tt.err); got != tt.loopGoneToo {
				t.Errorf("IsLoopNotFoundAnswer = %v", got)
			}
		})
	}
}

func membersFixture(t *testing.T, cfg emulator.Config) (*emulator.Emulator, *Client, string, string) {
	t.Helper()
	e := emulator.New(cfg)
	root := serve(t, e)
	c := newTestClient(t, e.APIKey(), root+"/v1")
	id := createLoops(t, c, 1)[0]
	return e, c, id, root
}

func TestListMembers(t *testing.T) {
	e, c, id, _ := membersFixture(t, emulator.Config{})
	if _, err := e.AddMember(id, "rev@example.com", "active"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddMember(id, "new@example.com", "pending"); err != nil {
		t.Fatal(err)
	}
	got, err := c.ListMembers(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if got.TotalCount != 3 || got.ActiveCount != 2 || got.PendingCount != 1 || len(got.Members) != 3 {
		t.Fatalf("ListMembers = %+v", got)
	}
	owner, pending := got.Members[0], got.Members[2]
	if owner.Role != MemberRoleAdmin || owner.JoinedAt == nil || owner.LastActive != nil {
		t.Errorf("creator %+v", owner)
	}
	if pending.Role != MemberRoleMember || pending.Status != MemberPending || pending.JoinedAt != nil || pending.Email != "new@example.com" {
		t.Errorf("pending member %+v", pending)
	}
	if got.Statistics.NewestMemberJoined == nil || got.Statistics.OldestMemberJoined == nil {
		t.Errorf("statistics %+v", got.Statistics)
	}
	if _, err := c.ListMembers(context.Background(), "65f1234567890abcdef12345"); !IsLoopNotFoundAnswer(err) {
		t.Errorf("ListMembers(unknown loop) error = %v, want IsLoopNotFoundAnswer", err)
	}
}

// A removal succeeds once; removing again is success only because the
// member list agrees; the creator is refused; a wrong base URL is an error
// that removes nobody.
func TestEnsureMemberRemoved(t *testing.T) {
	ctx := context.Background()
	e, c, id, root := membersFixture(t, emulator.Config{})
	uid, err := e.AddMember(id, "stranger@evil.test", "active")
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.AddMember(id, "other@evil.test", "active")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.EnsureMemberRemoved(ctx, id, uid); err != nil {
		t.Fatalf("first removal: %v", err)
	}
	if err := c.EnsureMemberRemoved(ctx, id, uid); err != nil {
		t.Fatalf("second removal: %v", err)
	}
	if n := e.Calls()["DELETE /api/loops/{id}/members/{userId}"]; n != 2 {
		t.Errorf("%d removals sent, want 2", n)
	}
	l, _ := e.Loop(id)
	if err := c.EnsureMemberRemoved(ctx, id, l.CreatorID); !IsValidation(err) {
		t.Errorf("removing the creator: %v, want a 400", err)
	}

	wrong := newTestClient(t, e.APIKey(), root, WithRetryWait(time.Millisecond, 2*time.Millisecond))
	err = wrong.EnsureMemberRemoved(ctx, id, other)
	if !IsEndpointNotFound(err) || !strings.Contains(err.Error(), root+"/api/loops/"+id+"/members/"+other) {
		t.Errorf("through a wrong URL: %v, want a 404 naming the URL", err)
	}
	if l, _ := e.Loop(id); len(l.Members) != 2 {
		t.Errorf("members %+v, want the creator and other@evil.test", l.Members)
	}
}

// A removal whose answer is lost is checked against the list: the member
// is gone, so it is not sent again.
func TestEnsureMemberRemovedLostAnswer(t *testing.T) {
	e, c, id, _ := membersFixture(t, emulator.Config{})
	uid, err := e.AddMember(id, "stranger@evil.test", "active")
	if err != nil {
		t.Fatal(err)
	}
	e.SetFaults(emulator.Faults{DropAfterWriteRate: 1})
	if err := c.EnsureMemberRemoved(context.Background(), id, uid); err != nil {
		t.Fatalf("EnsureMemberRemoved: %v", err)
	}
	if l, _ := e.Loop(id); len(l.Members) != 1 {
		t.Errorf("members %+v, want only the creator", l.Members)
	}
	if n := e.Calls()["DELETE /api/loops/{id}/members/{userId}"]; n != 1 {
		t.Errorf("%d removals sent, want 1", n)
	}
}

// A "Member not found" that the list contradicts is not a removal.
func TestMemberGoneNeedsTheListToAgree(t *testing.T) {
	const loopID, userID = "65f1234567890abcdef12345", "65f1234567890abcdef12346"
	c := newStubClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			answer(200, `{"error":false,"msg":"ok","data":{"members":[{"user_id":"`+userID+`","email":"x@y.z","status":"active","role":"member"}],"total_count":1,"active_count":1,"pending_count":0}}`)(w)
			return
		}
		answer(404, `{"error":true,"msg":"Member not found"}`)(w)
	})
	err := c.EnsureMemberRemoved(context.Background(), loopID, userID)
	if err == nil || !strings.Contains(err.Error(), "still holds") {
		t.Errorf("error = %v, want a failure to confirm", err)
	}
}
