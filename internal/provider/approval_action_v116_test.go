package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/devenv"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// Terraform 1.16 runs actions triggered before_destroy, lets a trigger say
// what a failure does (on_failure), and runs triggers inside the
// resource's own apply. A prerelease sorts below its release, so the
// tests below are gated on 1.16.0-rc1 and run under 1.16.0-rc2.
var v116VersionChecks = []tfversion.TerraformVersionCheck{
	tfversion.SkipBelow(version.Must(version.NewVersion("1.16.0-rc1"))),
}

// skipBelow116 skips a test that drives the CLI itself unless the CLI
// under test is Terraform 1.16 or later.
func skipBelow116(t *testing.T) {
	t.Helper()
	if testCLI.OpenTofu || !testCLI.AtLeast(1, 16) {
		t.Skipf("this needs Terraform 1.16 or later; the CLI under test is %s", testCLI.Name())
	}
}

// replaceExampleDir composes examples/approval-gate/replace for s.
func replaceExampleDir(t *testing.T, s *testServer) string {
	t.Helper()
	return exampleConfigDir(t, s, "", "approval-gate/replace/main.tf")
}

// engineStep applies examples/approval-gate/replace with engine_version v.
func engineStep(dir, v string) resource.TestStep {
	return resource.TestStep{
		ProtoV6ProviderFactories: testProviderFactories,
		ConfigDirectory:          config.StaticDirectory(dir),
		ConfigVariables:          config.Variables{"engine_version": config.StringVariable(v)},
	}
}

// databaseID returns the id of terraform_data.orders_db in values, or "".
func databaseID(values *tfjson.StateValues) string {
	if values == nil || values.RootModule == nil {
		return ""
	}
	for _, r := range values.RootModule.Resources {
		if r.Address == "terraform_data.orders_db" {
			id, _ := r.AttributeValues["id"].(string)
			return id
		}
	}
	return ""
}

// answerAndRecord answers as answerByRelease does, and records the text
// of every request the emulator receives, which outlives the requests:
// destroying a loop deletes them.
func answerAndRecord(s *testServer, answers map[string]string) (asked func() []string) {
	var mu sync.Mutex
	var texts []string
	s.SetAutoResponder(func(q emulator.Request) (any, time.Duration, bool) {
		mu.Lock()
		texts = append(texts, q.RequestText)
		mu.Unlock()
		for release, answer := range answers {
			if strings.Contains(q.RequestText, release) {
				return answer, 200 * time.Millisecond, true
			}
		}
		return nil, 0, false
	})
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(texts)
	}
}

// examples/approval-gate/replace: an approval triggered before_destroy
// guards a replacement. A rejection fails the apply and keeps the
// database (same id), with an error that quotes the answer; an approval
// replaces it. The destroy at the end asks too.
func TestAccApprovalAction_v116ReplacementGate(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	asked := answerAndRecord(s, map[string]string{"engine version 17?": "reject", "engine version 18?": "approve"})
	dir := replaceExampleDir(t, s)
	var firstID string

	created := engineStep(dir, "16")
	created.ConfigStateChecks = []statecheck.StateCheck{stateCheckFunc(func(st *tfjson.State) error {
		if firstID = databaseID(st.Values); firstID == "" {
			return fmt.Errorf("no terraform_data.orders_db in state")
		}
		// Creating is not destroying: nobody was asked.
		return expectServerRequests(s)
	})}
	rejected := engineStep(dir, "17")
	rejected.ExpectError = regexp.MustCompile(`(?s)Change not approved.*Reviewer\s+owner@example.com.*answered\s+"reject".*` +
		`was\s+not\s+approved`)
	kept := engineStep(dir, "17")
	kept.PlanOnly, kept.ExpectNonEmptyPlan = true, true
	kept.ConfigPlanChecks.PostApplyPostRefresh = []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("terraform_data.orders_db", plancheck.ResourceActionDestroyBeforeCreate),
		planCheckFunc(func(plan *tfjson.Plan) error {
			if got := databaseID(plan.PriorState.Values); got != firstID {
				return fmt.Errorf("after the rejection the database is %q, want the original %q", got, firstID)
			}
			return expectServerRequests(s, "completed=reject")
		}),
	}
	replaced := engineStep(dir, "18")
	replaced.ConfigStateChecks = []statecheck.StateCheck{stateCheckFunc(func(st *tfjson.State) error {
		if got := databaseID(st.Values); got == "" || got == firstID {
			return fmt.Errorf("after the approval the database is %q, want a new one (the original was %q)", got, firstID)
		}
		return expectServerRequests(s, "completed=reject", "completed=approve")
	})}

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: v116VersionChecks,
		CheckDestroy: func(*terraform.State) error {
			// terraform destroy asked as well (the requests went with the
			// loop).
			if got := asked(); len(got) != 3 || !strings.Contains(got[2], "engine version 18?") {
				return fmt.Errorf("the requests sent were %q, want those for 17, 18 and 18 (destroy)", got)
			}
			return nil
		},
		Steps: []resource.TestStep{created, rejected, kept, replaced},
	})
}

// terraform destroy cannot be stopped: Terraform turns the rejection of an
// approval triggered before_destroy into a warning and destroys anyway. The
// warning quotes the answer and does not claim that nothing was destroyed.
func TestAccApprovalAction_v116DestroyRejected(t *testing.T) {
	skipBelow116(t)
	t.Parallel()
	s := newTestServer(t, emulator.Config{})
	asked := answerAndRecord(s, map[string]string{"engine version 16?": "reject"})
	r := startCLI(t, replaceExampleDir(t, s))
	r.mustRun("init", "-no-color", "-input=false")
	r.mustRun("apply", "-auto-approve", "-no-color")

	out := r.mustRun("destroy", "-auto-approve", "-no-color")
	for _, want := range []*regexp.Regexp{phrase("Warning:"), phrase("Change not approved"), phrase(`answered "reject"`),
		phrase("was not approved"), phrase("as terraform destroy and on_failure = continue do")} {
		if !want.MatchString(out) {
			t.Errorf("terraform destroy output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "is not made") {
		t.Errorf("the warning claims the change is not made, though terraform destroy made it:\n%s", out)
	}
	if state := r.mustRun("state", "list"); strings.TrimSpace(state) != "" {
		t.Errorf("terraform destroy left:\n%s", state)
	}
	// The reviewer was asked once, by the destroy; the request went with
	// the loop.
	if got := asked(); len(got) != 1 {
		t.Errorf("the requests sent were %q, want one", got)
	}
}

// on_failure = continue: Terraform turns a rejection into a warning and
// makes the update.
func TestAccApprovalAction_v116OnFailureContinue(t *testing.T) {
	skipBelow116(t)
	t.Parallel()
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	answerByRelease(s, map[string]string{"v1.5.0": "reject"})
	cfg := func(release string) string {
		return s.providerBlock() + fmt.Sprintf(`
action "hitl_approval" "deploy" {
  config {
    loop_id      = %[1]q
    request_text = "Deploy **%[2]s** to production?"
  }
}

resource "terraform_data" "deploy" {
  input = %[2]q

  lifecycle {
    action_trigger {
      events     = [before_update]
      actions    = [action.hitl_approval.deploy]
      on_failure = continue
    }
  }
}
`, loopID, release)
	}
	r := newCLIRun(t, cfg("v1.4.2"))
	r.mustRun("apply", "-auto-approve", "-no-color")
	if err := os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(cfg("v1.5.0")), 0o600); err != nil {
		t.Fatal(err)
	}

	out := r.mustRun("apply", "-auto-approve", "-no-color")
	for _, want := range []*regexp.Regexp{phrase("Warning:"), phrase("Change not approved"), phrase(`answered "reject"`),
		phrase("was not approved")} {
		if !want.MatchString(out) {
			t.Errorf("apply output lacks %q:\n%s", want, out)
		}
	}
	state := r.state()
	for _, res := range state.Values.RootModule.Resources {
		if res.Address == "terraform_data.deploy" && res.AttributeValues["output"] != "v1.5.0" {
			t.Errorf("with on_failure = continue the deploy is at %v, want v1.5.0 (updated despite the rejection)",
				res.AttributeValues["output"])
		}
	}
	if err := expectServerRequests(s, "completed=reject"); err != nil {
		t.Error(err)
	}
}

// serveCLI is startCLI with the provider served by server, and init run
// on config.
func serveCLI(t *testing.T, config string, server func() tfprotov6.ProviderServer) *cliRun {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	reattach, stopped, err := acctest.ServeProvider(t.Context(), t, testCLI.RegistryHost()+"/"+devenv.ProviderSource, server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { <-stopped })
	r := &cliRun{t: t, dir: dir, env: append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+reattach, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")}
	r.mustRun("init", "-no-color", "-input=false")
	return r
}

// Ctrl-C while an approval triggered before_create waits, under Terraform
// 1.16: the action's error reaches Terraform, the resource is not created,
// and the request is cancelled on the server.
//
// Served as the framework serves it, the provider loses that error
// (KNOWN_ISSUES.md): Terraform 1.16.0-rc2 then creates the resource. The
// "framework server" subtest pins that; when it fails, terraform-plugin-go
// or Terraform has fixed the problem, and NewProtocol6Server's wait can go.
func TestAccApprovalAction_v116Interrupt(t *testing.T) {
	skipBelow116(t)
	t.Parallel()
	for _, tc := range []struct {
		name        string
		server      func() tfprotov6.ProviderServer
		wantCreated bool
	}{
		{"provider server", NewProtocol6Server(New("test")()), false},
		{"framework server", providerserver.NewProtocol6(New("test")()), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t, emulator.Config{})
			r := serveCLI(t, approvalConfig(s, s.createLoop(t), "v1.4.2", ""), tc.server)

			out, failed := r.interruptAt("Sent request", nil, "apply", "-auto-approve", "-no-color")
			if err := expectServerRequests(s, "cancelled"); err != nil {
				t.Errorf("%v; output:\n%s", err, out)
			}
			created := strings.TrimSpace(r.mustRun("state", "list")) != ""
			switch {
			case created != tc.wantCreated && tc.wantCreated:
				t.Errorf("served by the framework alone, the interrupted approval no longer lets the resource be "+
					"created: the upstream problem of KNOWN_ISSUES.md looks fixed. Output:\n%s", out)
			case created != tc.wantCreated:
				t.Errorf("the interrupted approval let the resource be created; output:\n%s", out)
			}
			if !tc.wantCreated && (!failed || !phrase("Waiting for approval interrupted").MatchString(out) ||
				!phrase("The request was cancelled, so no reviewer can approve it").MatchString(out)) {
				t.Errorf("the interrupted apply (failed: %v) does not report the action's error:\n%s", failed, out)
			}
		})
	}
}
