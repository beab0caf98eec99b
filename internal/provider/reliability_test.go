package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// manyLoopsConfig declares n loops with distinct names.
func manyLoopsConfig(s *testServer, n int) string {
	return s.providerBlock() + fmt.Sprintf(`
resource "hitl_loop" "many" {
  count       = %d
  name        = "Reviewers ${count.index}"
  description = "Queue ${count.index}"
  icon        = "eye"
}
`, n)
}

// Creates whose answers are lost after the loop was made are recovered
// from the server: no orphans and no duplicates.
func TestAccLoopResource_droppedCreateAnswers(t *testing.T) {
	s := newTestServer(t, emulator.Config{Seed: 3})
	cfg := manyLoopsConfig(s, 10)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { s.SetFaults(emulator.Faults{DropAfterWriteRate: 0.3}) },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					expectLoopCount(s, 10),
					expectStateMatchesServer(s),
					// At least one create lost its answer: its loop has no
					// invite details (with this seed, several do).
					stateCheckFunc(func(state *tfjson.State) error {
						for _, r := range state.Values.RootModule.Resources {
							if r.AttributeValues["join_url"] == nil {
								return nil
							}
						}
						return fmt.Errorf("no create lost its answer: the fault was not exercised")
					}),
					stopFaults(s),
				},
			},
		},
	})
}

// When the answer to a create is lost and two identical loops were made
// during the run (here one by someone else at the same moment), the
// provider cannot tell which is its own: the run fails naming both
// candidates and creates nothing more.
func TestAccLoopResource_ambiguousCreateNamesCandidates(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	cfg := loopConfig(s, "Twin", "", "star")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					s.createLoopOutside(t, s.APIKey(), hitl.CreateLoopInput{Name: "Twin", Icon: "star"})
					s.SetFaults(emulator.Faults{DropAfterWriteRate: 1})
				},
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Error creating loop: outcome unknown.*cannot tell which of these.*loop: [0-9a-f]{24},\s+[0-9a-f]{24}.*terraform import`),
			},
			{
				// Nothing was recorded in state: the next plan creates.
				PreConfig: func() { s.SetFaults(emulator.Faults{}) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hitl_loop.test", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectLoopCount(s, 3)},
			},
		},
	})
	// Destroy removed the loop in state; the two candidates stay for the
	// user to sort out, as the error said.
	if n := len(s.Loops()); n != 2 {
		t.Errorf("the server holds %d loops, want the 2 candidates", n)
	}
}

// The API key never appears in the provider's or Terraform's logs, even at
// TRACE, nor in plan output or state.
func TestAccProvider_apiKeyNeverLogged(t *testing.T) {
	s := newTestServer(t, emulator.Config{APIKey: "hitl_live_SECRETKEY0123456789abcdef"})
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	for _, name := range sdkLogLevels { // TestMain switched them off
		t.Setenv(name, "TRACE")
	}
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))
	// The key comes from the environment, as recommended: a key written
	// into a configuration file is that file's problem (the test framework
	// logs configurations verbatim).
	t.Setenv(envAPIKey, s.APIKey())

	cfg := fmt.Sprintf(acctest.RequiredProviders+`
provider "hitl" {
  base_url = %q
}

resource "hitl_loop" "test" {
  name = "Secrets"
  icon = "lock"
}
`, s.URL)
	// Serial: TF_LOG reaches the CLI and the provider only through
	// the process environment, which parallel tests would share.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{expectSecretNotInState(s.APIKey())},
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectSecretNotInPlan(s.APIKey())}},
			},
			{
				// A failing call, whose error text is logged too.
				PreConfig:   func() { s.DeleteLoop(s.Loops()[0].ID); s.SetFaults(emulator.Faults{MalformedRate: 1}) },
				Config:      cfg,
				ExpectError: regexp.MustCompile(`unexpected response from HITL API`),
			},
			{PreConfig: func() { s.SetFaults(emulator.Faults{}) }, Config: cfg},
		},
	})

	// The CLI's own human-readable output, plan and state as people read
	// them, and its TRACE logs on stderr.
	if found := secretInHumanOutput(t, cfg, s.APIKey()); len(found) > 0 {
		t.Errorf("the API key appears in the output of %s", strings.Join(found, ", "))
	}

	logs, err := os.ReadFile(filepath.Join(logDir, t.Name()+".log"))
	if err != nil {
		t.Fatal(err)
	}
	// The logs must really hold TRACE output of the provider and its HTTP
	// calls, or this test would prove nothing.
	for _, want := range []string{"HITL API request", "tf_rpc=ConfigureProvider", "[TRACE] sdk.proto"} {
		if !strings.Contains(string(logs), want) {
			t.Fatalf("the captured logs (%d bytes) lack %q", len(logs), want)
		}
	}
	if i := strings.Index(string(logs), s.APIKey()); i >= 0 {
		t.Errorf("the API key appears in the TRACE logs: %q", string(logs)[max(0, i-200):i+40])
	}
	if strings.Contains(string(logs), "SECRETKEY") {
		t.Error("part of the API key appears in the TRACE logs")
	}
}

// A review request whose create answer is lost is found and adopted, not
// sent again: its reviewers are notified once.
func TestAccRequestResource_droppedCreateAnswerIsAdopted(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	cfg := gateConfig(s, loopID, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { s.SetFaults(emulator.Faults{DropAfterWriteRate: 1}) },
				Config:    cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					expectRequestOnServer(s, gateAddr),
					stateCheckFunc(func(*tfjson.State) error {
						if n := len(s.Requests()); n != 1 {
							return fmt.Errorf("the server holds %d requests, want exactly 1", n)
						}
						if n := s.Calls()["POST /api/loops/{id}/requests"]; n != 1 {
							return fmt.Errorf("the request was sent %d times, want once", n)
						}
						return nil
					}),
					stopFaults(s),
				},
			},
		},
	})
	if q := s.Requests(); len(q) != 1 || q[0].Status != "cancelled" {
		t.Errorf("after destroy the server holds %+v, want the one request, cancelled", q)
	}
}
