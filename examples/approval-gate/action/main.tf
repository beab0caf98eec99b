# The approval gate of ../main.tf as an action, for Terraform 1.14 and
# later: before the production change below is made, the on-call loop is
# asked on their phones, and the change goes ahead only if one of them
# approves. ../README.md shows how to run it against a local emulator.

terraform {
  # Actions need Terraform 1.14.
  required_version = ">= 1.14"

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
# managed on its own; look it up with `data "hitl_loop"` instead.
resource "hitl_loop" "oncall" {
  name        = "Production On-Call"
  description = "Approve or reject deploys to production."
  icon        = "shield-check"
}

# Asks the loop and fails unless someone answers "approve". Nobody
# answering within the hour rejects: default_response is "reject".
action "hitl_approval" "deploy" {
  config {
    loop_id         = hitl_loop.oncall.id
    request_text    = "Deploy **${var.release}** to production?"
    timeout_seconds = 3600
    context = jsonencode({
      release     = var.release
      environment = "production"
    })
  }
}

# Stands in for the production change. The action runs before it is
# created or updated, and a rejection stops that change: the running
# release stays as it is.
resource "terraform_data" "deploy" {
  input = var.release

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.hitl_approval.deploy]
    }
  }
}

output "deployed_release" {
  value = terraform_data.deploy.output
}
