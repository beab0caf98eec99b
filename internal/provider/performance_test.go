package provider

import (
	"fmt"
	"maps"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// expectCalls checks the API calls the server has seen since the last
// reset, exactly: a regression that adds a read-back or loses batching
// fails it.
func expectCalls(s *testServer, want map[string]int) plancheck.PlanCheck {
	return planCheckFunc(func(*tfjson.Plan) error {
		if got := s.Calls(); !maps.Equal(got, want) {
			return fmt.Errorf("API calls %v, want %v", got, want)
		}
		return nil
	})
}

// The cost of a plan stays flat as a configuration grows: refreshing 50
// loops takes one list call. Creates, updates and deletes take one call
// each and nothing else.
func TestAccLoopResource_callCounts(t *testing.T) {
	// More loops than Terraform refreshes at once (10), so that the
	// shared list must serve reads that really are concurrent.
	const n = 25
	s := newTestServer(t, emulator.Config{})
	reset := func() { s.ResetCalls() }
	cfg := func(description string, providerExtra ...string) string {
		return s.providerBlock(providerExtra...) + fmt.Sprintf(`
resource "hitl_loop" "many" {
  count       = %d
  name        = "Reviewers ${count.index}"
  description = %q
  icon        = "eye"
}
`, n, description)
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				// Apply: exactly n creates, no read-back. The framework
				// then plans again without refresh (no call) and with
				// refresh, where one list serves every loop's read.
				PreConfig: reset,
				Config:    cfg("first"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  []plancheck.PlanCheck{expectCalls(s, map[string]int{"POST /api/loops": n})},
					PostApplyPostRefresh: []plancheck.PlanCheck{expectCalls(s, map[string]int{"POST /api/loops": n, "GET /api/loops": 1})},
				},
			},
			{
				// Update in place: one list for the refresh, one PUT each.
				PreConfig: reset,
				Config:    cfg("second"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectCalls(s, map[string]int{"GET /api/loops": 1})},
					PostApplyPreRefresh:  []plancheck.PlanCheck{expectCalls(s, map[string]int{"GET /api/loops": 1, "PUT /api/loops/{id}": n})},
					PostApplyPostRefresh: []plancheck.PlanCheck{expectCalls(s, map[string]int{"GET /api/loops": 2, "PUT /api/loops/{id}": n})},
				},
			},
			{
				// With batching off, every loop is read on its own.
				PreConfig: reset,
				Config:    cfg("second", "batch_refresh = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
					expectCalls(s, map[string]int{"GET /api/loops/{id}": n}),
				}},
			},
		},
	})
}
