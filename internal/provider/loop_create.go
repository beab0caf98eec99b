package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// clockSkew is how far the API's clock may be behind ours when deciding
// whether a loop was created after a create request began.
const clockSkew = 2 * time.Minute

// createLoop creates a loop without ever creating it twice.
//
// The client repeats a create only when the API certainly did not receive
// it. Two answers leave the outcome unknown: no answer at all (a timeout or
// a dropped connection) and a server error. Then the provider looks for the
// loop: the one loop with exactly the requested name, description and icon,
// created after the request began, that no other resource of this run has
// claimed.
//   - Exactly one: it is this resource's loop, and is returned as adopted.
//     Its invite details were only in the lost answer.
//   - None: the API did not create it, so creating again is safe.
//   - Several: the provider cannot tell which is this resource's. It fails
//     with the candidates and how to import the right one.
func (r *LoopResource) createLoop(ctx context.Context, in hitl.CreateLoopInput) (created *hitl.CreatedLoop, adopted *hitl.Loop, diags diag.Diagnostics) {
	started := time.Now()
	for attempt := 1; ; attempt++ {
		created, err := r.data.client.CreateLoop(ctx, in)
		if err == nil {
			r.data.claims.claim(created.Loop.ID)
			return created, nil, nil
		}
		if !hitl.IsUncertain(err) && !hitl.IsServerError(err) {
			diags.Append(apiErrorDiagnostic("Error creating loop", err))
			return nil, nil, diags
		}
		tflog.Warn(ctx, "the outcome of a create loop request is unknown; looking for the loop it may have created",
			map[string]any{"error": err.Error(), "attempt": attempt})

		candidates, err2 := r.createdLoopCandidates(ctx, in, started)
		if err2 != nil {
			diags.AddError("Error creating loop: outcome unknown",
				fmt.Sprintf("%s.\n\nThe provider then tried to find out whether the loop exists, and that failed too: %s.\n\n"+
					"Check the HITL.sh dashboard for a loop named %q. If it exists, import it with "+
					"`terraform import <address> <loop id>`; otherwise run apply again.", err, err2, in.Name))
			return nil, nil, diags
		}
		ids := make([]string, 0, len(candidates))
		for id := range candidates {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		id, unclaimed := r.data.claims.claimOnly(ids)
		switch {
		case id != "":
			diags.AddWarning("Loop created, but its invite details were lost",
				fmt.Sprintf("The answer to the create request was lost (%s). The provider found the loop it created, %s, "+
					"and recorded it in state, but invite_code, join_url and the QR code exist only in that answer and are null. "+
					"Share the loop from the HITL.sh app, or replace it with `terraform apply -replace=...` to get new ones.", err, id))
			return nil, candidates[id], diags
		case len(unclaimed) > 1:
			diags.AddError("Error creating loop: outcome unknown",
				fmt.Sprintf("%s.\n\nThe provider cannot tell which of these loops, all named %q and created during this run, is this "+
					"resource's: %s. To avoid a duplicate it created nothing more. Import the right one with "+
					"`terraform import <address> <loop id>` (or an `import` block), and delete the others in the HITL.sh dashboard.",
					err, in.Name, strings.Join(unclaimed, ", ")))
			return nil, nil, diags
		case attempt > r.data.client.MaxRetries():
			diags.AddError("Error creating loop",
				fmt.Sprintf("%s.\n\nNo loop with this name, description and icon exists, so the API did not create it; "+
					"the provider tried %d times. Run apply again later.", err, attempt))
			return nil, nil, diags
		}

		// The API did not create the loop: trying again is safe.
		wait := min(500*time.Millisecond<<(attempt-1), 10*time.Second)
		select {
		case <-ctx.Done():
			diags.Append(apiErrorDiagnostic("Error creating loop", err))
			return nil, nil, diags
		case <-time.After(wait):
		}
	}
}

// createdLoopCandidates lists the loops that the create request may have
// made, by id.
func (r *LoopResource) createdLoopCandidates(ctx context.Context, in hitl.CreateLoopInput, started time.Time) (map[string]*hitl.Loop, error) {
	// Not the snapshot: the answer must be newer than the request.
	loops, err := r.data.client.ListLoops(ctx)
	if err != nil {
		return nil, err
	}
	candidates := map[string]*hitl.Loop{}
	for i := range loops {
		l := &loops[i]
		if l.Name != in.Name || l.Description != in.Description || l.Icon != in.Icon {
			continue
		}
		if created, err := time.Parse(time.RFC3339, l.CreatedAt); err == nil && created.Before(started.Add(-clockSkew)) {
			continue
		}
		candidates[l.ID] = l
	}
	return candidates, nil
}
