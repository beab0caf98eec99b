package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// createRequest sends a review request without ever sending it twice (see
// safeCreate): a second request would notify every reviewer again. A
// request is adopted when it was created in the same loop after this one
// was sent, with the same text, response type, priority and processing
// type. The list of requests is not documented to carry every field in
// full, so when none matches the create fails instead of being repeated.
// The hitl_request resource and the hitl_approval action both send requests
// this way.
func createRequest(ctx context.Context, data *providerData, loopID string, in hitl.CreateRequestInput) (*hitl.CreatedRequest, diag.Diagnostics) {
	created, _, adopted, diags := safeCreate[*hitl.CreatedRequest, *hitl.Request]{
		kind: "review request",
		create: func(ctx context.Context) (*hitl.CreatedRequest, string, error) {
			c, err := data.client.CreateRequest(ctx, loopID, in)
			if err != nil {
				return nil, "", err
			}
			return c, c.RequestID, nil
		},
		find: func(ctx context.Context, started time.Time) (map[string]*hitl.Request, error) {
			return createdRequestCandidates(ctx, data.client, loopID, in, started)
		},
		adoptedNote: "Its reviewers were notified once, as intended.",
		diagnose:    createRequestDiagnostic,
	}.run(ctx, data)
	if adopted != nil {
		return &hitl.CreatedRequest{
			RequestID:     adopted.ID,
			Status:        adopted.Status,
			TimeoutAt:     adopted.TimeoutAt,
			BroadcastedTo: int64(len(adopted.BroadcastedTo)),
		}, diags
	}
	return created, diags
}

// createdRequestCandidates returns the loop's requests created since
// started that match in, each read in full.
func createdRequestCandidates(ctx context.Context, client *hitl.Client, loopID string, in hitl.CreateRequestInput, started time.Time) (map[string]*hitl.Request, error) {
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
