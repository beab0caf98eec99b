# Read a request that another configuration or application sent, for
# example one whose id a pipeline passes in.
variable "request_id" {
  type = string
}

data "hitl_request" "review" {
  id = var.request_id
}

output "review_status" {
  value = data.hitl_request.review.status
}

# Null until there is an answer.
output "review_answer" {
  value = data.hitl_request.review.response
}

check "review_answered" {
  assert {
    condition     = data.hitl_request.review.status == "completed"
    error_message = "Request ${var.request_id} is ${data.hitl_request.review.status}, not answered yet."
  }
}
