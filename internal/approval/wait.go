package approval

import (
	"context"
	"errors"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// The poll schedule. An approval often comes within seconds, so the first
// look is soon and the interval doubles up to pollEarlyMax for the first
// two minutes: an answer given then is seen within ten seconds. After that
// the interval grows by half up to pollMax, so that a one-hour wait costs
// some 65 calls, under two thirds of the 100 an API key may make in an hour.
const (
	pollInitial  = 500 * time.Millisecond
	pollEarly    = 2 * time.Minute
	pollEarlyMax = 10 * time.Second
	pollFactor   = 1.5
	pollMax      = 75 * time.Second

	// budgetLow is the remaining budget below which polling slows down:
	// from then on, a wait spends at most half of what is left before the
	// window resets, leaving the rest to the apply's other calls.
	budgetLow = 25
	// budgetResetSlack is added to a reset time, so that a poll lands in
	// the new window rather than at its edge.
	budgetResetSlack = 2 * time.Second
)

// ErrWaitTimeout means the wait passed with the review request still open.
var ErrWaitTimeout = errors.New("wait_timeout passed")

// NextPoll returns the interval before the next poll, given the time since
// the wait began and the previous interval (zero before the first poll). It
// ignores the budget; see Engine.nextPoll.
func NextPoll(elapsed, prev time.Duration) time.Duration {
	if prev <= 0 {
		return pollInitial
	}
	if elapsed < pollEarly {
		return min(prev*2, pollEarlyMax)
	}
	return min(time.Duration(float64(prev)*pollFactor), pollMax)
}

// SlowForBudget stretches interval when the budget runs low: with nothing
// left, the next poll waits for the window to reset; below budgetLow, the
// remaining calls are spread so that at most half of them go to this wait
// before the reset. now is the current time.
func SlowForBudget(interval time.Duration, remaining int, reset, now time.Time) time.Duration {
	untilReset := reset.Sub(now)
	if untilReset <= 0 || remaining >= budgetLow {
		return interval
	}
	if remaining <= 0 {
		return max(interval, untilReset+budgetResetSlack)
	}
	share := max(remaining/2, 1)
	return max(interval, untilReset/time.Duration(share))
}

func (e *Engine) nextPoll(elapsed, prev time.Duration, now time.Time) time.Duration {
	schedule := NextPoll
	if e.poll != nil {
		schedule = e.poll
	}
	next := schedule(elapsed, prev)
	if e.Budget == nil {
		return next
	}
	remaining, reset, known := e.Budget()
	if !known {
		return next
	}
	return SlowForBudget(next, remaining, reset, now)
}

// Wait polls review request id until it is no longer open. It returns the
// request as last seen (nil if it could never be read) and, when waiting
// ended without a final status, why: ErrWaitTimeout once wait has passed,
// the context's error, or an API error that polling cannot outlast (such as
// the request being gone). observe, when not nil, sees the request after
// every successful poll.
func (e *Engine) Wait(ctx context.Context, id string, wait time.Duration, observe func(*hitl.Request)) (*hitl.Request, error) {
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	started := time.Now()
	var last *hitl.Request
	var interval time.Duration
	for {
		interval = e.nextPoll(time.Since(started), interval, time.Now())
		timer := time.NewTimer(interval)
		select {
		case <-waitCtx.Done():
			timer.Stop()
			if ctx.Err() != nil {
				return last, ctx.Err()
			}
			// One last look, so that the freshest status is recorded.
			if q, err := e.Client.GetRequest(ctx, id); err == nil {
				last = q
				if !q.Status.IsOpen() {
					return q, nil
				}
			}
			return last, ErrWaitTimeout
		case <-timer.C:
		}

		q, err := e.Client.GetRequest(waitCtx, id)
		switch {
		case err == nil:
			last = q
			if observe != nil {
				observe(q)
			}
			if !q.Status.IsOpen() {
				return q, nil
			}
			e.log(ctx, "debug", "waiting for an answer to the review request", map[string]any{"request_id": id, "status": q.Status})
		case waitCtx.Err() != nil:
			// The wait ended during the call; the next turn reports it.
		case hitl.IsPermanentAPIError(err):
			return last, err
		default:
			// The client has already retried; a long wait should not fail
			// on a passing outage, so keep polling until the deadline.
			e.log(ctx, "warn", "reading the review request failed; still waiting", map[string]any{"request_id": id, "error": err.Error()})
		}
	}
}
