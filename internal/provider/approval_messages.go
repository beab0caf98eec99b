package provider

import (
	"fmt"

	"github.com/hitl-sh/terraform-provider-hitl/internal/approval"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// approvalNotApproved ends every error of the hitl_approval action that
// does not approve. It must stay true whatever Terraform does with the
// error: Terraform stops a change whose before_* trigger fails, but turns
// the failure into a warning and makes the change anyway during
// `terraform destroy` and for a trigger with `on_failure = continue`, and
// the action cannot tell which applies. So it says that the change was
// not approved, never that it is not made.
const approvalNotApproved = "The change that waits for this approval was not approved. Terraform stops it, " +
	"unless it turns the action's failure into a warning, as terraform destroy and on_failure = continue do. " +
	"Run Terraform again to ask again."

// The gates' explanations of a verdict that does not approve, the same for
// the hitl_request resource and the hitl_approval action; each face adds
// its own summary and closing.

// noAnswerDetail explains a request that ended without an answer.
func noAnswerDetail(q *hitl.Request, v approval.Verdict) string {
	return fmt.Sprintf("Request %s ended %s without an answer, and approve_values accepts only %s.", q.ID, q.Status, quoteAll(v.Approve))
}

// defaultRecordedDetail explains a request whose deadline passed, with a
// default response recorded that does not approve.
func defaultRecordedDetail(q *hitl.Request, v approval.Verdict) string {
	return fmt.Sprintf("Nobody answered request %s before its deadline (%s), so its default response %s was recorded, "+
		"and approve_values accepts only %s.", q.ID, q.TimeoutAt, v.QuotedAnswer(), quoteAll(v.Approve))
}

// rejectedDetail explains an answer outside approve_values, with who gave
// it (emails maps reviewers' ids to their addresses, when known).
func rejectedDetail(v approval.Verdict, emails map[string]string) string {
	return fmt.Sprintf("%s, and approve_values accepts only %s.", v.AnswerDetail(emails), quoteAll(v.Approve))
}
