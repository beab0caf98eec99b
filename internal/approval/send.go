package approval

import (
	"context"
	"errors"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// ErrNotSent means Terraform was interrupted before the review request was
// sent: nothing was created.
var ErrNotSent = errors.New("interrupted before the review request was sent")

// SendContext returns the context to send a review request under. Once
// sent, a request must be seen through even if Terraform is interrupted
// (Ctrl-C): its reviewers are notified, so it has to be recorded or
// cancelled, not lost. The context therefore survives ctx's cancellation,
// but not ctx's deadline, nor limit from now, and tells the client to make
// no new attempt once ctx is done (hitl.WithInterrupt). It returns
// ErrNotSent when ctx has already ended: what has not been sent is not
// started.
func SendContext(ctx context.Context, limit time.Duration) (context.Context, context.CancelFunc, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, errors.Join(ErrNotSent, err)
	}
	deadline := time.Now().Add(limit)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	sendCtx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	return hitl.WithInterrupt(sendCtx, ctx.Done()), cancel, nil
}

// Candidates returns the review requests of loop loopID created since
// started that match in, each read in full: the requests a create whose
// answer was lost may have made.
func Candidates(ctx context.Context, client *hitl.Client, loopID string, in hitl.CreateRequestInput, started time.Time, createdAfter func(createdAt string, started time.Time) bool) (map[string]*hitl.Request, error) {
	page, err := client.ListRequests(ctx, hitl.RequestFilter{LoopID: loopID, Sort: "created_at_desc", Limit: 100})
	if err != nil {
		return nil, err
	}
	candidates := map[string]*hitl.Request{}
	for _, summary := range page.Requests {
		if !createdAfter(summary.CreatedAt, started) {
			continue
		}
		q, err := client.GetRequest(ctx, summary.ID)
		if err != nil {
			return nil, err
		}
		if q.LoopID == loopID && q.RequestText == in.RequestText && q.ResponseType == in.ResponseType &&
			q.Priority == in.Priority && q.ProcessingType == in.ProcessingType {
			candidates[q.ID] = q
		}
	}
	return candidates, nil
}
