package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// createLoop creates a loop without ever creating it twice (see
// safeCreate). A loop is adopted when it has exactly the requested name,
// description and icon. The loop list carries every loop in full, so when
// no loop matches, the create certainly did not happen and is sent again.
func (r *LoopResource) createLoop(ctx context.Context, in hitl.CreateLoopInput) (*hitl.CreatedLoop, *hitl.Loop, diag.Diagnostics) {
	created, _, adopted, diags := safeCreate[*hitl.CreatedLoop, *hitl.Loop]{
		kind: "loop",
		create: func(ctx context.Context) (*hitl.CreatedLoop, string, error) {
			c, err := r.data.client.CreateLoop(ctx, in)
			if err != nil {
				return nil, "", err
			}
			return c, c.Loop.ID, nil
		},
		find: func(ctx context.Context, started time.Time) (map[string]*hitl.Loop, error) {
			// Not the snapshot: the answer must be newer than the request.
			loops, err := r.data.client.ListLoops(ctx)
			if err != nil {
				return nil, err
			}
			candidates := map[string]*hitl.Loop{}
			for i := range loops {
				l := &loops[i]
				if l.Name == in.Name && l.Description == in.Description && l.Icon == in.Icon && createdAfter(l.CreatedAt, started) {
					candidates[l.ID] = l
				}
			}
			return candidates, nil
		},
		retryWhenNone: true,
		diagnose:      r.data.loopCreateDiagnostic,
		adoptedNote: "Its invite_code, join_url and QR code exist only in that lost answer and are null: share the loop " +
			"from the HITL.sh app, or replace it with `terraform apply -replace=...` to get new ones.",
	}.run(ctx, r.data)
	if !diags.HasError() {
		r.data.created.loops.Add(1)
	}
	return created, adopted, diags
}
