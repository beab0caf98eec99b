package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func TestAccAPIKeyDataSource_valid(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	// The key's user is the creator of the loops it creates.
	loop, _ := s.Loop(createLoop(t, s, s.APIKey(), "Ownership"))
	const addr = "data.hitl_api_key.test"

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: s.providerBlock() + `data "hitl_api_key" "test" {}` + "\n",
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("api_key_id"), knownvalue.StringRegexp(hexID)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("user_id"), knownvalue.StringExact(loop.CreatorID)),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("email"), knownvalue.StringExact("owner@example.com")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("account_status"), knownvalue.StringExact("active")),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("permissions"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("loops:read"),
					knownvalue.StringExact("loops:write"),
					knownvalue.StringExact("requests:read"),
					knownvalue.StringExact("requests:write"),
				})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("rate_limit"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"limit": knownvalue.Int64Exact(100),
					// The check itself is a request, and the server has
					// answered at most TotalCalls requests of this key.
					"remaining": knownvalue.Int64Func(func(v int64) error {
						if lo := int64(100 - s.TotalCalls()); v < lo || v > 99 {
							return fmt.Errorf("remaining is %d, want between %d and 99", v, lo)
						}
						return nil
					}),
					// The window ends an hour after the key's first call.
					"reset_at": knownvalue.StringFunc(func(v string) error {
						reset, err := time.Parse(time.RFC3339, v)
						if err != nil || !strings.HasSuffix(v, "Z") {
							return fmt.Errorf("reset_at %q is not an RFC 3339 UTC time", v)
						}
						if d := time.Until(reset); d <= 0 || d > time.Hour {
							return fmt.Errorf("reset_at %q is not within the next hour", v)
						}
						return nil
					}),
				})),
			},
		}},
	})
}

// The documented pattern: a postcondition stops the run when the key lacks
// a permission the configuration needs.
func TestAccAPIKeyDataSource_missingPermission(t *testing.T) {
	s := newTestServer(t, emulator.Config{Permissions: []string{"loops:read", "requests:read"}, RateLimit: 250})
	const addr = "data.hitl_api_key.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: s.providerBlock() + `data "hitl_api_key" "test" {}` + "\n",
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("permissions"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("loops:read"),
					knownvalue.StringExact("requests:read"),
				})),
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("rate_limit").AtMapKey("limit"), knownvalue.Int64Exact(250)),
			},
		}, {
			Config: s.providerBlock() + `
data "hitl_api_key" "test" {
  lifecycle {
    postcondition {
      condition     = contains(self.permissions, "loops:write")
      error_message = "The HITL API key cannot manage loops."
    }
  }
}

resource "hitl_loop" "test" {
  name       = "Never created"
  icon       = "flag"
  depends_on = [data.hitl_api_key.test]
}
`,
			ExpectError: errorText("Resource postcondition failed", "The HITL API key cannot manage loops."),
		}},
	})
	if n := len(s.Loops()); n != 0 {
		t.Errorf("the failed postcondition still let %d loops be created", n)
	}
}

func TestAccAPIKeyDataSource_invalidKey(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	cfg := fmt.Sprintf(acctest.RequiredProviders+`
provider "hitl" {
  base_url = %q
  api_key  = "hitl_0000000000000000000000000000000000000000"
}

data "hitl_api_key" "test" {}
`, s.URL)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ExpectError: errorText("Error checking API key", "HITL API answered 401 Unauthorized to GET "+s.URL+"/test: Invalid API key",
				"The HITL API did not accept the API key"),
		}},
	})
	if got := s.Calls()["GET /test"]; got == 0 {
		t.Errorf("the key was rejected without asking the API: calls %v", s.Calls())
	}
}
