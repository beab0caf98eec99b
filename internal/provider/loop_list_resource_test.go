package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// queryChecks gate the tests of `terraform query`, which Terraform has
// from 1.14 on.
func queryChecks() []tfversion.TerraformVersionCheck {
	return []tfversion.TerraformVersionCheck{
		tfversion.SkipBelow(tfversion.Version1_14_0),
		openTofuCheck("terraform query"),
	}
}

// queryCheckFunc adapts a function to querycheck.QueryResultCheck.
type queryCheckFunc func() error

func (f queryCheckFunc) CheckQuery(_ context.Context, _ querycheck.CheckQueryRequest, resp *querycheck.CheckQueryResponse) {
	resp.Error = f()
}

// expectQueryCalls checks the API calls the server has seen since the last
// reset, exactly.
func expectQueryCalls(s *testServer, want map[string]int) querycheck.QueryResultCheck {
	return queryCheckFunc(func() error {
		if got := s.Calls(); !maps.Equal(got, want) {
			return fmt.Errorf("API calls %v, want %v", got, want)
		}
		return nil
	})
}

// `terraform query` lists every loop of the account, named after the loop
// and identified by its id, filters by name and honours the limit; three
// list blocks cost one API request.
func TestAccLoopListResource_query(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	api := s.createLoopOutside(t, s.APIKey(), hitl.CreateLoopInput{Name: "prod-api", Description: "API answers", Icon: "eye"})
	web := s.createLoopOutside(t, s.APIKey(), hitl.CreateLoopInput{Name: "prod-web", Icon: "star"})
	dev := s.createLoopOutside(t, s.APIKey(), hitl.CreateLoopInput{Name: "dev-sandbox", Icon: "beaker"})
	other := s.createLoopOutside(t, s.AddUser("someone@example.com"), hitl.CreateLoopInput{Name: "prod-other-account", Icon: "flag"})
	byID := func(id string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   queryChecks(),
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				// A query runs next to a configuration that configures the
				// provider, which its list blocks name; this one manages
				// nothing.
				Config:            s.providerBlock(),
				ConfigStateChecks: []statecheck.StateCheck{expectLoopCount(s, 4)},
			},
			{
				PreConfig: s.ResetCalls,
				Query:     true,
				Config: `
list "hitl_loop" "all" {
  provider         = hitl
  include_resource = true
}

list "hitl_loop" "prod" {
  provider = hitl
  config {
    name_regex = "^prod-"
  }
}

list "hitl_loop" "first" {
  provider = hitl
  limit    = 1
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					// Only the account's own loops, never another's.
					querycheck.ExpectLength("hitl_loop.all", 3),
					querycheck.ExpectIdentity("hitl_loop.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(api)}),
					querycheck.ExpectIdentity("hitl_loop.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(web)}),
					querycheck.ExpectIdentity("hitl_loop.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(dev)}),
					querycheck.ExpectNoIdentity("hitl_loop.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(other)}),
					querycheck.ExpectResourceDisplayName("hitl_loop.all", byID(api), knownvalue.StringExact("prod-api")),
					querycheck.ExpectResourceDisplayName("hitl_loop.all", byID(dev), knownvalue.StringExact("dev-sandbox")),
					querycheck.ExpectResourceKnownValues("hitl_loop.all", byID(api), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("name"), KnownValue: knownvalue.StringExact("prod-api")},
						{Path: tfjsonpath.New("description"), KnownValue: knownvalue.StringExact("API answers")},
						{Path: tfjsonpath.New("icon"), KnownValue: knownvalue.StringExact("eye")},
						{Path: tfjsonpath.New("member_count"), KnownValue: knownvalue.Int64Exact(1)},
						// Only a create answer carries these.
						{Path: tfjsonpath.New("invite_code"), KnownValue: knownvalue.Null()},
					}),
					querycheck.ExpectLength("hitl_loop.prod", 2),
					querycheck.ExpectIdentity("hitl_loop.prod", map[string]knownvalue.Check{"id": knownvalue.StringExact(api)}),
					querycheck.ExpectIdentity("hitl_loop.prod", map[string]knownvalue.Check{"id": knownvalue.StringExact(web)}),
					// Ordered by name: dev-sandbox comes first.
					querycheck.ExpectLength("hitl_loop.first", 1),
					querycheck.ExpectIdentity("hitl_loop.first", map[string]knownvalue.Check{"id": knownvalue.StringExact(dev)}),
					expectQueryCalls(s, map[string]int{"GET /api/loops": 1}),
				},
			},
		},
	})
}

// An invalid name_regex fails the query before anything is sent.
func TestAccLoopListResource_invalidNameRegex(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	s.createLoopOutside(t, s.APIKey(), hitl.CreateLoopInput{Name: "prod-api", Icon: "eye"})

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   queryChecks(),
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: s.providerBlock()},
			{
				PreConfig: s.ResetCalls,
				Query:     true,
				Config: `
list "hitl_loop" "bad" {
  provider = hitl
  config {
    name_regex = "^prod-(api"
  }
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid regular expression.*missing closing \)`),
			},
			{
				// The failed query made no call at all.
				PreConfig: func() {
					if n := s.TotalCalls(); n != 0 {
						t.Errorf("the query with an invalid name_regex made %d API calls (%v), want none", n, s.Calls())
					}
				},
				Query: true,
				Config: `
list "hitl_loop" "good" {
  provider = hitl
  config {
    name_regex = "^prod-(api)$"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("hitl_loop.good", 1),
				},
			},
		},
	})
}
