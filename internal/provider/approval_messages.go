package provider

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
