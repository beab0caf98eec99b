terraform {
  required_providers {
    hitl = {
      source  = "hitl-sh/hitl"
      version = "~> 0.1"
    }
  }
}

# The API key is read from the HITL_API_KEY environment variable, which
# keeps it out of configuration files:
#
#   export HITL_API_KEY="..."
provider "hitl" {}

# Every setting can also be written out; these are the defaults.
# api_key is best left to the environment. max_retries has no default:
# failed requests are retried until the operation's deadline (its
# timeouts), and setting it caps the retries of each request.
#
# provider "hitl" {
#   base_url        = "https://api.hitl.sh/v1" # or HITL_BASE_URL
#   request_timeout = "30s"
#   batch_refresh   = true
# }
