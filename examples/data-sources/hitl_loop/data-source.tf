# Look a loop up by its exact name, for example one that another team's
# configuration manages.
data "hitl_loop" "moderation" {
  name = "Content Moderation"
}

# Or by id.
data "hitl_loop" "escalations" {
  id = "65f1234567890abcdef12345"
}

output "moderation_loop_id" {
  value = data.hitl_loop.moderation.id
}

output "moderation_reviewers" {
  value = [for m in data.hitl_loop.moderation.members : m.email if m.status == "active"]
}

# Requests sent to a loop without active reviewers are refused: warn early.
check "moderation_has_reviewers" {
  assert {
    condition     = data.hitl_loop.moderation.active_member_count > 0
    error_message = "No active reviewer has joined the Content Moderation loop yet (${data.hitl_loop.moderation.pending_count} pending)."
  }
}
