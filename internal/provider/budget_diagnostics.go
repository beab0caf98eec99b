package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// budgetSpentDetail explains a call refused because the API key's request
// budget is spent and resets after the operation's deadline. done, when
// not empty, says what this run achieved before the limit.
func budgetSpentDetail(err error, rl *hitl.RateLimitError, done string) string {
	if done != "" {
		done = " " + done
	}
	return fmt.Sprintf("%s.\n\nThe HITL API allows each API key %d requests per hour, and this key has used them: the API "+
		"accepts requests again at %s. That is after this operation's deadline, so the provider stopped at once rather "+
		"than retry.%s Run the command again after the reset. To spread a large change over several windows, apply "+
		"part of it with `-target`, or in several smaller applies; `-parallelism` does not reduce the number of requests.",
		err, rl.Limit, rl.Reset.UTC().Format("15:04:05 UTC on 2006-01-02"), done)
}

// unreachableDetail explains an API address where nothing accepts
// connections.
func unreachableDetail(err error) string {
	return fmt.Sprintf("%s.\n\nNothing accepted a connection at this address, and the provider has not reached the API "+
		"at it during this run, so the address is most likely wrong. Check `base_url` in the provider block, or the %s "+
		"environment variable: it must be the root of the API including its version, such as %s (for the emulator, "+
		"the URL it printed, ending in /v1), with the right host and port.", err, envBaseURL, hitl.DefaultBaseURL)
}

// loopCreateDiagnostic is the loop resource's diagnostic for a create that
// certainly failed: for a spent budget it says that the loops created
// before it are in state.
func (d *providerData) loopCreateDiagnostic(err error) diag.Diagnostic {
	rl, ok := hitl.AsBudgetSpent(err)
	if !ok {
		return apiErrorDiagnostic("Error creating loop", err)
	}
	done := "This loop was not created. The loops that this apply created before the limit are saved in state"
	if n := d.loopClaims.len(); n > 0 {
		done = fmt.Sprintf("This loop was not created. The %d loops that this apply created before the limit are saved "+
			"in state", n)
		if n == 1 {
			done = "This loop was not created. The loop that this apply created before the limit is saved in state"
		}
	}
	done += ", and the next apply creates the rest."
	return diag.NewErrorDiagnostic("Error creating loop: API request budget spent", budgetSpentDetail(err, rl, done))
}
