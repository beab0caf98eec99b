# Only people at example.com, plus one outside contractor, may review what
# is sent to the loop of the hitl_loop example. Anyone else who joins with
# the invite code, join URL or QR code is shown by the next plan and
# removed by the next apply.
resource "hitl_loop_member_policy" "content_moderation" {
  loop_id               = hitl_loop.content_moderation.id
  allowed_email_domains = ["example.com"]
  allowed_emails        = ["contractor@partner.io"]
}

# Who was outside the policy at the last refresh (empty after an apply).
output "content_moderation_strangers" {
  value = hitl_loop_member_policy.content_moderation.unexpected_members
}
