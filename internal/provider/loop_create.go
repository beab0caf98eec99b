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
//
// An interrupt (Ctrl-C) does not cut a create short once it is sent: its
// answer is awaited, or the loop it may have made is looked for, and the
// result recorded (see seeThrough). No create is sent after the interrupt.
func (r *LoopResource) createLoop(ctx context.Context, in hitl.CreateLoopInput) (*hitl.CreatedLoop, *hitl.Loop, diag.Diagnostics) {
	grace := r.data.interruptGrace()
	sendCtx, release := seeThrough(ctx, grace)
	defer release()
	return safeCreate[*hitl.CreatedLoop, *hitl.Loop]{
		kind:   "loop",
		claims: &r.data.loopClaims,
		create: func(sendCtx context.Context) (*hitl.CreatedLoop, string, error) {
			if err := notSent(ctx); err != nil {
				return nil, "", err
			}
			var c *hitl.CreatedLoop
			err := r.data.loopCreates.send(ctx, in, &r.data.loopClaims, func() (string, error) {
				var err error
				if c, err = r.data.client.CreateLoop(sendCtx, in); err != nil {
					return "", err
				}
				return c.Loop.ID, nil
			})
			if err != nil {
				return nil, "", err
			}
			return c, c.Loop.ID, nil
		},
		find: func(_ context.Context, started time.Time) (map[string]*hitl.Loop, error) {
			// Even after an interrupt: without it, the loop could exist
			// outside state.
			lookupCtx, release := lookupContext(ctx, grace)
			defer release()
			// Alike loops of this run that lost their answers too share
			// what is found (loop_create_group.go).
			return r.data.loopCreates.find(lookupCtx, in, &r.data.loopClaims, func() (map[string]*hitl.Loop, error) {
				// Not the snapshot: the answer must be newer than the request.
				loops, err := r.data.client.ListLoops(lookupCtx)
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
			})
		},
		retryWhenNone: true,
		diagnose:      r.data.loopCreateDiagnostic,
		adoptedNote: "Its invite_code, join_url and QR code exist only in that lost answer and are null: share the loop " +
			"from the HITL.sh app, or replace it with `terraform apply -replace=...` to get new ones.",
	}.run(sendCtx, r.data)
}
