# Three loops of human reviewers, one per use case. Reviewers join a loop
# from the HITL.sh mobile app with its invite code, join URL or QR code;
# outputs.tf collects them for sharing.

terraform {
  required_version = ">= 1.0"

  required_providers {
    hitl = {
      source  = "hitl-sh/hitl"
      version = "~> 0.1"
    }
  }
}

# Credentials come from the environment: HITL_API_KEY (and HITL_BASE_URL,
# which `make demo` points at a local emulator).
provider "hitl" {}

locals {
  loops = {
    content_moderation = {
      name        = "Content Moderation"
      description = "Review user posts that the automatic filter flagged: approve, remove or escalate."
      icon        = "shield-check"
    }
    contract_review = {
      name        = "Contract Review"
      description = "Check contract clauses extracted by the pipeline before they reach a customer."
      icon        = "document-check"
    }
    ai_output_qa = {
      name        = "AI Output QA"
      description = "Rate model answers for accuracy and tone before they are published."
      icon        = "badge-check"
    }
  }
}

resource "hitl_loop" "this" {
  for_each = local.loops

  name        = trimspace("${var.name_prefix} ${each.value.name}")
  description = each.value.description
  icon        = each.value.icon
}
