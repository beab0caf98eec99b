package approval

import (
	"context"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// CancelTimeout bounds the cancel of a review request that nobody waits for
// any more; it runs after the caller's context may have ended.
const CancelTimeout = 30 * time.Second

// Cancellation is what cancelling a review request found.
type Cancellation struct {
	// Status is the request's status afterwards: hitl.StatusCancelled, or
	// the final status it reached before it could be cancelled. Empty when
	// Gone.
	Status hitl.RequestStatus
	// Gone is true when the request no longer exists (its loop was
	// deleted), as the request list confirmed.
	Gone bool
	// Request is the request as read back to confirm a final status other
	// than a cancel that succeeded; nil otherwise.
	Request *hitl.Request
}

// Cancel cancels review request id, of loop loopID, and confirms the
// outcome: a cancel the API refuses because the request is no longer open,
// and a cancel whose answer was lost, are settled by reading the request
// back; a "Request not found" is settled by the loop's request list. It
// fails only when the request may still be open.
func (e *Engine) Cancel(ctx context.Context, id, loopID string) (Cancellation, error) {
	_, err := e.Client.CancelRequest(ctx, id)
	if err == nil {
		return Cancellation{Status: hitl.StatusCancelled}, nil
	}
	if hitl.IsRequestNotFoundAnswer(err) {
		if cerr := e.Client.ConfirmRequestGone(ctx, id, loopID, err); !hitl.IsConfirmedGone(cerr) {
			return Cancellation{}, cerr
		}
		return Cancellation{Gone: true}, nil
	}
	// Refused (the request was answered or timed out meanwhile), or the
	// answer was lost: read the request back rather than trust either.
	q, getErr := e.Client.ReadRequest(ctx, id, loopID)
	switch {
	case hitl.IsConfirmedGone(getErr):
		return Cancellation{Gone: true}, nil
	case getErr == nil && !q.Status.IsOpen():
		if q.Status != hitl.StatusCancelled {
			e.log(ctx, "debug", "review request became final before it could be cancelled", map[string]any{"request_id": id, "status": q.Status})
		}
		return Cancellation{Status: q.Status, Request: q}, nil
	}
	return Cancellation{}, err
}

// Abandon cancels a review request that nobody waits for any more, so that
// no reviewer approves a change that is no longer waiting. It runs under a
// context of its own, bounded by CancelTimeout, since the caller's may be
// the one that ended (Ctrl-C, a create timeout).
func (e *Engine) Abandon(ctx context.Context, id, loopID string) (Cancellation, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), CancelTimeout)
	defer cancel()
	c, err := e.Cancel(ctx, id, loopID)
	if err != nil {
		e.log(ctx, "warn", "cancelling an abandoned review request failed", map[string]any{"request_id": id, "error": err.Error()})
	} else if c.Status == hitl.StatusCancelled {
		e.log(ctx, "info", "cancelled the review request: nobody waits for its answer any more", map[string]any{"request_id": id})
	}
	return c, err
}

// Outcome is how a gate's wait ended.
type Outcome struct {
	// Request is the review request as last seen; nil if it could never
	// be read.
	Request *hitl.Request
	// Verdict is set when the request reached a final status.
	Verdict *Verdict
	// Stopped is why waiting ended without a final status (ErrWaitTimeout,
	// the context's error or an API error); nil with a Verdict.
	Stopped error
	// Cancel and CancelErr say what cancelling the abandoned request did,
	// when Stopped is set.
	Cancel    Cancellation
	CancelErr error
}

// Await waits up to wait for an answer to review request id of loop loopID
// and judges it against approve. A wait that ends without a final status,
// whatever ended it, cancels the request (see Abandon).
func (e *Engine) Await(ctx context.Context, id, loopID string, wait time.Duration, approve []string, observe func(*hitl.Request)) Outcome {
	q, err := e.Wait(ctx, id, wait, observe)
	out := Outcome{Request: q, Stopped: err}
	if err == nil {
		v := Judge(q, approve)
		out.Verdict = &v
		return out
	}
	if hitl.IsRequestNotFoundAnswer(err) {
		out.Cancel = Cancellation{Gone: true}
		return out
	}
	out.Cancel, out.CancelErr = e.Abandon(ctx, id, loopID)
	return out
}
