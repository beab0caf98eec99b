# Terraform 1.12 and later, and OpenTofu 1.12 and later: import by the
# loop's identity, its id. The block targets the hitl_loop.content_moderation
# resource of the example above.
import {
  to = hitl_loop.content_moderation
  identity = {
    id = "65f1234567890abcdef12345"
  }
}
