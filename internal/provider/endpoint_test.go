package provider

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// A wrong endpoint must never look like deleted objects: every route of a
// server that is not the HITL API (or of the API under a wrong base path)
// answers 404, and reading that as "gone" would drop the loops from state,
// create duplicates on the next apply, and orphan the originals.

// at returns config with the provider's base_url replaced by baseURL and
// extra lines added to the provider block.
func (s *testServer) at(config, baseURL string, extra ...string) string {
	block := s.providerBlock(extra...)
	moved := strings.Replace(block, fmt.Sprintf("base_url = %q", s.URL), fmt.Sprintf("base_url = %q", baseURL), 1)
	return strings.Replace(config, s.providerBlock(), moved, 1)
}

// twoLoopsConfig declares two loops.
func twoLoopsConfig(s *testServer) string {
	return s.providerBlock() + `
resource "hitl_loop" "a" {
  name = "Content Moderation"
  icon = "shield-check"
}

resource "hitl_loop" "b" {
  name        = "Contract Review"
  description = "Check clauses"
  icon        = "document-check"
}
`
}

// loopIDs remembers the loops in state after one step, so that later steps
// can check that nothing was removed, re-created or deleted.
type loopIDs struct{ byAddress map[string]string }

func loopsInState(state *tfjson.State) map[string]string {
	ids := map[string]string{}
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return ids
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Type == "hitl_loop" && r.Mode == tfjson.ManagedResourceMode {
			id, _ := r.AttributeValues["id"].(string)
			ids[r.Address] = id
		}
	}
	return ids
}

func (l *loopIDs) record() statecheck.StateCheck {
	return stateCheckFunc(func(state *tfjson.State) error {
		l.byAddress = loopsInState(state)
		if len(l.byAddress) == 0 {
			return fmt.Errorf("no loops in state")
		}
		return nil
	})
}

// unchanged checks that state and server hold exactly the recorded loops.
func (l *loopIDs) unchanged(s *testServer) stateCheckFunc {
	return stateCheckFunc(func(state *tfjson.State) error {
		if got := loopsInState(state); fmt.Sprint(got) != fmt.Sprint(l.byAddress) {
			return fmt.Errorf("state holds loops %v, want the original %v", got, l.byAddress)
		}
		var want, onServer []string
		for _, id := range l.byAddress {
			want = append(want, id)
		}
		for _, loop := range s.Loops() {
			onServer = append(onServer, loop.ID)
		}
		sort.Strings(want)
		sort.Strings(onServer)
		if fmt.Sprint(onServer) != fmt.Sprint(want) {
			return fmt.Errorf("the server holds loops %v, want exactly the original %v", onServer, want)
		}
		return nil
	})
}

// twoLoopsAtWrongEndpoints starts a test server and returns it with
// twoLoopsConfig and two wrong base URLs for it: the server without /v1
// (the emulator's unknown route, 404 "Not found") and a web server that
// answers every request with an HTML 404 page.
func twoLoopsAtWrongEndpoints(t *testing.T) (s *testServer, cfg, noV1, html string) {
	t.Helper()
	s = newTestServer(t, emulator.Config{})
	return s, twoLoopsConfig(s), strings.TrimSuffix(s.URL, "/v1"), htmlNotFoundServer(t) + "/v1"
}

// Plan, apply and destroy through a base URL without /v1 (the emulator's
// unknown route, 404 "Not found") or at a web server answering HTML 404s,
// with and without batch_refresh, all fail clearly; the loops stay in state
// and on the server, and the correct URL then finds nothing to do.
func TestAccLoopResource_wrongEndpointIsAnError(t *testing.T) {
	s, cfg, noV1, html := twoLoopsAtWrongEndpoints(t)
	var ids loopIDs
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{expectLoopCount(s, 2), ids.record()}},
			{
				// batch_refresh: the shared list answers 404.
				Config:      s.at(cfg, noV1),
				ExpectError: wrongEndpointError("Error reading loop", noV1+"/api/loops"),
			},
			{
				// One GET per loop, each answered 404 "Not found".
				Config:      s.at(cfg, noV1, "batch_refresh = false"),
				ExpectError: wrongEndpointError("Error reading loop", noV1+"/api/loops/"),
			},
			{
				Config:      s.at(cfg, html),
				ExpectError: htmlPageError("Error reading loop", "GET", html+"/api/loops"),
			},
			{
				Config:      s.at(cfg, html, "batch_refresh = false"),
				ExpectError: htmlPageError("Error reading loop", "GET", html+"/api/loops/"),
			},
			{
				Config:      s.at(cfg, noV1),
				Destroy:     true,
				ExpectError: wrongEndpointError("Error reading loop", noV1+"/api/loops"),
			},
			{
				Config:      s.at(cfg, html, "batch_refresh = false"),
				Destroy:     true,
				ExpectError: htmlPageError("Error reading loop", "GET", html+"/api/loops/"),
			},
			{
				// Back at the right URL: the same two loops, no duplicates,
				// nothing to do.
				Config:   cfg,
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					inRefreshedState(ids.unchanged(s)),
					inRefreshedState(func(state *tfjson.State) error { return stateMatchesServer(s, state) }),
				}},
			},
		},
	})
}

// `terraform destroy -refresh=false` through a wrong endpoint sends the
// deletes to it; their 404s are not the API's "Loop not found", so destroy
// fails and the loops stay, in state and on the server.
func TestAccLoopResource_wrongEndpointDestroyWithoutRefresh(t *testing.T) {
	s, cfg, noV1, html := twoLoopsAtWrongEndpoints(t)
	var ids loopIDs
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{expectLoopCount(s, 2), ids.record()}},
			{
				Config:      s.at(cfg, noV1),
				Destroy:     true,
				ExpectError: wrongEndpointError("Error deleting loop", noV1+"/api/loops/"),
			},
			{
				Config:      s.at(cfg, html),
				Destroy:     true,
				ExpectError: htmlPageError("Error deleting loop", "DELETE", html+"/api/loops/"),
			},
			{
				Config:           cfg,
				PlanOnly:         true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{inRefreshedState(ids.unchanged(s))}},
			},
		},
	})
}

// A loop deleted outside Terraform is still recognised on destroy: the
// API's "Loop not found", confirmed by the list, is success.
func TestAccLoopResource_destroyAlreadyDeleted(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	cfg := twoLoopsConfig(s)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{expectLoopCount(s, 2)}},
			{
				// Delete one behind Terraform's back; without a refresh,
				// destroy sends its DELETE anyway.
				PreConfig:         func() { s.DeleteLoop(s.Loops()[0].ID) },
				Config:            cfg,
				Destroy:           true,
				ConfigStateChecks: []statecheck.StateCheck{expectLoopCount(s, 0)},
			},
		},
	})
	if n := s.Calls()["DELETE /api/loops/{id}"]; n != 2 {
		t.Errorf("%d deletes sent, want 2 (one of them answered Loop not found)", n)
	}
}

// A review request behaves the same: a wrong endpoint is an error on
// refresh and on destroy without refresh, never a deleted request.
func TestAccRequestResource_wrongEndpointIsAnError(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	noV1 := strings.TrimSuffix(s.URL, "/v1")
	html := htmlNotFoundServer(t) + "/v1"
	cfg := gateConfig(s, loopID, "")
	var requestID string
	unchanged := stateCheckFunc(func(state *tfjson.State) error {
		q, _, err := serverRequest(s, state, gateAddr)
		if err != nil {
			return err
		}
		if q.ID != requestID || q.Status != "pending" || len(s.Requests()) != 1 {
			return fmt.Errorf("state holds request %s (%s) and the server %d requests; want only the original %s, pending",
				q.ID, q.Status, len(s.Requests()), requestID)
		}
		return nil
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkServerStatusesAfterDestroy(s, "cancelled"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{stateCheckFunc(func(state *tfjson.State) error {
					q, _, err := serverRequest(s, state, gateAddr)
					requestID = q.ID
					return err
				})},
			},
			{
				Config:      s.at(cfg, noV1),
				ExpectError: wrongEndpointError("Error reading review request", noV1+"/api/requests/"),
			},
			{
				Config:      s.at(cfg, html),
				ExpectError: htmlPageError("Error reading review request", "GET", html+"/api/requests/"),
			},
			{
				Config:      s.at(cfg, noV1),
				Destroy:     true,
				ExpectError: wrongEndpointError("Error reading review request", noV1+"/api/requests/"),
			},
			{
				Config:           cfg,
				PlanOnly:         true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{inRefreshedState(unchanged)}},
			},
		},
	})
}

// Cancelling a request on destroy without refresh through a wrong endpoint
// fails; the request stays pending.
func TestAccRequestResource_wrongEndpointDestroyWithoutRefresh(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	noV1 := strings.TrimSuffix(s.URL, "/v1")
	cfg := gateConfig(s, loopID, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		AdditionalCLIOptions:     &resource.AdditionalCLIOptions{Plan: resource.PlanOptions{NoRefresh: true}},
		CheckDestroy:             checkServerStatusesAfterDestroy(s, "cancelled"),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				Config:      s.at(cfg, noV1),
				Destroy:     true,
				ExpectError: wrongEndpointError("Error cancelling review request", noV1+"/api/requests/"),
			},
			{
				Config:   cfg,
				PlanOnly: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					inRefreshedState(func(*tfjson.State) error { return expectServerStatuses(s, "pending") }),
				}},
			},
		},
	})
}

// A request that really is gone (its loop was deleted, and with it its
// requests) leaves state on refresh, and the plan sends it again.
func TestAccRequestResource_deletedOutsideTerraform(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	cfg := gateConfig(s, loopID, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{expectRequestOnServer(s, gateAddr)}},
			{
				PreConfig:          func() { s.DeleteLoop(loopID) },
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(gateAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
	if n := s.Calls()["GET /api/requests"]; n == 0 {
		t.Errorf("calls %v: the request's absence was not confirmed with the request list", s.Calls())
	}
}

// Data sources name the wrong endpoint too, rather than saying that the
// loop or request does not exist.
func TestAccDataSources_wrongEndpointIsAnError(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	noV1 := strings.TrimSuffix(s.URL, "/v1")
	byID := s.providerBlock() + fmt.Sprintf("data \"hitl_loop\" \"test\" {\n  id = %q\n}\n", loopID)
	request := s.providerBlock() + "data \"hitl_request\" \"test\" {\n  id = \"65f1234567890abcdef12345\"\n}\n"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: s.at(byID, noV1), PlanOnly: true, ExpectError: wrongEndpointError("Error reading loop", noV1+"/api/loops")},
			{
				Config:      s.at(byID, noV1, "batch_refresh = false"),
				PlanOnly:    true,
				ExpectError: wrongEndpointError("Error reading loop", noV1+"/api/loops/"+loopID),
			},
			{
				Config:      s.at(request, noV1),
				PlanOnly:    true,
				ExpectError: wrongEndpointError("Error reading review request", noV1+"/api/requests/65f1234567890abcdef12345"),
			},
			{
				// The API's own answer is still reported as a missing
				// request.
				Config:      request,
				PlanOnly:    true,
				ExpectError: errorText(`There is no request with id "65f1234567890abcdef12345"`, "Request not found"),
			},
		},
	})
}
