package provider

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// Polling while waiting for an answer: the first look comes soon, since an
// approval often arrives within seconds, and the interval then grows by half
// each time up to a cap. The cap is set by the API's rate limit (the sample
// account has 100 requests an hour): at 30 seconds a 30-minute wait costs
// about 70 calls.
const (
	pollInitial = 500 * time.Millisecond
	pollFactor  = 1.5
	pollMax     = 30 * time.Second
)

// errWaitTimeout means wait_timeout passed with the request still open.
var errWaitTimeout = errors.New("wait_timeout passed")

// awaitAnswer polls a request until it is no longer open. It returns the
// request as last seen (nil if it could never be read) and, when waiting
// ended without a final status, why: errWaitTimeout, the context's error, or
// an API error that polling cannot outlast. observe, when not nil, sees the
// request after every successful poll. The hitl_request resource and the
// hitl_approval action both wait this way.
func awaitAnswer(ctx context.Context, client *hitl.Client, id string, wait time.Duration, observe func(*hitl.Request)) (*hitl.Request, error) {
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var last *hitl.Request
	interval := pollInitial
	for {
		timer := time.NewTimer(interval)
		select {
		case <-waitCtx.Done():
			timer.Stop()
			if ctx.Err() != nil {
				return last, ctx.Err()
			}
			// One last look, so that state records the freshest status.
			if q, err := client.GetRequest(ctx, id); err == nil {
				last = q
				if !hitl.RequestIsOpen(q.Status) {
					return q, nil
				}
			}
			return last, errWaitTimeout
		case <-timer.C:
		}

		q, err := client.GetRequest(waitCtx, id)
		switch {
		case err == nil:
			last = q
			if observe != nil {
				observe(q)
			}
			if !hitl.RequestIsOpen(q.Status) {
				return q, nil
			}
			tflog.Debug(ctx, "waiting for an answer to the review request", map[string]any{"request_id": id, "status": q.Status})
		case waitCtx.Err() != nil:
			// The wait ended during the call; the next turn reports it.
		case permanentError(err):
			return last, err
		default:
			// The client has already retried; a long wait should not fail
			// on a passing outage, so keep polling until the deadline.
			tflog.Warn(ctx, "reading the review request failed; still waiting", map[string]any{"request_id": id, "error": err.Error()})
		}
		interval = min(time.Duration(float64(interval)*pollFactor), pollMax)
	}
}

// permanentError reports whether an API error will not go away by asking
// again: a 4xx other than a rate limit.
func permanentError(err error) bool {
	var apiErr *hitl.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && !hitl.IsRateLimited(err)
}

// cancelTimeout bounds the cancel of a request that is no longer waited for.
const cancelTimeout = 30 * time.Second

// cancelAbandonedRequest cancels a request that nobody waits for any more,
// so that no reviewer approves something that is no longer waiting. It runs
// with a context of its own, since the caller's may be the one that ended
// (Ctrl-C). It returns the request's status afterwards: "cancelled", or the
// final status it reached before it could be cancelled.
func cancelAbandonedRequest(ctx context.Context, client *hitl.Client, id string) (string, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
	defer cancel()
	_, err := client.CancelRequest(ctx, id)
	switch {
	case err == nil:
		return hitl.RequestCancelled, nil
	case hitl.IsValidation(err):
		// The API refuses to cancel a request that is no longer open: it
		// was answered or timed out meanwhile. Confirm that.
		q, getErr := client.GetRequest(ctx, id)
		if getErr == nil && !hitl.RequestIsOpen(q.Status) {
			return q.Status, nil
		}
	}
	return "", err
}
