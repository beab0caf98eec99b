resource "hitl_loop" "queues" {
  for_each = toset(["content-moderation", "contract-review"])

  name = each.key
  icon = "eye"

  # Deleting a loop deletes its members and review requests for good:
  # a plan that would destroy or replace one fails instead.
  lifecycle {
    prevent_destroy = true
  }
}

# The key "moderation" became "content-moderation". Without this block,
# Terraform would destroy the loop and create a new, empty one; with it,
# the loop keeps its id, members, invite code and requests.
moved {
  from = hitl_loop.queues["moderation"]
  to   = hitl_loop.queues["content-moderation"]
}
