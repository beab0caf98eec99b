package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hitl-sh/terraform-provider-hitl/internal/approval"
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
	created, adopted, diags := safeCreate[*hitl.CreatedRequest, *hitl.Request]{
		kind:   "review request",
		claims: &data.requestClaims,
		create: func(ctx context.Context) (*hitl.CreatedRequest, string, error) {
			c, err := data.client.CreateRequest(ctx, loopID, in)
			if err != nil {
				return nil, "", err
			}
			return c, c.RequestID, nil
		},
		find: func(ctx context.Context, started time.Time) (map[string]*hitl.Request, error) {
			// Retried after an interrupt too: without it, a request whose
			// reviewers were notified could exist outside state.
			return approval.Candidates(hitl.WithoutInterrupt(ctx), data.client, loopID, in, started, createdAfter)
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

// createRequestDiagnostic explains a failed create.
func createRequestDiagnostic(err error) diag.Diagnostic {
	d := apiErrorDiagnostic("Error creating review request", err)
	switch {
	case hitl.IsNoActiveMembers(err):
		return diag.NewErrorDiagnostic(d.Summary(), fmt.Sprintf("%s.\n\nNobody has joined the loop yet, so there is nobody "+
			"to ask. Share the loop's invite code or join URL with the reviewers; the `hitl_loop` data source's "+
			"active_member_count shows when someone has joined.", err))
	case hitl.IsLoopNotFoundAnswer(err):
		return diag.NewErrorDiagnostic(d.Summary(), fmt.Sprintf("%s.\n\nCheck loop_id: the loop does not exist, or was deleted.", err))
	}
	return d
}
