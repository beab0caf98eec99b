package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hitl-sh/terraform-provider-hitl/internal/approval"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

const gateAddr = "hitl_request.gate"

// gateConfig is a select request to loopID with extra lines in its body,
// followed by more configuration.
func gateConfig(s *testServer, loopID, body string, more ...string) string {
	return s.providerBlock() + fmt.Sprintf(`
resource "hitl_request" "gate" {
  loop_id         = %q
  request_text    = "Deploy **v1.4.2** to production?"
  timeout_seconds = 600
  response_type   = "single_select"
  response_config = {
    options = [{ value = "approve" }, { value = "reject", label = "Reject", color = "#dc2626" }]
  }
%s
}
`, loopID, body) + strings.Join(more, "\n")
}

// deployConfig stands in for the production change behind the gate.
const deployConfig = `
resource "terraform_data" "deploy" {
  input      = "v1.4.2"
  depends_on = [hitl_request.gate]

  lifecycle {
    precondition {
      condition     = hitl_request.gate.response == "approve"
      error_message = "The deploy was not approved."
    }
  }
}
`

// A request created without waiting is pending in state exactly as on the
// server; destroying it cancels it.
func TestAccRequestResource_pendingIsCancelledOnDestroy(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	cfg := gateConfig(s, loopID, `
  priority = "critical"
  tags     = ["deploy"]
  context  = jsonencode({ release = "v1.4.2" })`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkServerStatusesAfterDestroy(s, "cancelled"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(gateAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(gateAddr, tfjsonpath.New("status")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(hexID)),
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("broadcasted_to"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("priority"), knownvalue.StringExact("critical")),
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("processing_type"), knownvalue.StringExact("time-sensitive")),
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("type"), knownvalue.StringExact("markdown")),
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("wait_for_response"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("response"), knownvalue.Null()),
					expectRequestOnServer(s, gateAddr),
					stateCheckFunc(func(state *tfjson.State) error {
						q, _, err := serverRequest(s, state, gateAddr)
						if err != nil {
							return err
						}
						// What was sent, as the server understood it.
						opts, _ := json.Marshal(q.ResponseConfig)
						if q.TimeoutSeconds != 600 || fmt.Sprint(q.Tags) != "[deploy]" || fmt.Sprint(q.Context) != "map[release:v1.4.2]" ||
							string(opts) != `{"options":["approve",{"color":"#dc2626","label":"Reject","value":"reject"}]}` || q.DefaultResponse != nil {
							return fmt.Errorf("the server holds %+v with response_config %s", q, opts)
						}
						return nil
					}),
				},
			},
		},
	})
}

// expectAnswer checks the status of the request at address and the answer
// it recorded, as text (response) and as the API's JSON (response_data).
func expectAnswer(address, status, response, responseData string) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(address, tfjsonpath.New("status"), knownvalue.StringExact(status)),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("response"), knownvalue.StringExact(response)),
		statecheck.ExpectKnownValue(address, tfjsonpath.New("response_data"), knownvalue.StringExact(responseData)),
	}
}

// An answer given after create, without waiting, reaches state on refresh;
// destroying the answered request leaves it completed on the server.
func TestAccRequestResource_refreshPicksUpAnswer(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	cfg := gateConfig(s, loopID, "")

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkServerStatusesAfterDestroy(s, "completed"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("status"), knownvalue.StringExact("pending")),
					expectRequestOnServer(s, gateAddr),
				},
			},
			{
				PreConfig: func() {
					qs := s.Requests()
					if len(qs) != 1 {
						t.Fatalf("the server holds %d requests, want 1", len(qs))
					}
					if err := s.ClaimRequest(qs[0].ID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("status"), knownvalue.StringExact("claimed")),
					expectRequestOnServer(s, gateAddr),
				},
			},
			{
				PreConfig: func() {
					// In the form the API documents for a select's answer.
					answer := map[string]any{"selected_value": "approve", "selected_label": "Approve"}
					if err := s.RespondToRequest(s.Requests()[0].ID, answer); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				// The answer changes computed values only: no new request.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: append(expectAnswer(gateAddr, "completed", "approve", `{"selected_label":"Approve","selected_value":"approve"}`),
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("response_by"), knownvalue.StringRegexp(hexID)),
					expectRequestOnServer(s, gateAddr),
					serverStatuses(s, "completed"),
				),
			},
		},
	})
}

// With wait_for_response, apply waits for the reviewer; an approval lets
// the deploy behind the gate run.
func TestAccRequestResource_waitApproved(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	// The app may wrap a select's answer in an object.
	answerAfter(s, map[string]any{"selected_value": "approve"}, 700*time.Millisecond)
	cfg := gateConfig(s, loopID, `
  wait_for_response = true
  wait_timeout      = "2m"
  approve_values    = ["approve"]`, deployConfig)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkServerStatusesAfterDestroy(s, "completed", "completed"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: append(expectAnswer(gateAddr, "completed", "approve", `{"selected_value":"approve"}`),
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("response_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("terraform_data.deploy", tfjsonpath.New("output"), knownvalue.StringExact("v1.4.2")),
					expectRequestOnServer(s, gateAddr),
					serverStatuses(s, "completed"),
				),
			},
			{
				// A longer wait is a Terraform-side setting: no new question.
				Config: strings.Replace(cfg, `"2m"`, `"45m"`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(gateAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("wait_timeout"), knownvalue.StringExact("45m")),
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("response"), knownvalue.StringExact("approve")),
					serverStatuses(s, "completed"),
				},
			},
			{
				// A different question is a new request.
				Config: strings.Replace(cfg, "v1.4.2** to", "v1.4.3** to", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(gateAddr, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectUnknownValue(gateAddr, tfjsonpath.New("response")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("request_text"), knownvalue.StringExact("Deploy **v1.4.3** to production?")),
					expectRequestOnServer(s, gateAddr),
					// The first request was answered: replacing it left it as it was.
					serverStatuses(s, "completed", "completed"),
				},
			},
		},
	})
}

// A rejection fails the apply with the reviewer's answer, and the deploy
// behind the gate is not created. The request stays in state, tainted, so
// the next apply asks again.
func TestAccRequestResource_rejectedStopsApply(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	answerAfter(s, "reject", 300*time.Millisecond)
	cfg := gateConfig(s, loopID, `
  wait_for_response = true
  approve_values    = ["approve"]`, deployConfig)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkServerStatusesAfterDestroy(s, "completed", "completed"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ExpectError: regexp.MustCompile(`(?s)Review request not approved.*Reviewer\s+owner@example\.com.*answered\s+"reject".*` +
					`approve_values\s+accepts\s+only\s+"approve"`),
			},
			{
				PreConfig: func() {
					if err := expectServerStatuses(s, "completed"); err != nil {
						t.Fatal(err)
					}
					answerAfter(s, "approve", 300*time.Millisecond)
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// Tainted by the rejection: asked again.
					plancheck.ExpectResourceAction(gateAddr, plancheck.ResourceActionDestroyBeforeCreate),
					// The rejected apply did not create the deploy.
					plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("response"), knownvalue.StringExact("approve")),
					expectRequestOnServer(s, gateAddr),
					// The rejected request is history: it stays completed.
					serverStatuses(s, "completed", "completed"),
					stateCheckFunc(func(*tfjson.State) error {
						if first := s.Requests()[0]; first.ResponseData != "reject" {
							return fmt.Errorf("the first request's answer is %v, want reject", first.ResponseData)
						}
						return nil
					}),
				},
			},
		},
	})
}

// When nobody answers before the deadline, the default response is the
// recorded answer, and approve_values judges it like any other.
func TestAccRequestResource_timeoutRecordsDefault(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	expireRequestsAsTheyArrive(t, s)
	cfg := gateConfig(s, loopID, `
  default_response  = "reject"
  wait_for_response = true`)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkServerStatusesAfterDestroy(s, "timeout", "timeout"),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: append(expectAnswer(gateAddr, "timeout", "reject", `"reject"`),
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("response_by"), knownvalue.Null()),
					expectRequestOnServer(s, gateAddr),
				),
			},
			{
				Config:      strings.Replace(cfg, "wait_for_response = true", "wait_for_response = true\n  approve_values = [\"approve\"]", 1),
				ExpectError: regexp.MustCompile(`(?s)Review request not approved.*Nobody\s+answered.*default\s+response\s+"reject"\s+was\s+recorded`),
			},
		},
	})
}

// Every documented enum and limit fails the plan, before any API call.
func TestAccRequestResource_planTimeValidation(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, emulator.Config{})
	const loopID = "65f1234567890abcdef12345"
	with := func(body string) string { return strings.TrimPrefix(gateConfig(s, loopID, body), s.providerBlock()) }
	// request builds a request without gateConfig's defaults.
	request := func(body string) string {
		return fmt.Sprintf("resource \"hitl_request\" \"gate\" {\n  loop_id = %q\n%s\n}\n", loopID, body)
	}
	textRequest := func(text string) string {
		return request(fmt.Sprintf("  request_text = %q\n  response_type = \"text\"\n  timeout_seconds = 60", text))
	}
	valueMustBe := func(attr string) *regexp.Regexp {
		return regexp.MustCompile(`Attribute\s+` + regexp.QuoteMeta(attr) + `\s+value\s+must\s+be\s+one\s+of`)
	}
	cases := []invalidBlock{
		{"priority", with(`  priority = "urgent"`), valueMustBe("priority")},
		{"processing_type", with(`  processing_type = "soon"`), valueMustBe("processing_type")},
		{"type", with(`  type = "video"`), valueMustBe("type")},
		{"response_type", request(`  request_text = "Ok?"
  timeout_seconds = 60
  response_type = "emoji"`), valueMustBe("response_type")},
		{"empty request_text", textRequest(""), phrase("UTF-8 character count must be between 1 and 2000, got: 0")},
		{"long request_text", textRequest(strings.Repeat("é", 2001)), phrase("UTF-8 character count must be between 1 and 2000, got: 2001")},
		{"timeout_seconds 59", strings.Replace(with(""), "600", "59", 1), phrase("timeout_seconds value must be between 60 and 86400, got: 59")},
		{"timeout_seconds 86401", strings.Replace(with(""), "600", "86401", 1), phrase("timeout_seconds value must be between 60 and 86400, got: 86401")},
		{"time-sensitive by default without timeout", request(`  request_text = "Ok?"
  response_type = "text"`), phrase(`Missing timeout_seconds`)},
		{"time-sensitive without timeout", request(`  request_text = "Ok?"
  processing_type = "time-sensitive"
  response_type = "text"`), phrase(`processing_type is "time-sensitive". Set timeout_seconds`)},
		{"select without options", request(`  request_text = "Ok?"
  timeout_seconds = 60
  response_type = "single_select"`), phrase("Missing options")},
		{"select with empty options", request(`  request_text = "Ok?"
  timeout_seconds = 60
  response_type = "multi_select"
  response_config = { options = [] }`), phrase("must list at least one")},
		{"duplicate options", request(`  request_text = "Ok?"
  timeout_seconds = 60
  response_type = "single_select"
  response_config = { options = [{ value = "a" }, { value = "a" }] }`), phrase("Duplicate option value")},
		{"rating scale_min = scale_max", request(`  request_text = "Rate it"
  timeout_seconds = 60
  response_type = "rating"
  response_config = { scale_min = 5, scale_max = 5 }`), phrase("scale_min (5) must be less than scale_max (5)")},
		{"rating scale_min > scale_max", request(`  request_text = "Rate it"
  timeout_seconds = 60
  response_type = "rating"
  response_config = { scale_min = 10, scale_max = 1 }`), phrase("scale_min (10) must be less than scale_max (1)")},
		{"number min_value > max_value", request(`  request_text = "How many?"
  timeout_seconds = 60
  response_type = "number"
  response_config = { min_value = 10, max_value = 1 }`), phrase("min_value (10) must not be greater than max_value (1)")},
		{"setting of another response type", request(`  request_text = "Ok?"
  timeout_seconds = 60
  response_type = "single_select"
  response_config = { options = [{ value = "a" }], scale_min = 1 }`), phrase("response_config.scale_min is a setting of rating requests")},
		{"context not an object", with(`  context = jsonencode(["a"])`), phrase("Invalid context")},
		{"context not JSON", with(`  context = "release=v1"`), phrase("Invalid JSON String Value")},
		{"callback_url http", with(`  callback_url = "http://example.com/hook"`), phrase("callback_url must be an absolute https URL")},
		{"image without image_url", with(`  type = "image"`), phrase("Missing image_url")},
		{"image_url on markdown", with(`  image_url = "https://example.com/a.png"`), phrase("image_url without an image request")},
		{"approve_values without waiting", with(`  approve_values = ["approve"]`), phrase("approve_values needs wait_for_response")},
		{"approve value that is no option", with(`  wait_for_response = true
  approve_values = ["aprove"]`), phrase(`"aprove" is not the value of any option; the option values are "approve", "reject"`)},
		{"default_response that is no option", with(`  default_response = "maybe"`), phrase(`"maybe" is not the value of any option`)},
		// A label is what reviewers see, but an answer records the value:
		// a gate waiting for a label would never open.
		{"approve value that is a label", with(`  wait_for_response = true
  approve_values = ["approve", "Reject"]`), phrase(`"Reject" is the label of the option whose value is "reject". Answers are recorded as option values, never labels: write "reject".`)},
		{"default_response that is a label", with(`  default_response = "Reject"`), phrase(`"Reject" is the label of the option whose value is "reject"`)},
		{"multi_select default_response with a label", request(`  request_text = "Which?"
  timeout_seconds = 60
  response_type = "multi_select"
  response_config = { options = [{ value = "grammar" }, { value = "tone", label = "Tone of voice" }] }
  default_response = "grammar,Tone of voice"`), phrase(`"Tone of voice" is the label of the option whose value is "tone"`)},
		{"comma in a multi_select value", request(`  request_text = "Which?"
  timeout_seconds = 60
  response_type = "multi_select"
  response_config = { options = [{ value = "a,b" }] }`), phrase("Comma in a multi_select option value")},
		{"rating default_response not a number", request(`  request_text = "Rate it"
  timeout_seconds = 60
  response_type = "rating"
  default_response = "five"`), phrase(`"five" is not a number`)},
		{"wait_timeout", with(`  wait_timeout = "soon"`), phrase("Invalid Time Duration String Value")},
	}
	expectPlanErrors(t, s.providerBlock(), cases)

	// The checks leave values that are unknown at plan time alone, and a
	// valid configuration plans, so the errors above come from the values.
	cli := initCLI(t, s.providerBlock()+fmt.Sprintf(`
resource "terraform_data" "later" {
  input = { timeout = 600, processing = "time-sensitive", kind = "single_select", option = "approve" }
}

resource "hitl_request" "gate" {
  loop_id          = %q
  request_text     = "Deploy?"
  processing_type  = terraform_data.later.output.processing
  timeout_seconds  = terraform_data.later.output.timeout
  response_type    = terraform_data.later.output.kind
  default_response = "reject"
  response_config = {
    options = [{ value = terraform_data.later.output.option }, { value = "reject", label = "Reject" }]
  }
  wait_for_response = true
  approve_values    = [terraform_data.later.output.option, "reject"]
}
`, loopID))
	if out, code := cli.run("plan", "-detailed-exitcode", "-no-color", "-input=false"); code != 2 {
		t.Errorf("the valid configuration: plan exited with %d, want 2 (changes):\n%s", code, out)
	}
	if n := s.TotalCalls(); n != 0 {
		t.Errorf("validation made %d API calls (%v), want none", n, s.Calls())
	}
}

// examples/approval-gate, unchanged, gates the deploy on the reviewer's
// answer: approved, the deploy runs; rejected, it does not.
func TestAccRequestResource_approvalGateExample(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		answer string
		err    *regexp.Regexp
	}{
		{answer: "approve"},
		{answer: "reject", err: regexp.MustCompile(`(?s)Review request not approved.*answered\s+"reject"`)},
	} {
		t.Run(tc.answer, func(t *testing.T) {
			s := newTestServer(t, emulator.Config{})
			answerAfter(s, tc.answer, 500*time.Millisecond)
			// The example configures the provider from the environment and
			// names it hitl-sh/hitl, as a user's configuration would.
			dir := composeExamples(t, s, "approval-gate/main.tf")

			step := resource.TestStep{
				// Given to the step: the example has its own provider block.
				ProtoV6ProviderFactories: testProviderFactories,
				ConfigDirectory:          config.StaticDirectory(dir),
				ExpectError:              tc.err,
			}
			const request = "hitl_request.deploy_approval"
			if tc.err == nil {
				step.ConfigStateChecks = []statecheck.StateCheck{
					statecheck.ExpectKnownValue(request, tfjsonpath.New("status"), knownvalue.StringExact("completed")),
					statecheck.ExpectKnownValue(request, tfjsonpath.New("response"), knownvalue.StringExact("approve")),
					statecheck.ExpectKnownValue("terraform_data.deploy", tfjsonpath.New("output"), knownvalue.NotNull()),
					statecheck.ExpectKnownOutputValue("approved_by", knownvalue.StringRegexp(hexID)),
					expectRequestOnServer(s, request),
				}
			}
			steps := []resource.TestStep{step}
			if tc.err != nil {
				// After the rejection, the deploy is still to be created and
				// the request is to be asked again.
				steps = append(steps, resource.TestStep{
					ProtoV6ProviderFactories: testProviderFactories,
					ConfigDirectory:          config.StaticDirectory(dir),
					PlanOnly:                 true,
					ExpectNonEmptyPlan:       true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(request, plancheck.ResourceActionCreateBeforeDestroy),
						plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionCreate),
					}},
				})
			}
			resource.ParallelTest(t, resource.TestCase{
				CheckDestroy: checkNoLoopsLeft(s),
				Steps:        steps,
			})
		})
	}
}

// examples/resources/hitl_request/resource.tf, with the provider and loop
// examples it builds on: the gate waits for its approval, the others are
// sent and left pending.
func TestAccRequestResource_documentationExample(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	s.SetAutoResponder(func(q emulator.Request) (any, time.Duration, bool) {
		return "approve", 300 * time.Millisecond, strings.Contains(q.RequestText, "migration")
	})
	dir := composeExamples(t, s, "provider/provider.tf", "resources/hitl_loop/resource.tf", "resources/hitl_request/resource.tf")
	const gate = "hitl_request.schema_migration"

	resource.ParallelTest(t, resource.TestCase{
		CheckDestroy: checkNoLoopsLeft(s),
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testProviderFactories,
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(gate, tfjsonpath.New("status"), knownvalue.StringExact("completed")),
				statecheck.ExpectKnownValue(gate, tfjsonpath.New("response"), knownvalue.StringExact("approve")),
				statecheck.ExpectKnownValue("hitl_request.content_review", tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				statecheck.ExpectKnownValue("hitl_request.answer_quality", tfjsonpath.New("processing_type"), knownvalue.StringExact("deferred")),
				expectRequestOnServer(s, gate),
				expectRequestOnServer(s, "hitl_request.content_review"),
				expectRequestOnServer(s, "hitl_request.answer_quality"),
				stateCheckFunc(func(*tfjson.State) error {
					for _, q := range s.Requests() {
						if q.ResponseType == "rating" && q.TimeoutSeconds != 30*24*3600 {
							return fmt.Errorf("the deferred rating request has a %d-second deadline, want 30 days", q.TimeoutSeconds)
						}
					}
					return nil
				}),
			},
		}},
	})
}

// When nobody answers within wait_timeout, the apply fails, the request is
// cancelled on the server, so that nobody answers a question no one waits
// for, and it stays in state, tainted: the next plan asks again.
func TestAccRequestResource_waitTimeoutLeavesRequestTainted(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	cfg := gateConfig(s, loopID, `
  wait_for_response = true
  wait_timeout      = "1s"`, deployConfig)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkServerStatusesAfterDestroy(s, "cancelled"),
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)No answer to review request.*within\s+wait_timeout\s+\(1s\).*The\s+request\s+was\s+cancelled\s+in\s+HITL.sh`),
			},
			{
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(gateAddr, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionCreate),
					planCheckFunc(func(*tfjson.Plan) error { return expectServerStatuses(s, "cancelled") }),
				}},
			},
		},
	})
}

func TestGateDiagnostics(t *testing.T) {
	t.Parallel()
	at := "2026-01-02T03:04:05Z"
	by := &hitl.Responder{UserID: "u1"}
	recipients := []hitl.Recipient{{UserID: "u0", Email: "lead@example.com"}, {UserID: "u1", Email: "oncall@example.com"}}
	tests := []struct {
		name      string
		q         hitl.Request
		gated     bool
		approve   []string
		severity  string // "", "error" or "warning"
		summary   string
		fragments []string
	}{
		{"approved", hitl.Request{ID: "r", Status: "completed", ResponseData: json.RawMessage(`"approve"`), ResponseBy: by},
			true, []string{"approve"}, "", "", nil},
		{"approved in an object", hitl.Request{ID: "r", Status: "completed", ResponseData: json.RawMessage(`{"selected_value":"LGTM"}`)},
			true, []string{"approve", "LGTM"}, "", "", nil},
		{"rejected", hitl.Request{ID: "r", Status: "completed", ResponseData: json.RawMessage(`{"selected_value":"reject"}`),
			ResponseBy: by, ResponseAt: &at, BroadcastedTo: recipients},
			true, []string{"approve"}, "error", "Review request not approved",
			[]string{`Reviewer oncall@example.com (user u1) answered "reject" to request r at ` + at,
				`(response_data {"selected_value":"reject"})`, `accepts only "approve"`, "tainted"}},
		{"timed out with default", hitl.Request{ID: "r", Status: "timeout", TimeoutAt: at, ResponseData: json.RawMessage(`"reject"`)},
			true, []string{"approve"}, "error", "Review request not approved",
			[]string{"before its deadline (" + at + ")", `default response "reject" was recorded`}},
		{"timed out with an approving default", hitl.Request{ID: "r", Status: "timeout", ResponseData: json.RawMessage(`"approve"`)},
			true, []string{"approve"}, "", "", nil},
		{"timed out without default", hitl.Request{ID: "r", Status: "timeout"},
			true, []string{"approve"}, "error", "Review request not approved", []string{"no default_response"}},
		{"timed out, not gated", hitl.Request{ID: "r", Status: "timeout"},
			false, nil, "warning", "Review request timed out without an answer", []string{"response is null"}},
		{"answered, not gated", hitl.Request{ID: "r", Status: "completed", ResponseData: json.RawMessage(`"no"`)},
			false, nil, "", "", nil},
		{"cancelled", hitl.Request{ID: "r", Status: "cancelled"},
			false, nil, "error", "Review request cancelled", []string{"cancelled in HITL.sh"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := requestVerdictDiagnostics(approval.Judge(&tt.q, tt.approve), tt.gated)
			switch {
			case tt.severity == "" && len(diags) != 0:
				t.Fatalf("diagnostics %v, want none", diags)
			case tt.severity == "":
				return
			case len(diags) != 1:
				t.Fatalf("diagnostics %v, want one %s", diags, tt.severity)
			}
			d := diags[0]
			if strings.ToLower(d.Severity().String()) != tt.severity || d.Summary() != tt.summary {
				t.Errorf("got %s %q, want %s %q", d.Severity(), d.Summary(), tt.severity, tt.summary)
			}
			for _, f := range tt.fragments {
				if !strings.Contains(d.Detail(), f) {
					t.Errorf("detail %q lacks %q", d.Detail(), f)
				}
			}
		})
	}
}

// releaseStep applies the approval-gate example in dir with var.release set.
func releaseStep(dir, release string) resource.TestStep {
	return resource.TestStep{
		ProtoV6ProviderFactories: testProviderFactories,
		ConfigDirectory:          config.StaticDirectory(dir),
		ConfigVariables:          config.Variables{"release": config.StringVariable(release)},
	}
}

// examples/approval-gate: a new release that is rejected must not touch the
// running deploy. Without create_before_destroy, Terraform destroyed the
// deploy first, then asked, and a rejection left nothing deployed.
func TestAccRequestResource_approvalGateRejectedReleaseKeepsDeploy(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	answerByRelease(s, map[string]string{"v1.5.0": "approve", "v1.6.0": "reject", "v1.6.1": "approve"})
	dir := exampleConfigDir(t, s, "", "approval-gate/main.tf")
	step := func(release string) resource.TestStep { return releaseStep(dir, release) }
	const request = "hitl_request.deploy_approval"
	approved := step("v1.5.0")
	approved.ConfigStateChecks = []statecheck.StateCheck{
		statecheck.ExpectKnownOutputValue("deployed_release", knownvalue.StringExact("v1.5.0")),
	}
	rejected := step("v1.6.0")
	rejected.ExpectError = regexp.MustCompile(`(?s)Review request not approved.*answered\s+"reject"`)
	// The running release is still in state, untouched; the next apply
	// asks again and replaces it only once approved.
	still := step("v1.6.0")
	still.PlanOnly, still.ExpectNonEmptyPlan = true, true
	still.ConfigPlanChecks.PostApplyPostRefresh = []plancheck.PlanCheck{
		expectPriorDeploy("v1.5.0"),
		plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionCreateBeforeDestroy),
		plancheck.ExpectResourceAction(request, plancheck.ResourceActionCreateBeforeDestroy),
	}
	next := step("v1.6.1")
	next.ConfigStateChecks = []statecheck.StateCheck{
		statecheck.ExpectKnownOutputValue("deployed_release", knownvalue.StringExact("v1.6.1")),
		statecheck.ExpectKnownValue(request, tfjsonpath.New("response"), knownvalue.StringExact("approve")),
		stateCheckFunc(func(*tfjson.State) error {
			return expectServerRequests(s, "completed=approve", "completed=reject", "completed=approve")
		}),
	}

	resource.ParallelTest(t, resource.TestCase{
		CheckDestroy: checkNoLoopsLeft(s),
		Steps:        []resource.TestStep{approved, rejected, still, next},
	})
}
