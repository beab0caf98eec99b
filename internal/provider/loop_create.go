package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// clockSkew is how far the API's clock may be behind ours when deciding
// whether a loop was created after a create request began.
const clockSkew = 2 * time.Minute

// recoverUncertainCreate handles a create that was sent but never answered.
// The loop may exist, and a blind retry could create it twice, so instead
// the provider looks for it: the one loop with exactly the requested name,
// description and icon, created after the request began, that no other
// resource of this run has claimed. If there is exactly one, it is recorded
// in state. Otherwise the create fails with the candidates and how to
// import the right one, so a loop is never duplicated or orphaned silently.
func (r *LoopResource) recoverUncertainCreate(ctx context.Context, in hitl.CreateLoopInput, started time.Time, createErr error, plan *loopResourceModel, resp *resource.CreateResponse) {
	tflog.Warn(ctx, "create loop request got no answer; looking for the loop it may have created", map[string]any{"error": createErr.Error()})

	loops, err := r.data.client.ListLoops(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Error creating loop: outcome unknown",
			fmt.Sprintf("%s.\n\nThe provider then tried to find out whether the loop exists, and that failed too: %s.\n\n"+
				"Check the HITL.sh dashboard for a loop named %q. If it exists, import it with "+
				"`terraform import <address> <loop id>`; otherwise run apply again.", createErr, err, in.Name))
		return
	}

	var candidates []string
	byID := map[string]*hitl.Loop{}
	for i := range loops {
		l := &loops[i]
		if l.Name != in.Name || l.Description != in.Description || l.Icon != in.Icon {
			continue
		}
		if created, err := time.Parse(time.RFC3339, l.CreatedAt); err == nil && created.Before(started.Add(-clockSkew)) {
			continue
		}
		candidates = append(candidates, l.ID)
		byID[l.ID] = l
	}

	id, unclaimed := r.data.claims.claimOnly(candidates)
	switch {
	case id != "":
		plan.setFromAPI(byID[id])
		// Only the lost create answer carried these.
		plan.InviteCode = types.StringNull()
		plan.JoinURL = types.StringNull()
		plan.QRCodeURL = types.StringNull()
		plan.QRCodeBase64 = types.StringNull()
		resp.Diagnostics.AddWarning("Loop created, but its invite details were lost",
			fmt.Sprintf("The create request's answer never arrived (%s). The provider found the loop it created, %s, "+
				"and recorded it in state, but invite_code, join_url and the QR code exist only in that lost answer and are null. "+
				"Share the loop from the HITL.sh app, or replace it with `terraform apply -replace=...` to get new ones.", createErr, id))
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	case len(unclaimed) == 0:
		resp.Diagnostics.AddError("Error creating loop: outcome unknown",
			fmt.Sprintf("%s.\n\nNo loop with this name, description and icon exists, so the API most likely did not create it. "+
				"Run apply again.", createErr))
	default:
		resp.Diagnostics.AddError("Error creating loop: outcome unknown",
			fmt.Sprintf("%s.\n\nThe provider cannot tell which of these loops, all named %q and created during this run, is this "+
				"resource's: %s. To avoid a duplicate it created nothing more. Import the right one with "+
				"`terraform import <address> <loop id>` (or an `import` block), and delete the others in the HITL.sh dashboard.",
				createErr, in.Name, strings.Join(unclaimed, ", ")))
	}
}
