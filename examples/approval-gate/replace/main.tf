# Guards a replacement, for Terraform 1.16 and later: before the database
# below is destroyed to be created anew, the on-call loop is asked, and a
# rejection keeps the running database. ../README.md says what the gate
# can stop and what it cannot.

terraform {
  # before_destroy triggers need Terraform 1.16.
  required_version = ">= 1.16"

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

variable "engine_version" {
  description = "Major version of the database engine. Changing it replaces the database."
  type        = string
  default     = "16"
}

resource "hitl_loop" "oncall" {
  name        = "Production On-Call"
  description = "Approve or reject destructive changes to production."
  icon        = "shield-check"
}

action "hitl_approval" "replace_db" {
  config {
    loop_id         = hitl_loop.oncall.id
    request_text    = "Replace the **orders** database to run engine version ${var.engine_version}? The running database is destroyed first."
    timeout_seconds = 3600
  }
}

# Stands in for a database that cannot be changed in place: a new engine
# version replaces it. The approval runs before the old one is destroyed
# (Terraform destroys before it creates by default), and a rejection fails
# the apply with the database untouched.
resource "terraform_data" "orders_db" {
  triggers_replace = var.engine_version

  lifecycle {
    action_trigger {
      events  = [before_destroy]
      actions = [action.hitl_approval.replace_db]
    }
  }
}

output "database_id" {
  value = terraform_data.orders_db.id
}
