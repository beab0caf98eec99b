package memberpolicy

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

func TestDecide(t *testing.T) {
	members := []hitl.LoopMember{
		{UserID: "c", Email: "Owner@Corp.example", Status: hitl.MemberActive, Role: hitl.MemberRoleAdmin},
		{UserID: "s", Email: "stranger@evil.test", Status: hitl.MemberActive},
		{UserID: "a", Email: "Alice@Example.com", Status: hitl.MemberActive},
		{UserID: "p", Email: "pending@evil.test", Status: hitl.MemberPending},
		{UserID: "x", Email: "contractor@partner.io", Status: hitl.MemberPending},
		{UserID: "y", Email: "other@partner.io", Status: hitl.MemberActive},
		{UserID: "z", Email: "bob@sub.example.com", Status: hitl.MemberActive},
	}
	ids := func(ms []hitl.LoopMember) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.UserID)
		}
		return out
	}
	p := Policy{Emails: []string{"CONTRACTOR@partner.io"}, Domains: []string{"EXAMPLE.com"}, IncludePending: true}
	d := p.Decide(members, "c")
	if got, want := ids(d.Keep), []string{"a", "x", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("keep %v, want %v (sorted by email)", got, want)
	}
	// Subdomains are other domains.
	if got, want := ids(d.Remove), []string{"z", "y", "p", "s"}; !reflect.DeepEqual(got, want) {
		t.Errorf("remove %v, want %v", got, want)
	}
	if d.CreatorOutside == nil || d.CreatorOutside.UserID != "c" {
		t.Errorf("creator outside = %+v", d.CreatorOutside)
	}

	p.IncludePending = false
	p.Domains = append(p.Domains, "corp.example")
	d = p.Decide(members, "c")
	if got, want := ids(d.Remove), []string{"z", "y", "s"}; !reflect.DeepEqual(got, want) {
		t.Errorf("without pending: remove %v, want %v", got, want)
	}
	if d.CreatorOutside != nil {
		t.Errorf("creator inside the policy reported outside")
	}
}

func TestChecks(t *testing.T) {
	for _, ok := range []string{"example.com", "EU.Example.co.uk", "x-1.io"} {
		if err := CheckDomain(ok); err != nil {
			t.Errorf("CheckDomain(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "localhost", "@example.com", "a@example.com", "-x.com", "exa mple.com", " example.com", "example..com", "example.com."} {
		if err := CheckDomain(bad); err == nil {
			t.Errorf("CheckDomain(%q) accepted it", bad)
		}
	}
	for _, ok := range []string{"a@example.com", "First.Last+tag@Sub.Example.com"} {
		if err := CheckEmail(ok); err != nil {
			t.Errorf("CheckEmail(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "example.com", "@example.com", "a@", "a@b", "a b@example.com", ".a@example.com", "a..b@example.com", "a@exa_mple.com", " a@example.com"} {
		if err := CheckEmail(bad); err == nil {
			t.Errorf("CheckEmail(%q) accepted it", bad)
		}
	}
}

// An interrupted enforcement starts no further removal, but one already
// sent completes.
func TestEnforceStopsWhenInterrupted(t *testing.T) {
	e := emulator.New(emulator.Config{})
	c, id, remove := loopWithMembers(t, e, e, "a@evil.test", "b@evil.test")

	removed, err := Enforce(t.Context(), c, id, remove)
	if err != nil || len(removed) != 2 {
		t.Fatalf("Enforce = %v, %v", removed, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	uid, _ := e.AddMember(id, "c@evil.test", "active")
	removed, err = Enforce(ctx, c, id, []hitl.LoopMember{{UserID: uid, Email: "c@evil.test"}})
	if err == nil || len(removed) != 0 {
		t.Fatalf("after cancel: Enforce = %v, %v; want an interruption before any removal", removed, err)
	}
	// The detached context of a removal in flight ignores the
	// cancellation.
	if err := removeOne(ctx, c, id, uid); err != nil {
		t.Fatalf("a removal under a cancelled operation: %v", err)
	}
	if l, _ := e.Loop(id); len(l.Members) != 1 {
		t.Fatalf("members %+v, want only the creator", l.Members)
	}
}

// A removal in flight when the operation is cancelled (Ctrl-C) is seen
// through: its answer is awaited and the result is success, and no later
// removal starts.
func TestEnforceSeesRemovalThroughAfterInterrupt(t *testing.T) {
	e := emulator.New(emulator.Config{})
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	c, id, remove := loopWithMembers(t, e, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			select {
			case arrived <- struct{}{}:
			default:
			}
			<-release
		}
		e.ServeHTTP(w, r)
	}), "a@evil.test", "b@evil.test")

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	type result struct {
		removed []hitl.LoopMember
		err     error
	}
	done := make(chan result)
	go func() {
		removed, err := Enforce(ctx, c, id, remove)
		done <- result{removed, err}
	}()
	<-arrived
	cancel() // Ctrl-C while the first removal is on its way
	close(release)
	res := <-done
	if len(res.removed) != 1 || res.removed[0].Email != "a@evil.test" || res.err == nil {
		t.Fatalf("Enforce = %v, %v; want the first removal seen through and then an interruption", res.removed, res.err)
	}
	l, _ := e.Loop(id)
	if len(l.Members) != 2 || l.Members[1].Email != "b@evil.test" {
		t.Fatalf("members %+v, want the creator and b@evil.test", l.Members)
	}
}
