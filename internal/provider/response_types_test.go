package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// responseTypeRequests is one waiting hitl_request of every response type,
// each with every documented setting, and a hitl_request data source that
// reads each back.
const responseTypeRequests = `
resource "hitl_request" "single_select" {
  loop_id           = %[1]q
  request_text      = "Publish this comment?"
  timeout_seconds   = 600
  response_type     = "single_select"
  response_config   = {
    options  = [{ value = "approve", label = "Approve", color = "#22c55e" }, { value = "reject" }]
    required = true
  }
  default_response  = "reject"
  wait_for_response = true
}

resource "hitl_request" "multi_select" {
  loop_id           = %[1]q
  request_text      = "Which problems does the draft have?"
  timeout_seconds   = 600
  response_type     = "multi_select"
  response_config   = {
    options        = [{ value = "grammar" }, { value = "tone" }, { value = "facts" }]
    min_selections = 1
    max_selections = 2
  }
  default_response  = "facts"
  wait_for_response = true
}

resource "hitl_request" "rating" {
  loop_id           = %[1]q
  request_text      = "Rate the article."
  timeout_seconds   = 600
  response_type     = "rating"
  response_config   = {
    scale_min  = 1
    scale_max  = 5
    scale_step = 0.5
    labels     = { "1" = "Poor", "5" = "Excellent" }
  }
  default_response  = "3"
  wait_for_response = true
}

resource "hitl_request" "text" {
  loop_id           = %[1]q
  request_text      = "Summarize the incident."
  timeout_seconds   = 600
  response_type     = "text"
  response_config   = {
    placeholder = "Two or three sentences"
    min_length  = 5
    max_length  = 500
  }
  default_response  = "No summary given."
  wait_for_response = true
}

resource "hitl_request" "number" {
  loop_id           = %[1]q
  request_text      = "Price of the new plan?"
  timeout_seconds   = 600
  response_type     = "number"
  response_config   = {
    min_value      = 50
    max_value      = 200
    decimal_places = 2
    prefix         = "$"
    suffix         = " USD"
    allow_negative = false
  }
  default_response  = "89.99"
  wait_for_response = true
}

resource "hitl_request" "boolean" {
  loop_id           = %[1]q
  request_text      = "Deploy v1.4.2 to production?"
  timeout_seconds   = 600
  response_type     = "boolean"
  response_config   = {
    true_label  = "Deploy"
    false_label = "Hold"
    true_color  = "#16a34a"
    false_color = "#dc2626"
  }
  default_response  = "false"
  wait_for_response = true
  approve_values    = ["true"]
}

data "hitl_request" "single_select" { id = hitl_request.single_select.id }
data "hitl_request" "multi_select" { id = hitl_request.multi_select.id }
data "hitl_request" "rating" { id = hitl_request.rating.id }
data "hitl_request" "text" { id = hitl_request.text.id }
data "hitl_request" "number" { id = hitl_request.number.id }
data "hitl_request" "boolean" { id = hitl_request.boolean.id }
`

// answerByType answers every request by its response type, as the
// reviewer of each would.
func answerByType(s *testServer, answers map[string]any) {
	s.SetAutoResponder(func(q emulator.Request) (any, time.Duration, bool) {
		a, ok := answers[q.ResponseType]
		return a, 100 * time.Millisecond, ok
	})
}

// Every response type end to end: the settings reach the server under the
// documented names, each answer comes back in state, and the data source
// reads every type back the same, boolean answers included.
func TestAccRequestResource_everyResponseType(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	answerByType(s, map[string]any{
		"single_select": map[string]any{"selected_value": "approve", "selected_label": "Approve"},
		"multi_select":  []string{"grammar", "tone"},
		"rating":        4.5,
		"text":          "A disk filled up; it was cleaned.",
		"number":        map[string]any{"number": 129.99, "formatted_value": "$129.99 USD"},
		"boolean":       true,
	})
	answers := map[string]struct{ response, data string }{
		"single_select": {"approve", `{"selected_label":"Approve","selected_value":"approve"}`},
		"multi_select":  {"grammar,tone", `["grammar","tone"]`},
		"rating":        {"4.5", `4.5`},
		"text":          {"A disk filled up; it was cleaned.", `"A disk filled up; it was cleaned."`},
		"number":        {"129.99", `{"formatted_value":"$129.99 USD","number":129.99}`},
		"boolean":       {"true", `{"boolean":true,"boolean_label":"Deploy"}`},
	}
	// What the server received, by response type: the settings under the
	// documented names, and the default response as the matching JSON.
	sent := map[string]string{
		"single_select": `reject map[options:[map[color:#22c55e label:Approve value:approve] reject] required:true]`,
		"multi_select":  `[facts] map[max_selections:2 min_selections:1 options:[grammar tone facts]]`,
		"rating":        `3 map[labels:map[1:Poor 5:Excellent] scale_max:5 scale_min:1 scale_step:0.5]`,
		"text":          `No summary given. map[max_length:500 min_length:5 placeholder:Two or three sentences]`,
		"number":        `89.99 map[allow_negative:false decimal_places:2 max_value:200 min_value:50 prefix:$ suffix: USD]`,
		"boolean":       `false map[false_color:#dc2626 false_label:Hold true_color:#16a34a true_label:Deploy]`,
	}
	var checks []statecheck.StateCheck
	for rt, a := range answers {
		addr, dataAddr := "hitl_request."+rt, "data.hitl_request."+rt
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("completed")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("response"), knownvalue.StringExact(a.response)),
			expectRequestOnServer(s, addr),
			statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("response"), knownvalue.StringExact(a.response)),
			statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("response_type"), knownvalue.StringExact(rt)),
		)
		for _, attr := range []string{"response_config", "default_response", "response_data", "response"} {
			checks = append(checks, statecheck.CompareValuePairs(addr, tfjsonpath.New(attr), dataAddr, tfjsonpath.New(attr), compare.ValuesSame()))
		}
		checks = append(checks, stateCheckFunc(func(state *tfjson.State) error {
			q, attrs, err := serverRequest(s, state, addr)
			if err != nil {
				return err
			}
			if got := fmt.Sprint(q.DefaultResponse, " ", q.ResponseConfig); got != sent[rt] {
				return fmt.Errorf("%s: the server received %s, want %s", rt, got, sent[rt])
			}
			got := jsontypes.NewNormalizedValue(fmt.Sprint(attrs["response_data"]))
			if same, diags := got.StringSemanticEquals(t.Context(), jsontypes.NewNormalizedValue(a.data)); diags.HasError() || !same {
				return fmt.Errorf("%s.response_data is %s, want %s", addr, got.ValueString(), a.data)
			}
			return nil
		}))
	}
	checks = append(checks,
		statecheck.ExpectKnownValue("data.hitl_request.boolean", tfjsonpath.New("default_response"), knownvalue.StringExact("false")),
		statecheck.ExpectKnownValue("data.hitl_request.boolean", tfjsonpath.New("response_config").AtMapKey("true_label"), knownvalue.StringExact("Deploy")),
		statecheck.ExpectKnownValue("data.hitl_request.number", tfjsonpath.New("response_config").AtMapKey("decimal_places"), knownvalue.Int64Exact(2)),
		statecheck.ExpectKnownValue("data.hitl_request.number", tfjsonpath.New("response_config").AtMapKey("suffix"), knownvalue.StringExact(" USD")),
		statecheck.ExpectKnownValue("data.hitl_request.rating", tfjsonpath.New("response_config").AtMapKey("labels"),
			knownvalue.MapExact(map[string]knownvalue.Check{"1": knownvalue.StringExact("Poor"), "5": knownvalue.StringExact("Excellent")})),
		statecheck.ExpectKnownValue("data.hitl_request.multi_select", tfjsonpath.New("response_config").AtMapKey("max_selections"), knownvalue.Int64Exact(2)),
	)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:            s.providerBlock() + fmt.Sprintf(responseTypeRequests, loopID),
			ConfigStateChecks: checks,
		}},
	})
}

// booleanGateConfig is a go/no-go request with labelled answers that
// approves only true, in front of a deploy.
func booleanGateConfig(s *testServer, loopID string) string {
	return s.providerBlock() + fmt.Sprintf(`
resource "hitl_request" "gate" {
  loop_id           = %q
  request_text      = "Deploy **v1.4.2** to production?"
  timeout_seconds   = 600
  response_type     = "boolean"
  response_config   = { true_label = "Deploy", false_label = "Hold" }
  default_response  = "false"
  wait_for_response = true
  approve_values    = ["true"]
}

resource "terraform_data" "deploy" {
  input      = "v1.4.2"
  depends_on = [hitl_request.gate]
}
`, loopID)
}

// A boolean go/no-go gate: false stops the apply with the answer quoted by
// its label, and true lets it go on.
func TestAccRequestResource_booleanGate(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	answerAfter(s, false, 200*time.Millisecond)
	cfg := booleanGateConfig(s, loopID)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ExpectError: regexp.MustCompile(`(?s)Review request not approved.*answered\s+"false"\s+\(Hold\).*` +
					`approve_values\s+accepts\s+only\s+"true"`),
			},
			{
				PreConfig: func() { answerAfter(s, true, 200*time.Millisecond) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(gateAddr, plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("response"), knownvalue.StringExact("true")),
					statecheck.ExpectKnownValue(gateAddr, tfjsonpath.New("response_data"),
						knownvalue.StringExact(`{"boolean":true,"boolean_label":"Deploy"}`)),
					statecheck.ExpectKnownValue("terraform_data.deploy", tfjsonpath.New("output"), knownvalue.StringExact("v1.4.2")),
					stateCheckFunc(func(*tfjson.State) error {
						// The default response went out as JSON false, not "false".
						for _, q := range s.Requests() {
							if q.DefaultResponse != false {
								return fmt.Errorf("request %s has default_response %#v, want false", q.ID, q.DefaultResponse)
							}
						}
						return expectServerStatuses(s, "completed", "completed")
					}),
				},
			},
		},
	})
}

// A boolean hitl_approval: true approves, false rejects, and both the
// progress and the error quote the answer by its label.
func TestAccApprovalAction_boolean(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	s.SetAutoResponder(func(q emulator.Request) (any, time.Duration, bool) {
		return strings.Contains(q.RequestText, "v1.4.2"), 200 * time.Millisecond, true
	})
	extra := `    response_type = "boolean"
    true_label    = "Ship it"`

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   actionVersionChecks,
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: approvalConfig(s, loopID, "v1.4.2", extra),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("terraform_data.deploy", tfjsonpath.New("output"), knownvalue.StringExact("v1.4.2")),
					stateCheckFunc(func(*tfjson.State) error {
						q := s.Requests()[0]
						type held struct {
							Status, ResponseType                          string
							DefaultResponse, ResponseConfig, ResponseData any
						}
						want := held{"completed", "boolean", false,
							map[string]any{"false_label": "Reject", "true_label": "Ship it"},
							map[string]any{"boolean": true, "boolean_label": "Ship it"}}
						got := held{q.Status, q.ResponseType, q.DefaultResponse, q.ResponseConfig, q.ResponseData}
						if diff := cmp.Diff(want, got); diff != "" {
							return fmt.Errorf("the server's request differs (-want +got):\n%s", diff)
						}
						return nil
					}),
				},
			},
			{
				Config:      approvalConfig(s, loopID, "v1.5.0", extra),
				ExpectError: regexp.MustCompile(`(?s)Change not approved.*answered\s+"false"\s+\(Reject\).*accepts\s+only\s+"true"`),
			},
			{
				Config:             approvalConfig(s, loopID, "v1.5.0", extra),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					expectPriorDeploy("v1.4.2"),
					planCheckFunc(func(*tfjson.Plan) error {
						return expectServerRequests(s, "completed=map[boolean:true boolean_label:Ship it]",
							"completed=map[boolean:false boolean_label:Reject]")
					}),
				}},
			},
		},
	})
}

// Each documented limit of the response types fails the plan, in one plan,
// without an API call.
func TestAccRequestResource_responseTypeLimits(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, emulator.Config{})
	const loopID = "65f1234567890abcdef12345"
	request := func(responseType, body string) string {
		return fmt.Sprintf("resource \"hitl_request\" \"r\" {\n  loop_id = %q\n  request_text = \"Ok?\"\n  timeout_seconds = 60\n"+
			"  response_type = %q\n%s\n}\n", loopID, responseType, body)
	}
	number := func(body string) string { return request("number", body) }
	boolean := func(body string) string { return request("boolean", body) }
	multi := func(body string) string {
		return request("multi_select", `  response_config = {
    options = [{ value = "a" }, { value = "b" }, { value = "c" }]
`+body+"\n  }")
	}
	var many []string
	for i := range 21 {
		many = append(many, fmt.Sprintf("{ value = \"o%d\" }", i))
	}
	cases := []invalidBlock{
		{"21 options", request("single_select", "  response_config = { options = ["+strings.Join(many, ", ")+"] }"),
			phrase("options list must contain at least 1 elements and at most 20 elements")},
		{"text max_length 5001", request("text", "  response_config = { max_length = 5001 }"), phrase("max_length value must be between 1 and 5000, got: 5001")},
		{"text max_length 0", request("text", "  response_config = { max_length = 0 }"), phrase("max_length value must be between 1 and 5000, got: 0")},
		// Terraform drops attributes an object does not have, so the old
		// names leave max_value missing.
		{"number with the old names", number("  response_config = { min = 1, max = 10 }"), phrase("Missing max_value")},
		{"number without response_config", number(""), phrase("Missing max_value")},
		{"number without max_value", number("  response_config = { min_value = 1 }"), phrase("Missing max_value")},
		{"number decimal_places 11", number("  response_config = { max_value = 10, decimal_places = 11 }"),
			phrase("decimal_places value must be between 0 and 10, got: 11")},
		{"number negative min_value", number("  response_config = { min_value = -5, max_value = 10 }"), phrase("Negative min_value")},
		{"number default above max_value", number("  response_config = { max_value = 10 }\n  default_response = \"10.5\""),
			phrase("10.5 is above max_value (10).")},
		{"number default below the default min_value", number("  response_config = { max_value = 10, allow_negative = true }\n  default_response = \"-1\""),
			phrase("-1 is below min_value (0, the default).")},
		{"number default negative", number("  response_config = { min_value = 0, max_value = 10 }\n  default_response = \"-1\""),
			phrase("-1 is negative, which a number request accepts only with allow_negative = true.")},
		{"number default with too many decimals", number("  response_config = { max_value = 10 }\n  default_response = \"1.125\""),
			phrase("1.125 has 3 decimal places, and decimal_places allows 2, the default.")},
		{"number approve value with decimals", number("  response_config = { max_value = 10, decimal_places = 0 }\n  wait_for_response = true\n  approve_values = [\"2.5\"]"),
			phrase("2.5 has 1 decimal places, and decimal_places allows 0.")},
		{"boolean default not a boolean", boolean("  default_response = \"no\""), phrase(`"no" is not a boolean; a boolean answer is true or false.`)},
		{"boolean approve value that is a label", boolean("  response_config = { true_label = \"Deploy\" }\n  wait_for_response = true\n  approve_values = [\"Deploy\"]"),
			phrase(`"Deploy" is not a boolean`)},
		{"boolean label too long", boolean(fmt.Sprintf("  response_config = { true_label = %q }", strings.Repeat("é", 101))),
			phrase("true_label UTF-8 character count must be between 1 and 100, got: 101")},
		{"boolean color", boolean("  response_config = { false_color = \"red\" }"), phrase("must be a hex color such as #16a34a")},
		{"boolean setting on a number", number("  response_config = { max_value = 10, true_label = \"Yes\" }"),
			phrase("response_config.true_label is a setting of boolean requests")},
		{"options on a boolean", boolean("  response_config = { options = [{ value = \"yes\" }] }"),
			phrase("response_config.options is a setting of single_select and multi_select requests")},
		{"min_selections above max_selections", multi("    min_selections = 3\n    max_selections = 2"),
			phrase("min_selections (3) must not be greater than max_selections (2).")},
		{"max_selections above the options", multi("    max_selections = 4"), phrase("max_selections is 4, but there are only 3 options.")},
		{"default selecting too many", strings.Replace(multi("    max_selections = 1"), "\n}", "\n  default_response = \"a,b\"\n}", 1),
			phrase(`"a,b" selects 2 options, more than max_selections (1).`)},
		{"rating label not a number", request("rating", "  response_config = { labels = { best = \"Excellent\" } }"),
			phrase(`"best" is not a number`)},
		{"rating label off the scale", request("rating", "  response_config = { scale_min = 1, scale_max = 5, labels = { \"6\" = \"Wow\" } }"),
			phrase("labels has a label for 6, which is outside the scale")},
	}
	expectPlanErrors(t, s.providerBlock(), cases)
	if n := s.TotalCalls(); n != 0 {
		t.Errorf("validation made %d API calls (%v), want none", n, s.Calls())
	}
}

// A boolean hitl_approval is checked at plan time like a select one.
func TestAccApprovalAction_booleanPlanTimeValidation(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	const loopID = "65f1234567890abcdef12345"
	with := func(extra string) string { return approvalConfig(s, loopID, "v1.4.2", extra) }
	cases := []struct {
		config string
		err    *regexp.Regexp
	}{
		{with("    response_type = \"boolean\"\n    options = [{ value = \"approve\" }]"), phrase("Options of a boolean approval")},
		{with("    response_type = \"boolean\"\n    approve_values = [\"yes\"]"), phrase(`"yes" is not a boolean`)},
		{with("    response_type = \"boolean\"\n    default_response = \"reject\""), phrase(`"reject" is not a boolean`)},
		{with("    true_label = \"Ship it\""), phrase(`true_label labels an answer of a boolean approval, but response_type is "single_select" (the default)`)},
		{with("    response_type = \"rating\""), phrase("response_type value must be one of")},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.config, ExpectError: c.err, PlanOnly: true})
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   actionVersionChecks,
		ProtoV6ProviderFactories: testProviderFactories,
		Steps:                    steps,
	})
	if n := s.TotalCalls(); n != 0 {
		t.Errorf("validation made %d API calls (%v), want none", n, s.Calls())
	}
}

// examples/resources/hitl_request/response-types.tf, one request of each
// response type: the boolean gate waits for its "true", the others are
// sent and left pending.
func TestAccRequestResource_responseTypesExample(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	s.SetAutoResponder(func(q emulator.Request) (any, time.Duration, bool) {
		return true, 200 * time.Millisecond, q.ResponseType == "boolean"
	})
	dir := composeExamples(t, s, "provider/provider.tf", "resources/hitl_loop/resource.tf", "resources/hitl_request/response-types.tf")
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("hitl_request.go_no_go", tfjsonpath.New("response"), knownvalue.StringExact("true")),
		stateCheckFunc(func(*tfjson.State) error {
			var types []string
			for _, q := range s.Requests() {
				types = append(types, q.ResponseType+"="+q.Status)
			}
			// Terraform creates them in parallel, in any order.
			slices.Sort(types)
			want := "boolean=completed multi_select=pending number=pending rating=pending single_select=pending text=pending"
			if got := strings.Join(types, " "); got != want {
				return fmt.Errorf("the server holds %s, want %s", got, want)
			}
			return nil
		}),
	}
	for _, name := range []string{"publish", "violations", "article_quality", "incident_summary", "price", "go_no_go"} {
		checks = append(checks, expectRequestOnServer(s, "hitl_request."+name))
	}

	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testProviderFactories,
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigStateChecks:        checks,
		}},
	})
}
