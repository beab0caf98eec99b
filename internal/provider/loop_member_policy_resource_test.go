package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

const (
	policyAddr    = "hitl_loop_member_policy.test"
	removalsCalls = "DELETE /api/loops/{id}/members/{userId}"
	ownerEmail    = "owner@example.com" // the emulator's default account
)

// policyConfig is a provider block and a member policy on loopID, whose
// body holds the policy's other arguments.
func policyConfig(s *testServer, loopID, body string) string {
	return s.providerBlock() + fmt.Sprintf(`
resource "hitl_loop_member_policy" "test" {
  loop_id = %q
%s
}
`, loopID, body)
}

// The policy of the example: a domain and one outside address.
const examplePolicy = `
  allowed_email_domains = ["example.com"]
  allowed_emails        = ["Contractor@Partner.io"]
`

// expectRemovalsSent checks how many removals the server has received.
func expectRemovalsSent(s *testServer, want int) stateCheckFunc {
	return func(*tfjson.State) error {
		if got := s.Calls()[removalsCalls]; got != want {
			return fmt.Errorf("%d removals sent, want %d", got, want)
		}
		return nil
	}
}

// expectPlannedRemoval checks that the plan updates the policy at
// policyAddr and shows who will be removed: unexpected_members goes from
// emails to empty.
func expectPlannedRemoval(emails ...string) plancheck.PlanCheck {
	const addr = policyAddr
	return planCheckFunc(func(plan *tfjson.Plan) error {
		for _, rc := range plan.ResourceChanges {
			if rc.Address != addr {
				continue
			}
			if !rc.Change.Actions.Update() {
				return fmt.Errorf("%s: actions %v, want an update", addr, rc.Change.Actions)
			}
			before, _ := rc.Change.Before.(map[string]any)
			after, _ := rc.Change.After.(map[string]any)
			var got []string
			list, _ := before["unexpected_members"].([]any)
			for _, v := range list {
				got = append(got, fmt.Sprint(v))
			}
			slices.Sort(got)
			slices.Sort(emails)
			if !slices.Equal(got, emails) {
				return fmt.Errorf("%s: unexpected_members before the apply is %v, want %v", addr, got, emails)
			}
			if left, _ := after["unexpected_members"].([]any); after["unexpected_members"] == nil || len(left) != 0 {
				return fmt.Errorf("%s: unexpected_members after the apply is planned as %v, want empty", addr, after["unexpected_members"])
			}
			return nil
		}
		return fmt.Errorf("%s is not in the plan", addr)
	})
}

// memberEmails checks a members list by email, in order.
func memberEmails(emails ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(emails))
	for i, e := range emails {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"email": knownvalue.StringExact(e)})
	}
	return knownvalue.ListExact(checks)
}

// A stranger who joins between applies shows up in the plan, by email, and
// the apply removes only them; an allowed member's invitation accepted in
// the meantime changes nothing; destroy removes nobody.
func TestAccLoopMemberPolicy_strangerRemoved(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := createLoop(t, s, s.APIKey(), "Moderation")
	addMember(t, s, loopID, "alice@EXAMPLE.com", "active")
	addMember(t, s, loopID, "contractor@partner.io", "pending")
	addMember(t, s, loopID, "early@evil.test", "active")
	cfg := policyConfig(s, loopID, examplePolicy)
	allowed := []string{ownerEmail, "alice@EXAMPLE.com", "contractor@partner.io"}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// Destroy only stops enforcing.
			if err := expectServerMembers(s, loopID, append(allowed, "late@evil.test")...)(nil); err != nil {
				return err
			}
			return expectRemovalsSent(s, 2)(nil)
		},
		Steps: []resource.TestStep{
			{
				// Create enforces at once.
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					expectServerMembers(s, loopID, allowed...),
					expectRemovalsSent(s, 1),
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("members"), memberEmails("alice@EXAMPLE.com", "contractor@partner.io", ownerEmail)),
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("unexpected_members"), knownvalue.SetExact(nil)),
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("include_pending"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("id"), knownvalue.StringExact(loopID)),
				},
			},
			{
				PreConfig: func() { addMember(t, s, loopID, "mallory@evil.test", "active") },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectPlannedRemoval("mallory@evil.test"),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectServerMembers(s, loopID, allowed...),
					expectRemovalsSent(s, 2),
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("unexpected_members"), knownvalue.SetExact(nil)),
				},
			},
			{
				// The pending contractor accepts: no diff.
				PreConfig: func() { addMember(t, s, loopID, "contractor@partner.io", "active") },
				Config:    cfg,
				PlanOnly:  true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("members").AtSliceIndex(1).AtMapKey("status"), knownvalue.StringExact("active")),
				}},
			},
			{
				// Someone joins just before destroy; destroy leaves them.
				PreConfig: func() { addMember(t, s, loopID, "late@evil.test", "active") },
				Config:    cfg,
				Destroy:   true,
			},
		},
	})
}

// A loop created in the same configuration: the policy's loop is unknown at
// plan time and enforced at apply.
func TestAccLoopMemberPolicy_newLoop(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	cfg := s.providerBlock() + `
resource "hitl_loop" "moderation" {
  name = "Moderation"
  icon = "shield-check"
}

resource "hitl_loop_member_policy" "test" {
  loop_id               = hitl_loop.moderation.id
  allowed_email_domains = ["partner.io"]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs(policyAddr, tfjsonpath.New("loop_id"), "hitl_loop.moderation", tfjsonpath.New("id"), compare.ValuesSame()),
				statecheck.CompareValuePairs(policyAddr, tfjsonpath.New("creator_id"), "hitl_loop.moderation", tfjsonpath.New("creator_id"), compare.ValuesSame()),
				statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("members"), memberEmails(ownerEmail)),
			},
		}},
	})
}

// A pending stranger is removed with include_pending (the default), and
// left alone without it.
func TestAccLoopMemberPolicy_pendingStrangers(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := createLoop(t, s, s.APIKey(), "Pending")
	addMember(t, s, loopID, "bob@example.com", "active")
	addMember(t, s, loopID, "pending@evil.test", "pending")
	lenient := policyConfig(s, loopID, examplePolicy+"  include_pending = false\n")
	strict := policyConfig(s, loopID, examplePolicy+"  include_pending = true\n")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: lenient,
				ConfigStateChecks: []statecheck.StateCheck{
					expectServerMembers(s, loopID, ownerEmail, "bob@example.com", "pending@evil.test"),
					expectRemovalsSent(s, 0),
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("members"), memberEmails("bob@example.com", ownerEmail, "pending@evil.test")),
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("unexpected_members"), knownvalue.SetExact(nil)),
				},
			},
			{
				// An active stranger is still removed.
				PreConfig: func() { addMember(t, s, loopID, "active@evil.test", "active") },
				Config:    lenient,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectPlannedRemoval("active@evil.test"),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectServerMembers(s, loopID, ownerEmail, "bob@example.com", "pending@evil.test"),
				},
			},
			{
				// Holding pending members to the policy removes them; the
				// plan shows the members that stay.
				Config: strict,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("members"), memberEmails("bob@example.com", ownerEmail)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectServerMembers(s, loopID, ownerEmail, "bob@example.com"),
					expectRemovalsSent(s, 2),
				},
			},
			{
				// A pending stranger who joins now is found by the plan.
				PreConfig: func() { addMember(t, s, loopID, "later@evil.test", "pending") },
				Config:    strict,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					expectPlannedRemoval("later@evil.test"),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectServerMembers(s, loopID, ownerEmail, "bob@example.com"),
				},
			},
			{
				// Leaving pending members alone again, in the same plan
				// that finds a pending stranger: the stranger stays, and
				// the plan says so.
				PreConfig: func() { addMember(t, s, loopID, "undecided@evil.test", "pending") },
				Config:    lenient,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("members"), memberEmails("bob@example.com", ownerEmail, "undecided@evil.test")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectServerMembers(s, loopID, ownerEmail, "bob@example.com", "undecided@evil.test"),
					expectRemovalsSent(s, 3),
					statecheck.ExpectKnownValue(policyAddr, tfjsonpath.New("members"), memberEmails("bob@example.com", ownerEmail, "undecided@evil.test")),
				},
			},
		},
	})
}

// A creator outside the policy is a plan-time warning that names them, and
// no removal is attempted.
func TestAccLoopMemberPolicy_creatorOutsidePolicy(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := createLoop(t, s, s.APIKey(), "Partners")
	addMember(t, s, loopID, "ann@partner.io", "active")
	cli := initCLI(t, policyConfig(s, loopID, `  allowed_email_domains = ["partner.io"]`))

	out := cli.mustRun("plan", "-no-color", "-input=false")
	for _, want := range []string{"Warning: The loop's creator is outside the member policy", ownerEmail, "no removal is attempted"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
	cli.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	if out, code := cli.run("plan", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("plan after apply exited with %d, want 0:\n%s", code, out)
	}
	if n := s.Calls()[removalsCalls]; n != 0 {
		t.Errorf("%d removals sent, want none", n)
	}
	if err := expectServerMembers(s, loopID, ownerEmail, "ann@partner.io")(nil); err != nil {
		t.Error(err)
	}
}

// `plan -detailed-exitcode`, as a CI job runs it, exits 2 once a stranger
// joins, and 0 again after the apply.
func TestAccLoopMemberPolicy_detailedExitCode(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := createLoop(t, s, s.APIKey(), "CI")
	cli := initCLI(t, policyConfig(s, loopID, examplePolicy))
	cli.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	plan := func() (string, int) { return cli.run("plan", "-detailed-exitcode", "-no-color", "-input=false") }
	if out, code := plan(); code != 0 {
		t.Fatalf("plan exited with %d, want 0:\n%s", code, out)
	}
	addMember(t, s, loopID, "mallory@evil.test", "active")
	out, code := plan()
	if code != 2 || !strings.Contains(out, "mallory@evil.test") {
		t.Fatalf("plan exited with %d, want 2 naming the stranger:\n%s", code, out)
	}
	cli.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	if out, code := plan(); code != 0 {
		t.Fatalf("plan after removal exited with %d, want 0:\n%s", code, out)
	}
}

// Import by loop id reads the members; the first plan records the
// configured lists, removing nobody when every member is allowed, and the
// plans after it are empty. A policy on an unknown loop cannot be imported,
// nor one named by something that is not a loop id.
func TestAccLoopMemberPolicy_import(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := createLoop(t, s, s.APIKey(), "Imported")
	addMember(t, s, loopID, "alice@example.com", "active")
	cfg := policyConfig(s, loopID, examplePolicy)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				ResourceName:                         policyAddr,
				ImportState:                          true,
				ImportStateId:                        loopID,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "loop_id",
				// Only the configuration knows the lists.
				ImportStateVerifyIgnore: []string{"allowed_emails", "allowed_email_domains"},
			},
			{
				ResourceName:       policyAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithID,
				ImportStateId:      loopID,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("members"), memberEmails("alice@example.com", ownerEmail)),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("unexpected_members"), knownvalue.SetExact(nil)),
				}},
			},
			{
				ResourceName:  policyAddr,
				ImportState:   true,
				ImportStateId: "65f1234567890abcdef12345",
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
			{
				// Checked like a loop's id, before any call.
				ResourceName:  policyAddr,
				ImportState:   true,
				ImportStateId: "moderation",
				ExpectError:   regexp.MustCompile(`"moderation" is not a loop id: a loop's id is 24\s+hexadecimal\s+characters`),
			},
		},
	})
	if n := s.Calls()[removalsCalls]; n != 0 {
		t.Errorf("%d removals sent, want none", n)
	}
}

// Import through the CLI, then apply and plan: the apply only records the
// lists, and the next plan is empty.
func TestAccLoopMemberPolicy_importThenEmptyPlan(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := createLoop(t, s, s.APIKey(), "Imported")
	addMember(t, s, loopID, "alice@example.com", "active")
	cli := initCLI(t, policyConfig(s, loopID, examplePolicy))
	cli.mustRun("import", "-no-color", "-input=false", policyAddr, loopID)
	out := cli.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	if !strings.Contains(out, "0 added, 1 changed, 0 destroyed") {
		t.Errorf("the apply after import did not only record the lists:\n%s", out)
	}
	if out, code := cli.run("plan", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("plan after import exited with %d, want 0:\n%s", code, out)
	}
	if n := s.Calls()[removalsCalls]; n != 0 {
		t.Errorf("%d removals sent, want none", n)
	}
}

// The identity is the loop id, and an import block can use it.
func TestAccLoopMemberPolicy_identity(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := createLoop(t, s, s.APIKey(), "Identity")
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   identityChecks(),
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: policyConfig(s, loopID, examplePolicy),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(policyAddr, map[string]knownvalue.Check{"loop_id": knownvalue.StringExact(loopID)}),
				},
			},
			{
				ResourceName:       policyAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(policyAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(policyAddr, tfjsonpath.New("members"), memberEmails(ownerEmail)),
				}},
			},
		},
	})
}

// A wrong base_url is an error on refresh and on apply, and removes nobody;
// at the right URL, the plan finds the stranger.
func TestAccLoopMemberPolicy_wrongEndpointChangesNothing(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	noV1 := strings.TrimSuffix(s.URL, "/v1")
	html := htmlNotFoundServer(t) + "/v1"
	loopID := createLoop(t, s, s.APIKey(), "Endpoint")
	cfg := policyConfig(s, loopID, examplePolicy)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:   func() { addMember(t, s, loopID, "mallory@evil.test", "active") },
				Config:      s.at(cfg, noV1),
				ExpectError: wrongEndpointError("Error reading loop members", noV1+"/api/loops/"+loopID+"/members"),
			},
			{
				Config:      s.at(cfg, html),
				ExpectError: htmlPageError("Error reading loop members", "GET", html+"/api/loops/"+loopID+"/members"),
			},
			{
				Config:   cfg,
				PlanOnly: true,
				// The plan must not be empty: the stranger is still there.
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					expectPlannedRemoval("mallory@evil.test"),
					inRefreshedState(expectServerMembers(s, loopID, ownerEmail, "mallory@evil.test")),
				}},
			},
		},
	})
	if n := s.Calls()[removalsCalls]; n != 0 {
		t.Errorf("%d removals sent, want none", n)
	}
}

// A policy whose loop was deleted is gone from state, once the loop list
// agrees, and the next plan creates it again (and fails at plan time,
// since the loop does not exist).
func TestAccLoopMemberPolicy_loopDeleted(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := createLoop(t, s, s.APIKey(), "Doomed")
	cfg := policyConfig(s, loopID, examplePolicy)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:   func() { s.DeleteLoop(loopID) },
				Config:      cfg,
				PlanOnly:    true,
				ExpectError: errorText("Error reading loop members", "There is no loop with id", loopID),
			},
		},
	})
}

// With a fifth of all calls answered 500, 502 or 503 and a fifth 429,
// removing many strangers ends with exactly the allowed members, and the
// next plan is empty. Lost answers to removals are checked against the
// member list.
func TestAccLoopMemberPolicy_faults(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	defer wg.Wait()
	for seed := int64(1); seed <= 3; seed++ {
		wg.Add(1)
		// Done once Run has returned, so the parent waits for the
		// subtest's result, not just its function.
		go func() {
			defer wg.Done()
			t.Run(fmt.Sprintf("seed_%d", seed), func(t *testing.T) { memberFaultRun(t, seed) })
		}()
	}
}

// memberFaultRun is one run of TestAccLoopMemberPolicy_faults.
func memberFaultRun(t *testing.T, seed int64) {
	s := newTestServer(t, emulator.Config{Seed: seed})
	loopID := createLoop(t, s, s.APIKey(), "Faults")
	allowed := []string{ownerEmail, "contractor@partner.io"}
	for i := range 4 {
		email := fmt.Sprintf("reviewer%d@example.com", i)
		addMember(t, s, loopID, email, "active")
		allowed = append(allowed, email)
	}
	for i := range 10 {
		status := "active"
		if i%3 == 0 {
			status = "pending"
		}
		addMember(t, s, loopID, fmt.Sprintf("stranger%d@evil.test", i), status)
	}
	addMember(t, s, loopID, "contractor@partner.io", "active")
	cli := initCLIWith(t, policyConfig(s, loopID, examplePolicy), fastRetryProvider())
	s.SetFaults(emulator.Faults{ServerErrorRate: 0.2, RateLimitRate: 0.2, RetryAfter: time.Second, DropAfterWriteRate: 0.1})

	cli.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	if err := expectServerMembers(s, loopID, allowed...)(nil); err != nil {
		t.Fatalf("after apply: %v", err)
	}
	if out, code := cli.run("plan", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
		t.Fatalf("plan exited with %d, want 0 (no changes):\n%s", code, out)
	}
	if n := s.Calls()[removalsCalls]; n <= 10 {
		t.Fatalf("%d removals sent for 10 strangers: too few failed to exercise the retries", n)
	}
}

// Invalid policies fail at plan time without any API call; a policy on a
// loop that does not exist fails at plan time with a clear error.
func TestAccLoopMemberPolicy_invalidInput(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	const someLoop = "65f1234567890abcdef12345"
	expectPlanErrors(t, s.providerBlock(), []invalidBlock{
		{name: "no list", block: `resource "hitl_loop_member_policy" "x" {
  loop_id = "` + someLoop + `"
}`, err: errorText("At least one of these attributes must be configured", "allowed_emails,allowed_email_domains")},
		{name: "bad email", block: `resource "hitl_loop_member_policy" "x" {
  loop_id        = "` + someLoop + `"
  allowed_emails = ["ok@example.com", "not-an-address"]
}`, err: errorText("Invalid email address", `"not-an-address" is not an email address`)},
		{name: "bad domain", block: `resource "hitl_loop_member_policy" "x" {
  loop_id               = "` + someLoop + `"
  allowed_email_domains = ["@example.com"]
}`, err: errorText("Invalid domain", `"@example.com" is not a domain name`, `"example.com"`)},
		{name: "empty list", block: `resource "hitl_loop_member_policy" "x" {
  loop_id               = "` + someLoop + `"
  allowed_email_domains = []
}`, err: errorText("set must contain at least 1 elements")},
		{name: "empty loop id", block: `resource "hitl_loop_member_policy" "x" {
  loop_id               = ""
  allowed_email_domains = ["example.com"]
}`, err: errorText("loop_id", "at least 1")},
		{name: "bad status filter", block: `data "hitl_loop_members" "x" {
  loop_id = "` + someLoop + `"
  status  = "banned"
}`, err: errorText("status", `value must be one of: ["active" "pending"]`)},
	})
	if n := s.TotalCalls(); n != 0 {
		t.Errorf("invalid input made %d API calls, want none: %v", n, s.Calls())
	}

	expectPlanErrors(t, s.providerBlock(), []invalidBlock{
		{name: "unknown loop", block: `resource "hitl_loop_member_policy" "x" {
  loop_id               = "` + someLoop + `"
  allowed_email_domains = ["example.com"]
}`, err: errorText("Error reading loop members", "There is no loop with id", someLoop)},
		{name: "unknown loop (data source)", block: `data "hitl_loop_members" "x" {
  loop_id = "` + someLoop + `"
}`, err: errorText("Error reading loop members", "There is no loop with id", someLoop)},
	})
	if n := s.Calls()[removalsCalls]; n != 0 {
		t.Errorf("%d removals sent, want none", n)
	}
}
