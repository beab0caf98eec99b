# Reading the data source fails when the API does not accept the key. The
# postcondition also fails the run when the key may not manage loops, before
# anything that depends on it is changed.
data "hitl_api_key" "current" {
  lifecycle {
    postcondition {
      condition     = contains(self.permissions, "loops:write")
      error_message = "The HITL API key of ${self.email} lacks the loops:write permission; it has: ${join(", ", self.permissions)}."
    }
  }
}

resource "hitl_loop" "content_moderation" {
  name = "Content Moderation"
  icon = "shield-check"

  depends_on = [data.hitl_api_key.current]
}

# A warning, not an error, when the hourly request budget runs low.
check "hitl_rate_limit" {
  assert {
    condition     = data.hitl_api_key.current.rate_limit.remaining >= 10
    error_message = "Only ${data.hitl_api_key.current.rate_limit.remaining} HITL API requests are left until ${data.hitl_api_key.current.rate_limit.reset_at}."
  }
}
