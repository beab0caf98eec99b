resource "hitl_loop" "content_moderation" {
  name        = "Content Moderation"
  description = "Review user posts that the automatic filter flagged: approve, remove or escalate."
  icon        = "shield-check"
}

# Share these with the reviewers: they join the loop from the HITL.sh
# mobile app with the link, the code or the QR code.
output "content_moderation_join_url" {
  value = hitl_loop.content_moderation.join_url
}

output "content_moderation_invite_code" {
  value = hitl_loop.content_moderation.invite_code
}
