# An approval gate: before the production change below is made, the
# on-call loop is asked on their phones, and the apply goes on only if one
# of them approves. README.md shows how to run it against a local emulator.
#
# This form works with every Terraform version from 1.4 and with OpenTofu.
# With Terraform 1.14 or later, action/main.tf is the simpler form: an
# action that runs before the change.

terraform {
  # terraform_data needs Terraform 1.4.
  required_version = ">= 1.4"

  required_providers {
    hitl = {
      source  = "hitl-sh/hitl"
      version = "~> 0.1"
    }
  }
}

# Credentials come from the environment: HITL_API_KEY, and HITL_BASE_URL to
# use a local emulator.
provider "hitl" {}

variable "release" {
  description = "Version to deploy. A new version asks for approval again."
  type        = string
  default     = "v1.4.2"
}

# The people who approve deploys. In practice this loop is long-lived and
# managed on its own; look it up with `data "hitl_loop"` instead. Its
# creator is its first member; others join with its invite code.
resource "hitl_loop" "oncall" {
  name        = "Production On-Call"
  description = "Approve or reject deploys to production."
  icon        = "shield-check"
}

resource "hitl_request" "deploy_approval" {
  loop_id         = hitl_loop.oncall.id
  request_text    = "Deploy **${var.release}** to production?"
  priority        = "high"
  timeout_seconds = 3600
  response_type   = "single_select"
  response_config = {
    options = [
      { value = "approve", label = "Approve", color = "#16a34a" },
      { value = "reject", label = "Reject", color = "#dc2626" },
    ]
  }
  # Silence is not consent: nobody answering within the hour rejects.
  default_response = "reject"
  context = jsonencode({
    release     = var.release
    environment = "production"
  })
  tags = ["deploy", "production"]

  # Apply blocks until someone answers, and fails unless they approve.
  wait_for_response = true
  wait_timeout      = "1h"
  approve_values    = ["approve"]
}

# Stands in for the production change: a deployment, a database migration,
# a DNS switch. It is replaced with every release.
resource "terraform_data" "deploy" {
  triggers_replace = [var.release]
  input            = var.release

  depends_on = [hitl_request.deploy_approval]

  lifecycle {
    # A new release replaces both the request and the deploy. Without this,
    # Terraform would destroy the running deploy first, then ask, and a
    # rejection would leave nothing deployed. With it, the new request is
    # asked first (Terraform applies create_before_destroy to what the
    # deploy depends on too), and the old deploy is only replaced once the
    # new release is approved.
    create_before_destroy = true

    # approve_values already stops the apply on any other answer; the
    # precondition states the rule where the change is made, and keeps it
    # should approve_values ever be removed.
    precondition {
      condition     = hitl_request.deploy_approval.response == "approve"
      error_message = "Deploying ${var.release} to production was not approved (the answer was ${coalesce(hitl_request.deploy_approval.response, "none")})."
    }
  }
}

output "approved_by" {
  description = "User id of the reviewer who approved the deploy."
  value       = hitl_request.deploy_approval.response_by
}

output "deployed_release" {
  value = terraform_data.deploy.output
}
