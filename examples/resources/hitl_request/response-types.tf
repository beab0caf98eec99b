# single_select: one option; answers record the option's value.
resource "hitl_request" "publish" {
  loop_id         = hitl_loop.content_moderation.id
  request_text    = "Publish this comment?"
  timeout_seconds = 1800
  response_type   = "single_select"
  response_config = {
    options = [
      { value = "approve", label = "Approve", color = "#22c55e" },
      { value = "reject", label = "Reject", color = "#ef4444" },
      { value = "escalate", label = "Escalate" },
    ]
    required = true
  }
  default_response = "reject"
}

# multi_select: several options, within min_selections and max_selections.
# `response` joins the chosen values with commas, such as "spam,scam".
resource "hitl_request" "violations" {
  loop_id         = hitl_loop.content_moderation.id
  request_text    = "Which policies does this post break?"
  timeout_seconds = 3600
  response_type   = "multi_select"
  response_config = {
    options = [
      { value = "spam", label = "Spam" },
      { value = "scam", label = "Financial scam" },
      { value = "none", label = "None" },
    ]
    min_selections = 1
    max_selections = 2
  }
  default_response = "none"
}

# rating: a number on a scale, with labels for some of its values.
resource "hitl_request" "article_quality" {
  loop_id         = hitl_loop.content_moderation.id
  processing_type = "deferred"
  request_text    = "Rate the quality of this article."
  response_type   = "rating"
  response_config = {
    scale_min  = 1
    scale_max  = 5
    scale_step = 0.5
    labels     = { "1" = "Poor", "3" = "Average", "5" = "Excellent" }
  }
  default_response = "3"
}

# text: free text, up to max_length characters (1 to 5000).
resource "hitl_request" "incident_summary" {
  loop_id         = hitl_loop.content_moderation.id
  request_text    = "Summarize the incident in two or three sentences."
  timeout_seconds = 3600
  response_type   = "text"
  response_config = {
    placeholder = "What happened, and what was done?"
    min_length  = 20
    max_length  = 500
  }
  default_response = "No summary was given in time."
}

# number: max_value is required; min_value defaults to 0, decimal_places
# to 2, and negative answers need allow_negative.
resource "hitl_request" "price" {
  loop_id         = hitl_loop.content_moderation.id
  processing_type = "deferred"
  request_text    = "Price of the new headphones?"
  response_type   = "number"
  response_config = {
    min_value      = 50
    max_value      = 200
    decimal_places = 2
    prefix         = "$"
    suffix         = " USD"
  }
  default_response = "89.99"
}

# boolean: a go/no-go question answered true or false, shown with its
# labels. As a gate, approve_values = ["true"] lets the apply go on only on
# a true answer, and silence records false.
resource "hitl_request" "go_no_go" {
  loop_id         = hitl_loop.content_moderation.id
  request_text    = "Open the **spring sale** campaign now?"
  timeout_seconds = 1800
  response_type   = "boolean"
  response_config = {
    true_label  = "Go"
    false_label = "No go"
  }
  default_response = "false"

  wait_for_response = true
  approve_values    = ["true"]
}
