# Terraform 1.12 and later, and OpenTofu 1.12 and later: import by the
# policy's identity, the id of its loop.
import {
  to = hitl_loop_member_policy.content_moderation
  identity = {
    loop_id = "65f1234567890abcdef12345"
  }
}
