# Ask a loop a question and go on with the apply; later refreshes pick up
# the answer in `status` and `response`.
resource "hitl_request" "content_review" {
  loop_id         = hitl_loop.content_moderation.id
  request_text    = "Does this post break the community guidelines?\n\n> Limited offer, click here..."
  priority        = "medium"
  timeout_seconds = 86400
  response_type   = "single_select"
  response_config = {
    options = [
      { value = "keep", label = "Keep it" },
      { value = "remove", label = "Remove it", color = "#dc2626" },
    ]
  }
  default_response = "keep"
  context          = jsonencode({ post_id = "p-1842", reported_by = 3 })
  tags             = ["moderation"]
}

# An approval gate: apply waits for the answer and fails unless it is
# "approve". Resources that depend on the request run only after approval.
resource "hitl_request" "schema_migration" {
  loop_id         = hitl_loop.content_moderation.id
  request_text    = "Run the **orders** schema migration on production now?"
  priority        = "critical"
  timeout_seconds = 1800
  response_type   = "single_select"
  response_config = {
    options = [{ value = "approve" }, { value = "reject" }]
  }
  default_response = "reject"

  wait_for_response = true
  wait_timeout      = "30m"
  approve_values    = ["approve"]
}

# A rating, with no urgency: deferred requests get 30 days unless
# timeout_seconds says otherwise.
resource "hitl_request" "answer_quality" {
  loop_id         = hitl_loop.content_moderation.id
  processing_type = "deferred"
  request_text    = "How accurate is this answer of the support assistant?"
  response_type   = "rating"
  response_config = {
    scale_min  = 1
    scale_max  = 5
    scale_step = 0.5
  }
}

output "content_review_decision" {
  value = hitl_request.content_review.response
}
