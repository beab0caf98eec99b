# A loop is imported by its identifier, 24 hexadecimal characters.
terraform import hitl_loop.content_moderation 65f1234567890abcdef12345
