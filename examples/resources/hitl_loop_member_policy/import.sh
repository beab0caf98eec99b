# A member policy is imported by the id of its loop.
terraform import hitl_loop_member_policy.content_moderation 65f1234567890abcdef12345
