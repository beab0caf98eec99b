package hitl

import (
	"context"
	"sync"
	"time"
)

// LoopSnapshot answers loop reads from one shared list call.
//
// Terraform refreshes every resource separately, so a configuration with N
// loops would cost N GET requests per plan against an hourly rate limit.
// The snapshot turns that into a single GET /api/loops: concurrent readers
// share one in-flight request, and its result is reused while it is younger
// than the TTL and while this client has made no write since it was taken.
// A loop that is missing from the list is confirmed with its own GET before
// a caller is told it is gone, so a lagging list cannot cause a re-create.
type LoopSnapshot struct {
	client *Client
	ttl    time.Duration
	now    func() time.Time

	mu       sync.Mutex
	loops    []Loop
	byID     map[string]int
	takenAt  time.Time
	writeGen uint64
	valid    bool
	inflight *listCall
}

type listCall struct {
	done  chan struct{}
	loops []Loop
	err   error
}

// DefaultSnapshotTTL is how long a loop list may be reused.
const DefaultSnapshotTTL = 30 * time.Second

// NewLoopSnapshot returns a snapshot reader over c.
func (c *Client) NewLoopSnapshot(ttl time.Duration) *LoopSnapshot {
	return &LoopSnapshot{client: c, ttl: ttl, now: time.Now}
}

// List returns every loop of the account, from the snapshot when it is
// fresh. Callers must not modify the returned slice.
func (s *LoopSnapshot) List(ctx context.Context) ([]Loop, error) {
	s.mu.Lock()
	if s.fresh() {
		loops := s.loops
		s.mu.Unlock()
		return loops, nil
	}
	call := s.inflight
	if call == nil {
		call = &listCall{done: make(chan struct{})}
		s.inflight = call
		go s.fetch(context.WithoutCancel(ctx), call)
	}
	s.mu.Unlock()

	select {
	case <-call.done:
		return call.loops, call.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fetch performs the list call for everyone waiting on call. It runs
// detached from any one caller's cancellation, so that a reader that gives
// up does not fail the others; the client's own timeouts still bound it.
func (s *LoopSnapshot) fetch(ctx context.Context, call *listCall) {
	gen := s.client.writes.value()
	loops, err := s.client.ListLoops(ctx)

	s.mu.Lock()
	defer s.mu.Unlock()
	call.loops, call.err = loops, err
	s.inflight = nil
	// A write that started or finished during the list may be missing
	// from it: hand the result to the waiting callers, but do not keep it.
	if err == nil && s.client.writes.value() == gen {
		s.loops = loops
		s.byID = make(map[string]int, len(loops))
		for i := range loops {
			s.byID[loops[i].ID] = i
		}
		s.takenAt = s.now()
		s.writeGen = gen
		s.valid = true
	}
	close(call.done)
}

func (s *LoopSnapshot) fresh() bool {
	return s.valid && s.writeGen == s.client.writes.value() && s.now().Sub(s.takenAt) < s.ttl
}

// Get returns one loop. It is served from the list when the loop is in it,
// and otherwise by GET /api/loops/{id}, whose 404 is the only proof that a
// loop is gone.
func (s *LoopSnapshot) Get(ctx context.Context, id string) (*Loop, error) {
	loops, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.fresh() && s.byID != nil {
		if i, ok := s.byID[id]; ok && i < len(s.loops) {
			l := s.loops[i]
			s.mu.Unlock()
			return &l, nil
		}
	} else {
		for i := range loops {
			if loops[i].ID == id {
				l := loops[i]
				s.mu.Unlock()
				return &l, nil
			}
		}
	}
	s.mu.Unlock()
	return s.client.GetLoop(ctx, id)
}
