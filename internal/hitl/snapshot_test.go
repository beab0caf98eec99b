package hitl

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func TestSnapshotServesConcurrentReadsWithOneList(t *testing.T) {
	c, e := newEmulatorClient(t, emulator.Config{Latency: 20 * time.Millisecond})
	ids := createLoops(t, c, 50)
	e.ResetCalls()

	s := c.NewLoopSnapshot(time.Minute)
	var wg sync.WaitGroup
	errs := make(chan error, len(ids))
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := s.Get(context.Background(), id)
			if err == nil && l.ID != id {
				err = fmt.Errorf("Get(%s) returned %s", id, l.ID)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if calls := e.Calls(); e.TotalCalls() != 1 || calls["GET /api/loops"] != 1 {
		t.Errorf("50 concurrent reads made calls %v, want one list", calls)
	}
}

func TestSnapshotIsInvalidatedByWrites(t *testing.T) {
	ctx := context.Background()
	c, e := newEmulatorClient(t, emulator.Config{})
	ids := createLoops(t, c, 2)
	s := c.NewLoopSnapshot(time.Minute)
	if _, err := s.Get(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	name := "renamed"
	if _, err := c.UpdateLoop(ctx, ids[1], UpdateLoopInput{Name: &name}); err != nil {
		t.Fatal(err)
	}
	e.ResetCalls()
	l, err := s.Get(ctx, ids[1])
	if err != nil || l.Name != "renamed" {
		t.Fatalf("Get after update = %+v, %v; want the new name", l, err)
	}
	if e.Calls()["GET /api/loops"] != 1 {
		t.Errorf("calls %v: the write should have forced a new list", e.Calls())
	}
}

func TestSnapshotExpires(t *testing.T) {
	ctx := context.Background()
	c, e := newEmulatorClient(t, emulator.Config{})
	ids := createLoops(t, c, 1)
	s := c.NewLoopSnapshot(time.Minute)
	now := time.Now()
	s.now = func() time.Time { return now }
	e.ResetCalls()
	for range 3 {
		if _, err := s.Get(ctx, ids[0]); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(2 * time.Minute)
	if _, err := s.Get(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if got := e.Calls()["GET /api/loops"]; got != 2 {
		t.Errorf("%d list calls, want 2 (one, then one after expiry)", got)
	}
}

func TestSnapshotConfirmsMissingLoopWithGet(t *testing.T) {
	ctx := context.Background()
	c, e := newEmulatorClient(t, emulator.Config{})
	ids := createLoops(t, c, 2)
	s := c.NewLoopSnapshot(time.Minute)

	// Deleted outside this client, so missing from the list: the GET
	// proves it is gone.
	e.DeleteLoop(ids[0])
	e.ResetCalls()
	if _, err := s.Get(ctx, ids[0]); !IsConfirmedGone(err) {
		t.Errorf("Get of a deleted loop = %v, want the API's Loop not found", err)
	}
	if e.Calls()["GET /api/loops"] != 1 || e.Calls()["GET /api/loops/{id}"] != 1 {
		t.Errorf("calls %v, want one confirming GET", e.Calls())
	}

	// Not in the list (another account's loop, or a lagging list) but
	// present: the GET finds it, so nothing is wrongly removed.
	otherKey := e.AddUser("other@example.com")
	other, _ := New(otherKey, WithBaseURL(c.baseURL.String()))
	foreign, err := other.CreateLoop(ctx, CreateLoopInput{Name: "theirs", Icon: "star"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, foreign.Loop.ID); !IsForbidden(err) {
		t.Errorf("Get of another account's loop = %v, want the API's 403", err)
	}
	if l, err := s.Get(ctx, ids[1]); err != nil || l.ID != ids[1] {
		t.Errorf("Get of a listed loop = %+v, %v", l, err)
	}
}

// A reader that waited for a list call started by a reader with an earlier
// deadline tries again with its own remaining time when that call gave up.
func TestSnapshotReaderOutlivesStartersDeadline(t *testing.T) {
	now := time.Now()
	withDeadline := func(d time.Time) context.Context {
		ctx, cancel := context.WithDeadline(context.Background(), d)
		t.Cleanup(cancel)
		return ctx
	}
	tests := []struct {
		name     string
		ctx      context.Context
		deadline time.Time
		want     bool
	}{
		{"later deadline", withDeadline(now.Add(time.Minute)), now.Add(10 * time.Second), true},
		{"no deadline of its own", context.Background(), now.Add(10 * time.Second), true},
		{"same deadline", withDeadline(now.Add(10 * time.Second)), now.Add(10 * time.Second), false},
		{"earlier deadline", withDeadline(now.Add(5 * time.Second)), now.Add(10 * time.Second), false},
		{"the call had none", withDeadline(now.Add(time.Minute)), time.Time{}, false},
	}
	for _, tt := range tests {
		if got := outlives(tt.ctx, tt.deadline); got != tt.want {
			t.Errorf("%s: outlives = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func BenchmarkSnapshotGet(b *testing.B) {
	c, _ := newEmulatorClient(b, emulator.Config{})
	ids := createLoops(b, c, 500)
	s := c.NewLoopSnapshot(time.Hour)
	ctx := context.Background()
	if _, err := s.List(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Get(ctx, ids[i%len(ids)]); err != nil {
			b.Fatal(err)
		}
	}
}
