# Terraform 1.14 and later run the action before the change that triggers
# it, and a rejection stops that change.
action "hitl_approval" "deploy" {
  config {
    loop_id      = data.hitl_loop.oncall.id
    request_text = "Deploy **${var.release}** to production?"
  }
}

resource "terraform_data" "deploy" {
  input = var.release

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.hitl_approval.deploy]
    }
  }
}

# Every setting: custom options, which of them approve, the answer recorded
# when nobody responds, and how long to wait.
action "hitl_approval" "migration" {
  config {
    loop_id          = data.hitl_loop.oncall.id
    request_text     = "Run the **orders** schema migration on production now?"
    priority         = "critical"
    timeout_seconds  = 1800
    wait_timeout     = "20m"
    approve_values   = ["run"]
    default_response = "postpone"
    options = [
      { value = "run", label = "Run it now", color = "#16a34a" },
      { value = "postpone", label = "Not now", color = "#dc2626" },
    ]
    context = jsonencode({ release = var.release, tables = ["orders"] })
  }
}

# A go/no-go question: reviewers answer true or false, shown as the two
# labels. true approves and silence records false, unless approve_values
# and default_response say otherwise; messages quote the answer's label.
action "hitl_approval" "feature_flag" {
  config {
    loop_id       = data.hitl_loop.oncall.id
    request_text  = "Turn on the **new checkout** for everyone?"
    response_type = "boolean"
    true_label    = "Turn it on"
    false_label   = "Keep it off"
  }
}
