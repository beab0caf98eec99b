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
// whether an object was created after a create request began.
const clockSkew = 2 * time.Minute

// createdAfter reports whether an RFC 3339 creation time is not before
// started, allowing for clock skew. An unreadable time counts as after, so
// that an object is never ruled out on a formatting detail.
func createdAfter(createdAt string, started time.Time) bool {
	t, err := time.Parse(time.RFC3339, createdAt)
	return err != nil || !t.Before(started.Add(-clockSkew))
}

// safeCreate creates one object (a loop, a review request) without ever
// creating it twice.
//
// The client repeats a create only when the API certainly did not receive
// it. Two answers leave the outcome unknown: no answer at all (a timeout or
// a dropped connection) and a server error. Then safeCreate looks for the
// object the request may have made with find, which returns the objects
// that match what was sent and were created after the request began, by id.
// Of those that no other resource of this run has claimed:
//   - exactly one is this resource's object, and is returned as adopted;
//   - none means the API did not create it: with retryWhenNone the create
//     is sent again, otherwise the create fails;
//   - several cannot be told apart: the create fails, naming them all and
//     how to import the right one.
type safeCreate[C, A any] struct {
	// kind names the object in messages: "loop", "review request".
	kind string
	// claims holds the objects of this kind that resources of this run
	// own: what create makes is claimed, and only unclaimed candidates
	// are adopted.
	claims *claimSet
	// create sends the create request and returns the result and its id.
	create func(context.Context) (C, string, error)
	// find lists the candidates a create sent at started may have made.
	find func(ctx context.Context, started time.Time) (map[string]A, error)
	// retryWhenNone allows sending the create again when find is certain
	// to see the object if it exists.
	retryWhenNone bool
	// adoptedNote tells the user what an adopted object lacks.
	adoptedNote string
	// diagnose explains a create that certainly failed; nil means
	// apiErrorDiagnostic.
	diagnose func(error) diag.Diagnostic
}

// run returns either what create returned, or the adopted candidate, or
// error diagnostics.
func (s safeCreate[C, A]) run(ctx context.Context, d *providerData) (created C, adopted A, diags diag.Diagnostics) {
	summary := "Error creating " + s.kind
	started := time.Now()
	for attempt := 1; ; attempt++ {
		c, id, err := s.create(ctx)
		if err == nil {
			s.claims.claim(id)
			return c, adopted, nil
		}
		if !hitl.IsUncertain(err) && !hitl.IsServerError(err) {
			if s.diagnose != nil {
				diags.Append(s.diagnose(err))
			} else {
				diags.Append(apiErrorDiagnostic(summary, err))
			}
			return created, adopted, diags
		}
		tflog.Warn(ctx, "the outcome of a create request is unknown; looking for what it may have created",
			map[string]any{"kind": s.kind, "error": err.Error(), "attempt": attempt})

		candidates, findErr := s.find(ctx, started)
		if findErr != nil {
			diags.AddError(summary+": outcome unknown",
				fmt.Sprintf("%s.\n\nThe provider then tried to find out whether the %s exists, and that failed too: %s.\n\n"+
					"Look for it in the HITL.sh app. If it exists, import it with `terraform import <address> <id>` where "+
					"the resource supports import; otherwise run apply again.", err, s.kind, findErr))
			return created, adopted, diags
		}
		ids := make([]string, 0, len(candidates))
		for id := range candidates {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		id, unclaimed := s.claims.claimOnly(ids)
		switch {
		case id != "":
			diags.AddWarning(fmt.Sprintf("%s created, but the answer was lost", capitalize(s.kind)),
				fmt.Sprintf("The answer to the create request was lost (%s). The provider found the %s it created, %s, "+
					"and recorded it in state. %s", err, s.kind, id, s.adoptedNote))
			return created, candidates[id], diags
		case len(unclaimed) > 1:
			diags.AddError(summary+": outcome unknown",
				fmt.Sprintf("%s.\n\nThe provider cannot tell which of these, all matching this resource and created during "+
					"this run, is this resource's %s: %s. To avoid a duplicate it created nothing more. Import the right one "+
					"with `terraform import <address> <id>` (or an `import` block) where the resource supports import. Other "+
					"resources of this configuration with the same settings that failed the same way may own the others: "+
					"import one into each of them, and delete or cancel in HITL.sh only those that no resource takes.",
					err, s.kind, strings.Join(unclaimed, ", ")))
			return created, adopted, diags
		case !s.retryWhenNone:
			diags.AddError(summary+": outcome unknown",
				fmt.Sprintf("%s.\n\nNo matching %s was found, so the API most likely did not create it; check the HITL.sh "+
					"app, then run apply again.", err, s.kind))
			return created, adopted, diags
		case capped(d.client.MaxRetries(), attempt):
			diags.AddError(summary,
				fmt.Sprintf("%s.\n\nNo matching %s exists, so the API did not create it; the provider tried %d times, "+
					"as max_retries allows. Run apply again later.", err, s.kind, attempt))
			return created, adopted, diags
		}

		// The API did not create the object: trying again is safe, for as
		// long as the operation's deadline allows.
		wait := d.client.RetryWait(attempt - 1)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			diags.AddError(summary,
				fmt.Sprintf("%s.\n\nNo matching %s exists, so the API did not create it; the provider tried %d times "+
					"until the operation's deadline. Run apply again later, or give create more time with the resource's "+
					"`timeouts`.", err, s.kind, attempt))
			return created, adopted, diags
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			diags.Append(apiErrorDiagnostic(summary, err))
			return created, adopted, diags
		case <-timer.C:
		}
	}
}

// capped reports whether an optional cap on retries (negative: none) stops
// a further try after attempt tries.
func capped(maxRetries, attempt int) bool {
	return maxRetries >= 0 && attempt > maxRetries
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
