# Who is in a loop, ordered by email.
data "hitl_loop_members" "moderation" {
  loop_id = "65f1234567890abcdef12345"
}

output "moderation_members" {
  value = { for m in data.hitl_loop_members.moderation.members : m.email => m.status }
}

# Only the invitations not yet accepted.
data "hitl_loop_members" "moderation_pending" {
  loop_id = "65f1234567890abcdef12345"
  status  = "pending"
}

output "moderation_pending" {
  value = data.hitl_loop_members.moderation_pending.members[*].email
}
