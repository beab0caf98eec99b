package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// Actions need Terraform 1.14; these tests skip under older CLIs.
var actionVersionChecks = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)}

// approvalConfig is a hitl_approval action with extra lines in its config
// block, triggered before terraform_data.deploy is created or updated.
func approvalConfig(s *testServer, loopID, release, extra string) string {
	return s.providerBlock() + fmt.Sprintf(`
action "hitl_approval" "deploy" {
  config {
    loop_id      = %[1]q
    request_text = "Deploy **%[2]s** to production?"
%[3]s
  }
}

resource "terraform_data" "deploy" {
  input = %[2]q

  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.hitl_approval.deploy]
    }
  }
}
`, loopID, release, extra)
}

// expectPriorDeploy checks that the plan starts from a state
// without the deploy, or with it at the given release.
func expectPriorDeploy(release string) plancheck.PlanCheck {
	return planCheckFunc(func(plan *tfjson.Plan) error {
		var got any
		if plan.PriorState != nil && plan.PriorState.Values != nil {
			for _, r := range plan.PriorState.Values.RootModule.Resources {
				if r.Address == "terraform_data.deploy" {
					got = r.AttributeValues["output"]
				}
			}
		}
		var want any
		if release != "" {
			want = release
		}
		if got != want {
			return fmt.Errorf("the deploy in state has output %v, want %v", got, want)
		}
		return nil
	})
}

// An approval lets the change go ahead, and the request is sent with the
// documented defaults.
func TestAccApprovalAction_approved(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	answerAfter(s, "approve", 200*time.Millisecond)

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   actionVersionChecks,
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: approvalConfig(s, loopID, "v1.4.2", ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("terraform_data.deploy", tfjsonpath.New("output"), knownvalue.StringExact("v1.4.2")),
				stateCheckFunc(func(*tfjson.State) error {
					if err := expectServerRequests(s, "completed=approve"); err != nil {
						return err
					}
					q := s.Requests()[0]
					type sent struct {
						ProcessingType, Type, Priority, RequestText, ResponseType string
						TimeoutSeconds                                            int
						DefaultResponse, ResponseConfig                           any
					}
					want := sent{"time-sensitive", "markdown", "high", "Deploy **v1.4.2** to production?", "single_select", 3600, "reject",
						map[string]any{"options": []any{
							map[string]any{"color": "#16a34a", "label": "Approve", "value": "approve"},
							map[string]any{"color": "#dc2626", "label": "Reject", "value": "reject"},
						}}}
					got := sent{q.ProcessingType, q.Type, q.Priority, q.RequestText, q.ResponseType, q.TimeoutSeconds, q.DefaultResponse, q.ResponseConfig}
					if diff := cmp.Diff(want, got); diff != "" {
						return fmt.Errorf("the request sent differs (-want +got):\n%s", diff)
					}
					return nil
				}),
			},
		}},
	})
}

// A rejection stops the change: the resource is not created, and the error
// quotes the answer and the reviewer's email.
func TestAccApprovalAction_rejectedBeforeCreate(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	answerAfter(s, "reject", 200*time.Millisecond)
	cfg := approvalConfig(s, loopID, "v1.4.2", `    context = jsonencode({ release = "v1.4.2" })`)

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   actionVersionChecks,
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Change not approved.*Reviewer\s+owner@example.com\s+\(user\s+[0-9a-f]{24}\)\s+answered\s+"reject".*accepts\s+only\s+"approve"`),
			},
			{
				// Nothing was created, and the request was answered once.
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					expectPriorDeploy(""),
					plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionCreate),
					planCheckFunc(func(*tfjson.Plan) error { return expectServerRequests(s, "completed=reject") }),
				}},
			},
		},
	})
}

// A rejected update leaves the resource as it was.
func TestAccApprovalAction_rejectedBeforeUpdate(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	answerByRelease(s, map[string]string{"v1.4.2": "approve", "v1.5.0": "reject"})

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   actionVersionChecks,
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: approvalConfig(s, loopID, "v1.4.2", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.deploy", tfjsonpath.New("output"), knownvalue.StringExact("v1.4.2")),
				},
			},
			{
				Config:      approvalConfig(s, loopID, "v1.5.0", ""),
				ExpectError: regexp.MustCompile(`(?s)Change not approved.*answered\s+"reject"`),
			},
			{
				Config:             approvalConfig(s, loopID, "v1.5.0", ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					expectPriorDeploy("v1.4.2"),
					plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionUpdate),
					planCheckFunc(func(*tfjson.Plan) error {
						return expectServerRequests(s, "completed=approve", "completed=reject")
					}),
				}},
			},
		},
	})
}

// Silence: when wait_timeout passes without an answer, the change fails
// and the request is cancelled on the server, so nobody can approve it
// afterwards.
func TestAccApprovalAction_waitTimeoutCancelsRequest(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	cfg := approvalConfig(s, loopID, "v1.4.2", `    wait_timeout = "1s"`)

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   actionVersionChecks,
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)No answer to approval request.*within\s+wait_timeout\s+\(1s\).*request\s+was\s+cancelled`),
			},
			{
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					expectPriorDeploy(""),
					planCheckFunc(func(*tfjson.Plan) error { return expectServerRequests(s, "cancelled") }),
				}},
			},
		},
	})
}

// A timed-out request's default response is judged like an answer:
// "reject" by default.
func TestAccApprovalAction_deadlineRecordsDefaultRejection(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	expireRequestsAsTheyArrive(t, s)

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   actionVersionChecks,
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:      approvalConfig(s, loopID, "v1.4.2", `    timeout_seconds = 60`),
			ExpectError: regexp.MustCompile(`(?s)Change not approved.*Nobody\s+answered.*default\s+response\s+"reject"\s+was\s+recorded`),
		}},
	})
}

// Custom options, approve values and default response; every documented
// limit is checked at plan time, without a single API call.
func TestAccApprovalAction_planTimeValidation(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	const loopID = "65f1234567890abcdef12345"
	with := func(extra string) string { return approvalConfig(s, loopID, "v1.4.2", extra) }
	shipOptions := `    options = [{ value = "ship-it", label = "Ship it" }, { value = "hold", label = "Hold" }]`
	cases := []struct {
		name   string
		config string
		err    *regexp.Regexp
	}{
		{"priority", with(`    priority = "urgent"`), phrase("priority value must be one of")},
		{"timeout too short", with(`    timeout_seconds = 59`), phrase("timeout_seconds value must be between 60 and 86400, got: 59")},
		{"timeout too long", with(`    timeout_seconds = 86401`), phrase("value must be between 60 and 86400, got: 86401")},
		{"long request_text", strings.Replace(with(""), "Deploy **v1.4.2** to production?", strings.Repeat("é", 2001), 1),
			phrase("UTF-8 character count must be between 1 and 2000, got: 2001")},
		{"empty loop_id", strings.Replace(with(""), loopID, "", 1), phrase("loop_id string length must be at least 1")},
		{"context not an object", with(`    context = jsonencode(["a"])`), phrase("Invalid context")},
		{"wait_timeout", with(`    wait_timeout = "soon"`), phrase("Invalid Time Duration String Value")},
		{"no options", with(`    options = []`), phrase("options list must contain at least 1 elements")},
		{"duplicate option values", with(`    options = [{ value = "a" }, { value = "a" }]`), phrase("Duplicate option value")},
		{"options without approve", with(shipOptions), phrase(`approve_values defaults to ["approve"]`)},
		{"options without reject", with(shipOptions + "\n    approve_values = [\"ship-it\"]"), phrase(`default_response defaults to "reject"`)},
		{"approve value that is a label", with(shipOptions + "\n    approve_values = [\"Ship it\"]\n    default_response = \"hold\""),
			phrase(`"Ship it" is the label of the option whose value is "ship-it"`)},
		{"default_response that is a label", with(shipOptions + "\n    approve_values = [\"ship-it\"]\n    default_response = \"Hold\""),
			phrase(`"Hold" is the label of the option whose value is "hold"`)},
		{"approve value that is no option", with(`    approve_values = ["aprove"]`), phrase(`"aprove" is not the value of any option`)},
		{"empty approve_values", with(`    approve_values = []`), phrase("approve_values list must contain at least 1 elements")},
	}
	steps := make([]resource.TestStep, 0, len(cases)+1)
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.config, ExpectError: c.err, PlanOnly: true})
	}
	// A valid custom configuration plans.
	steps = append(steps, resource.TestStep{
		Config:             with(shipOptions + "\n    approve_values = [\"ship-it\"]\n    default_response = \"hold\"\n    priority = \"critical\""),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
	})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   actionVersionChecks,
		ProtoV6ProviderFactories: testProviderFactories,
		Steps:                    steps,
	})
	if n := s.TotalCalls(); n != 0 {
		t.Errorf("validation made %d API calls (%v), want none", n, s.Calls())
	}
}

// invokeApproval runs the action's Invoke the way the framework does, with
// config as the action block's config, and collects its progress messages.
func invokeApproval(ctx context.Context, t *testing.T, a *ApprovalAction, config map[string]tftypes.Value, onProgress func(string)) diag.Diagnostics {
	t.Helper()
	var schemaResp action.SchemaResponse
	a.Schema(ctx, action.SchemaRequest{}, &schemaResp)
	typ, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("the action's schema is not an object: %s", schemaResp.Schema.Type())
	}
	values := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
	}
	for name, v := range config {
		values[name] = v
	}
	req := action.InvokeRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, values)}}
	resp := action.InvokeResponse{SendProgress: func(e action.InvokeProgressEvent) { onProgress(e.Message) }}
	a.Invoke(ctx, req, &resp)
	return resp.Diagnostics
}

// newTestApproval returns the action configured against a fresh emulator
// with a loop of two active members.
func newTestApproval(t *testing.T) (*ApprovalAction, *testServer, string) {
	t.Helper()
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	c, err := hitl.New(s.APIKey(), hitl.WithBaseURL(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	a := &ApprovalAction{progressEvery: approvalProgressEvery}
	a.data = &providerData{client: c, loops: directLoopReader{client: c}}
	return a, s, loopID
}

// Ctrl-C: when Terraform cancels the invocation while it waits, the request
// is cancelled on the server with a context of its own.
func TestApprovalActionInterruptCancelsRequest(t *testing.T) {
	t.Parallel()
	a, s, loopID := newTestApproval(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var messages []string
	diags := invokeApproval(ctx, t, a, map[string]tftypes.Value{
		"loop_id":      tftypes.NewValue(tftypes.String, loopID),
		"request_text": tftypes.NewValue(tftypes.String, "Deploy?"),
	}, func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		messages = append(messages, msg)
		if strings.HasPrefix(msg, "Sent request") {
			cancel() // The user presses Ctrl-C once the reviewers were asked.
		}
	})
	if !diags.HasError() || diags[0].Summary() != "Waiting for approval interrupted" ||
		!strings.Contains(diags[0].Detail(), "The request was cancelled, so no reviewer can approve it") {
		t.Fatalf("diagnostics %v", diags)
	}
	if err := expectServerRequests(s, "cancelled"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(messages) == 0 || !strings.Contains(messages[0], `of loop "Production On-Call": owner@example.com, oncall@example.com.`) ||
		!strings.Contains(messages[0], `Waiting up to 1h for an answer; "approve" approves.`) {
		t.Errorf("progress %q does not say who was asked", messages)
	}
}

// While it waits, the action reports status changes and a line at least
// every progress interval, and names the reviewer who approved.
func TestApprovalActionProgress(t *testing.T) {
	t.Parallel()
	a, s, loopID := newTestApproval(t)
	a.progressEvery = 50 * time.Millisecond
	var mu sync.Mutex
	var messages []string
	stillWaiting := 0
	diags := invokeApproval(context.Background(), t, a, map[string]tftypes.Value{
		"loop_id":      tftypes.NewValue(tftypes.String, loopID),
		"request_text": tftypes.NewValue(tftypes.String, "Deploy?"),
	}, func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		messages = append(messages, msg)
		id := s.Requests()[0].ID
		switch {
		case strings.HasPrefix(msg, "Sent request"):
			if err := s.ClaimRequest(id); err != nil {
				t.Error(err)
			}
		case strings.HasPrefix(msg, "Still waiting") && strings.Contains(msg, "(claimed)"):
			// The reviewer answers once two reminders about the claimed
			// request have gone out.
			if stillWaiting++; stillWaiting == 2 {
				if err := s.RespondToRequest(id, "approve"); err != nil {
					t.Error(err)
				}
			}
		}
	})
	if diags.HasError() {
		t.Fatalf("diagnostics %v", diags)
	}
	mu.Lock()
	defer mu.Unlock()
	text := strings.Join(messages, "\n")
	for _, want := range []string{"was claimed: a reviewer is looking at it", "Still waiting for an answer to request",
		"(claimed) after", `answered "approve"`, "Approved: Reviewer owner@example.com"} {
		if !strings.Contains(text, want) {
			t.Errorf("progress lacks %q:\n%s", want, text)
		}
	}
}

// terraform-plugin-testing has no way to run `terraform apply -invoke` or
// to interrupt a run, so the tests below drive the CLI themselves, with the
// provider served in-process as terraform-plugin-testing does.

// newCLIRun runs config with the CLI under test, which must run actions.
func newCLIRun(t *testing.T, config string) *cliRun {
	t.Helper()
	if testCLI.OpenTofu || !testCLI.AtLeast(1, 14) {
		t.Skipf("actions need Terraform 1.14 or later; the CLI under test is %s", testCLI.Name())
	}
	return initCLI(t, config)
}

// `terraform apply -invoke` runs the action alone: an approval succeeds, a
// rejection fails, and no resource is touched either way.
func TestAccApprovalAction_invoke(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	answerByRelease(s, map[string]string{"v1.4.2": "approve", "v1.5.0": "reject"})

	approve := newCLIRun(t, approvalConfig(s, loopID, "v1.4.2", ""))
	out := approve.mustRun("apply", "-auto-approve", "-no-color", "-invoke=action.hitl_approval.deploy")
	for _, want := range []string{`"Production On-Call": owner@example.com, oncall@example.com`,
		`Approved: Reviewer owner@example.com`} {
		if !strings.Contains(out, want) {
			t.Errorf("apply -invoke output lacks %q:\n%s", want, out)
		}
	}
	if state := approve.mustRun("state", "list"); strings.TrimSpace(state) != "" {
		t.Errorf("apply -invoke changed the state:\n%s", state)
	}

	reject := newCLIRun(t, approvalConfig(s, loopID, "v1.5.0", ""))
	out = reject.mustFail("apply", "-auto-approve", "-no-color", "-invoke=action.hitl_approval.deploy")
	if !phrase(`Change not approved`).MatchString(out) || !phrase(`answered "reject"`).MatchString(out) {
		t.Errorf("apply -invoke of a rejected approval:\n%s", out)
	}
	if err := expectServerRequests(s, "completed=approve", "completed=reject"); err != nil {
		t.Error(err)
	}
}

// Ctrl-C while the action waits: Terraform stops, the change is not made,
// and the request is cancelled on the server, so nobody can approve it.
func TestAccApprovalAction_interruptCancelsRequest(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	r := newCLIRun(t, approvalConfig(s, loopID, "v1.4.2", ""))

	// The user presses Ctrl-C once the reviewers were asked.
	out, failed := r.interruptAt("Sent request", nil, "apply", "-auto-approve", "-no-color")
	if !failed {
		t.Fatalf("the interrupted apply succeeded; output:\n%s", out)
	}
	// Terraform reports the interrupt ("execution halted") and, since the
	// provider's server waits for the action to report (server.go), the
	// action's error.
	if !strings.Contains(out, "Interrupt received") || !phrase("Waiting for approval interrupted").MatchString(out) {
		t.Errorf("output does not show the interrupt and the action's error:\n%s", out)
	}
	if err := expectServerRequests(s, "cancelled"); err != nil {
		t.Errorf("%v; output:\n%s", err, out)
	}
	if state := r.mustRun("state", "list"); strings.TrimSpace(state) != "" {
		t.Errorf("the interrupted apply changed the state:\n%s", state)
	}
}

// examples/approval-gate/action: a rejected new release leaves the running
// one in place, and an approved one replaces it.
func TestAccApprovalAction_approvalGateExample(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	answerByRelease(s, map[string]string{"v1.5.0": "approve", "v1.6.0": "reject", "v1.6.1": "approve"})
	dir := exampleConfigDir(t, s, "", "approval-gate/action/main.tf")
	step := func(release string) resource.TestStep { return releaseStep(dir, release) }
	deployed := func(release string) []statecheck.StateCheck {
		return []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("deployed_release", knownvalue.StringExact(release))}
	}
	approved := step("v1.5.0")
	approved.ConfigStateChecks = deployed("v1.5.0")
	rejected := step("v1.6.0")
	rejected.ExpectError = regexp.MustCompile(`(?s)Change not approved.*answered\s+"reject"`)
	still := step("v1.6.0")
	still.PlanOnly, still.ExpectNonEmptyPlan = true, true
	still.ConfigPlanChecks.PostApplyPostRefresh = []plancheck.PlanCheck{
		expectPriorDeploy("v1.5.0"),
		plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionUpdate),
	}
	next := step("v1.6.1")
	next.ConfigStateChecks = append(deployed("v1.6.1"), stateCheckFunc(func(*tfjson.State) error {
		return expectServerRequests(s, "completed=approve", "completed=reject", "completed=approve")
	}))

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: actionVersionChecks,
		CheckDestroy:           checkNoLoopsLeft(s),
		Steps:                  []resource.TestStep{approved, rejected, still, next},
	})
}

// examples/actions/hitl_approval/action.tf, with a loop looked up as the
// documentation's data source example does: the triggered approval lets
// the deploy go ahead, and the fully configured one plans.
func TestAccApprovalAction_documentationExample(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	s.createLoopOutside(t, s.APIKey(), hitl.CreateLoopInput{Name: "Production On-Call", Icon: "shield-check"})
	answerAfter(s, "approve", 200*time.Millisecond)
	dir := exampleConfigDir(t, s, `
data "hitl_loop" "oncall" {
  name = "Production On-Call"
}

variable "release" {
  type    = string
  default = "v1.4.2"
}
`, "provider/provider.tf", "actions/hitl_approval/action.tf")

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: actionVersionChecks,
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testProviderFactories,
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("terraform_data.deploy", tfjsonpath.New("output"), knownvalue.StringExact("v1.4.2")),
				stateCheckFunc(func(*tfjson.State) error { return expectServerRequests(s, "completed=approve") }),
			},
		}},
	})
}

func TestApprovalApproveText(t *testing.T) {
	for _, tt := range []struct {
		s    approvalSettings
		want string
	}{
		{approvalSettings{approve: []string{"approve"}}, `"approve"`},
		{approvalSettings{approve: []string{"a", "b", "c"}}, `"a", "b" or "c"`},
		{approvalSettings{approve: []string{"true"}, labels: map[string]string{"true": "Deploy", "false": "Hold"}}, `"true" (Deploy)`},
		{approvalSettings{approve: []string{"true", "false"}, labels: map[string]string{"true": "Deploy"}}, `"true" (Deploy) or "false"`},
	} {
		if got := tt.s.approveText(); got != tt.want {
			t.Errorf("approveText(%v, %v) = %s, want %s", tt.s.approve, tt.s.labels, got, tt.want)
		}
	}
}
