package provider

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// apiErrorDiagnostic turns a client error into an error diagnostic whose
// summary names the action ("Error creating loop") and whose detail quotes
// the API and says what the user can do.
func apiErrorDiagnostic(summary string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(summary, apiErrorDetail(err))
}

func apiErrorDetail(err error) string {
	var apiErr *hitl.APIError
	var respErr *hitl.ResponseError
	var uncertain *hitl.UncertainError
	if rl, ok := hitl.AsBudgetSpent(err); ok {
		return budgetSpentDetail(err, rl, "")
	}
	switch {
	case hitl.IsUnreachable(err):
		return unreachableDetail(err)
	case hitl.IsLoopNotFoundAnswer(err):
		return fmt.Sprintf("%s.\n\nThe loop no longer exists in HITL.sh: it was deleted outside Terraform. Run `terraform plan` "+
			"to see the plan to create it again, or remove it from the configuration.", err)
	case hitl.IsRequestNotFoundAnswer(err):
		return fmt.Sprintf("%s.\n\nThe review request no longer exists in HITL.sh: it, or its loop, was deleted outside "+
			"Terraform. Run `terraform plan` to see what Terraform now knows.", err)
	case hitl.IsEndpointNotFound(err):
		return endpointNotFoundDetail(err)
	case hitl.IsUnauthorized(err):
		return fmt.Sprintf("%s.\n\nThe HITL API did not accept the API key. Check the provider's `api_key` "+
			"or the HITL_API_KEY environment variable, and that the key has not been revoked.", err)
	case hitl.IsForbidden(err):
		return fmt.Sprintf("%s.\n\nThe API key's account may not do this: only a loop's creator can change it or send "+
			"requests to it, and only its creator and members can read it. Use the creator's API key, or remove the object "+
			"from this configuration.", err)
	case hitl.IsRateLimited(err):
		return fmt.Sprintf("%s.\n\nThe API key has used up its hourly request budget, and the provider's retries did not "+
			"outlast it within the operation's deadline. Wait for the limit to reset (the `hitl_api_key` data source shows "+
			"when), or give the operation more time with the resource's `timeouts` (and `max_retries`, if you set it).", err)
	case hitl.IsValidation(err):
		return fmt.Sprintf("%s.\n\nThe API rejected the values sent. Correct the configuration as the message says and apply again.", err)
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 500:
		return fmt.Sprintf("%s.\n\nThe HITL API had a server error that persisted through the provider's retries until the "+
			"operation's deadline. Nothing in the configuration needs to change; try again later, or give the operation more "+
			"time with the resource's `timeouts`.", err)
	case errors.As(err, &respErr):
		return fmt.Sprintf("%s.\n\nThe answer did not come from the HITL API as documented, possibly from a proxy in between. "+
			"Check `base_url` and try again.", err)
	case errors.As(err, &uncertain):
		return fmt.Sprintf("%s.\n\nRun `terraform plan` to see what Terraform now knows, and try again.", err)
	default:
		return err.Error()
	}
}

// endpointNotFoundDetail explains a 404 that is not the API's answer about
// a loop or a request: the server does not know the URL, so the base URL is
// almost certainly wrong. Nothing is treated as deleted because of it.
func endpointNotFoundDetail(err error) string {
	tried := ""
	var apiErr *hitl.APIError
	if errors.As(err, &apiErr) && apiErr.URL != "" {
		tried = fmt.Sprintf(" The request went to %s.", apiErr.URL)
	}
	return fmt.Sprintf("%s.\n\nThis is not the HITL API's answer for a missing loop or request (%q or %q), so the server "+
		"at this address does not serve the HITL API there, and nothing is treated as deleted.%s\n\nCheck `base_url` in "+
		"the provider block, or the %s environment variable: it must be the root of the API including its version, such "+
		"as %s (for the emulator, the URL it printed, ending in /v1), with the right host and port.",
		err, hitl.LoopNotFoundMessage, hitl.RequestNotFoundMessage, tried, envBaseURL, hitl.DefaultBaseURL)
}

// shortDuration writes d as a person would configure it: 1h rather than
// Go's 1h0m0s, 90m as 1h30m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
