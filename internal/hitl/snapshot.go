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
// A loop is reported gone only when the list works and does not hold it
// and its own GET answers that it is not found (a *GoneError), so neither a
// lagging list nor a wrong base URL can cause a re-create. A failing list,
// including a 404, is an error for every reader.
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
	done chan struct{}
	// deadline is the deadline of the reader that started the call (zero
	// when it had none); the call's retries end there.
	deadline time.Time
	loops    []Loop
	err      error
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
	for {
		s.mu.Lock()
		if s.fresh() {
			loops := s.loops
			s.mu.Unlock()
			return loops, nil
		}
		call := s.inflight
		if call == nil {
			call = s.startLocked(ctx)
		}
		s.mu.Unlock()

		select {
		case <-call.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if call.err != nil && IsTransient(call.err) && outlives(ctx, call.deadline) {
			// The shared call gave up at its starter's deadline, which
			// is earlier than this reader's: this reader may go on
			// trying for its own remaining time.
			continue
		}
		return call.loops, call.err
	}
}

// startLocked starts the list call for everyone who waits for one. It runs
// detached from its starter's cancellation, so that a reader that gives up
// does not fail the others, but keeps its starter's deadline.
func (s *LoopSnapshot) startLocked(ctx context.Context) *listCall {
	call := &listCall{done: make(chan struct{})}
	fetchCtx, cancel := context.WithoutCancel(ctx), context.CancelFunc(func() {})
	if d, ok := ctx.Deadline(); ok {
		call.deadline = d
		fetchCtx, cancel = context.WithDeadline(fetchCtx, d)
	}
	s.inflight = call
	go func() {
		defer cancel()
		s.fetch(fetchCtx, call)
	}()
	return call
}

// outlives reports whether ctx may run longer than deadline (a zero
// deadline means none).
func outlives(ctx context.Context, deadline time.Time) bool {
	if deadline.IsZero() || ctx.Err() != nil {
		return false
	}
	d, ok := ctx.Deadline()
	return !ok || d.After(deadline.Add(time.Second))
}

// fetch performs the list call for everyone waiting on call.
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
// and otherwise by GET /api/loops/{id}. A *GoneError (IsConfirmedGone)
// means the loop is certainly gone: the list worked without it and
// its own GET said "Loop not found". Any other error, such as a 404 from
// the list, is a failure to read, never a deletion.
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
	loop, err := s.client.GetLoop(ctx, id)
	if IsLoopNotFoundAnswer(err) {
		return nil, &GoneError{Kind: "loop", ID: id, Answer: err}
	}
	return loop, err
}
