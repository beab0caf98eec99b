package provider

import (
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// expectLoopList checks that a hitl_loops data source lists exactly the
// loops with these ids, in this order, as the server holds them.
func expectLoopList(t *testing.T, s *testServer, address string, ids ...string) []statecheck.StateCheck {
	t.Helper()
	loops := make([]knownvalue.Check, len(ids))
	idChecks := make([]knownvalue.Check, len(ids))
	for i, id := range ids {
		loops[i] = knownvalue.ObjectExact(serverLoopChecks(t, s, id))
		idChecks[i] = knownvalue.StringExact(id)
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, tfjsonpath.New("loops"), knownvalue.ListExact(loops)),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("ids"), knownvalue.ListExact(idChecks)),
	}
}

// Loops are listed by name, then id, whatever order they were created in;
// name_regex filters them; other accounts' loops never appear.
func TestAccLoopsDataSource_list(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	other := s.AddUser("someone@example.org")
	// Would sort first if it were listed.
	createLoop(t, s, other, "Aardvark Review")
	charlie := createLoop(t, s, s.APIKey(), "Charlie")
	alpha1 := createLoop(t, s, s.APIKey(), "Alpha")
	bravo := createLoop(t, s, s.APIKey(), "Bravo")
	alpha2 := createLoop(t, s, s.APIKey(), "Alpha")
	createLoop(t, s, other, "Bravo")
	addMember(t, s, bravo, "alice@example.com", "active")
	addMember(t, s, bravo, "bob@example.com", "pending")
	addMember(t, s, alpha2, "carol@example.com", "pending")

	alphas := []string{alpha1, alpha2}
	sort.Strings(alphas)
	const dataSources = `
data "hitl_loops" "all" {}

data "hitl_loops" "alpha" {
  name_regex = "^Alpha$"
}

# Unanchored: matches anywhere in the name.
data "hitl_loops" "ar" {
  name_regex = "ar"
}

data "hitl_loops" "none" {
  name_regex = "^Delta"
}
`
	var checks []statecheck.StateCheck
	checks = append(checks, expectLoopList(t, s, "data.hitl_loops.all", alphas[0], alphas[1], bravo, charlie)...)
	checks = append(checks, expectLoopList(t, s, "data.hitl_loops.alpha", alphas[0], alphas[1])...)
	checks = append(checks, expectLoopList(t, s, "data.hitl_loops.ar", charlie)...)
	checks = append(checks, expectLoopList(t, s, "data.hitl_loops.none")...)
	checks = append(checks,
		statecheck.ExpectKnownValue("data.hitl_loops.all", tfjsonpath.New("loops"), knownvalue.ListPartial(map[int]knownvalue.Check{
			0: knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("Alpha")}),
			2: knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"name":                knownvalue.StringExact("Bravo"),
				"member_count":        knownvalue.Int64Exact(3),
				"pending_count":       knownvalue.Int64Exact(1),
				"active_member_count": knownvalue.Int64Exact(2),
			}),
			3: knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("Charlie")}),
		})),
	)

	testWithAndWithoutBatchRefresh(t, s, dataSources, checks)
}

// An account without loops, or whose loops are all someone else's, lists
// nothing: empty lists, not null ones.
func TestAccLoopsDataSource_empty(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	createLoop(t, s, s.AddUser("someone@example.org"), "Their Loop")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: s.providerBlock() + `data "hitl_loops" "all" {}` + "\n",
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hitl_loops.all", tfjsonpath.New("loops"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue("data.hitl_loops.all", tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue("data.hitl_loops.all", tfjsonpath.New("name_regex"), knownvalue.Null()),
			},
		}},
	})
}

// Loops managed in the same configuration are listed once they exist.
func TestAccLoopsDataSource_withResources(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	cfg := s.providerBlock() + `
resource "hitl_loop" "b" {
  name = "Team B"
  icon = "flag"
}

resource "hitl_loop" "a" {
  name = "Team A"
  icon = "flag"
}

data "hitl_loops" "teams" {
  name_regex = "^Team "
  depends_on = [hitl_loop.a, hitl_loop.b]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hitl_loops.teams", tfjsonpath.New("loops"), knownvalue.ListSizeExact(2)),
				statecheck.CompareValuePairs("data.hitl_loops.teams", tfjsonpath.New("ids").AtSliceIndex(0),
					"hitl_loop.a", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.CompareValuePairs("data.hitl_loops.teams", tfjsonpath.New("ids").AtSliceIndex(1),
					"hitl_loop.b", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.CompareValuePairs("data.hitl_loops.teams", tfjsonpath.New("loops").AtSliceIndex(1).AtMapKey("created_at"),
					"hitl_loop.b", tfjsonpath.New("created_at"), compare.ValuesSame()),
			},
		}},
	})
}
