# Terraform 1.5 and later: import with a configuration block. The block
# targets the hitl_loop_member_policy.content_moderation resource of the
# example above.
import {
  to = hitl_loop_member_policy.content_moderation
  id = "65f1234567890abcdef12345"
}
