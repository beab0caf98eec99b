package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// The data source reads back what the resource sent and recorded: every
// shared attribute has the same value in both.
func TestAccRequestDataSource_matchesResource(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	answerAfter(s, "approve", 300*time.Millisecond)
	const dataAddr = "data.hitl_request.read"
	cfg := gateConfig(s, loopID, `
  priority          = "high"
  default_response  = "reject"
  context           = jsonencode({ release = "v1.4.2", services = ["api", "web"], canary = true })
  tags              = ["deploy", "production"]
  callback_url      = "https://hooks.example.com/hitl"
  wait_for_response = true`, `
data "hitl_request" "read" {
  id = hitl_request.gate.id
}
`)
	var checks []statecheck.StateCheck
	for _, attr := range []string{
		"id", "loop_id", "request_text", "priority", "processing_type", "timeout_seconds", "type", "image_url",
		"response_type", "response_config", "default_response", "context", "tags", "callback_url",
		"status", "timeout_at", "created_at", "broadcasted_to", "response_data", "response", "response_by", "response_at",
	} {
		checks = append(checks, statecheck.CompareValuePairs(gateAddr, tfjsonpath.New(attr), dataAddr, tfjsonpath.New(attr), compare.ValuesSame()))
	}
	checks = append(checks,
		// Not vacuous: the values compared are the real ones.
		statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("response"), knownvalue.StringExact("approve")),
		statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("context"),
			knownvalue.StringExact(`{"canary":true,"release":"v1.4.2","services":["api","web"]}`)),
		statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("response_config").AtMapKey("options"), knownvalue.ListExact([]knownvalue.Check{
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"value": knownvalue.StringExact("approve"), "label": knownvalue.Null(), "color": knownvalue.Null(),
			}),
			knownvalue.ObjectExact(map[string]knownvalue.Check{
				"value": knownvalue.StringExact("reject"), "label": knownvalue.StringExact("Reject"), "color": knownvalue.StringExact("#dc2626"),
			}),
		})),
		expectRequestOnServer(s, dataAddr),
	)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkServerStatusesAfterDestroy(s, "completed"),
		Steps:                    []resource.TestStep{{Config: cfg, ConfigStateChecks: checks}},
	})
}

// A request sent by another application: deferred, a rating with a numeric
// default and answer.
func TestAccRequestDataSource_requestFromElsewhere(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	c, err := hitl.New(s.APIKey(), hitl.WithBaseURL(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	one, five, half := 1.0, 5.0, 0.5
	created, err := c.CreateRequest(context.Background(), loopID, hitl.CreateRequestInput{
		ProcessingType: "deferred", Type: "image", ImageURL: "https://example.com/banner.png", Priority: "low",
		RequestText: "Rate the new banner", ResponseType: "rating",
		ResponseConfig:  &hitl.ResponseConfig{ScaleMin: &one, ScaleMax: &five, ScaleStep: &half},
		DefaultResponse: json.RawMessage(`3`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RespondToRequest(created.RequestID, 4.5); err != nil {
		t.Fatal(err)
	}
	const dataAddr = "data.hitl_request.banner"
	cfg := s.providerBlock() + fmt.Sprintf(`
data "hitl_request" "banner" {
  id = %q
}
`, created.RequestID)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("processing_type"), knownvalue.StringExact("deferred")),
				statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("timeout_seconds"), knownvalue.Int64Exact(30*24*3600)),
				statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("type"), knownvalue.StringExact("image")),
				statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("image_url"), knownvalue.StringExact("https://example.com/banner.png")),
				statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("default_response"), knownvalue.StringExact("3")),
				statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("response"), knownvalue.StringExact("4.5")),
				statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("response_data"), knownvalue.StringExact("4.5")),
				statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("response_config"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"options":    knownvalue.Null(),
					"scale_min":  knownvalue.Float64Exact(1),
					"scale_max":  knownvalue.Float64Exact(5),
					"scale_step": knownvalue.Float64Exact(0.5),
					"min_value":  knownvalue.Null(),
				})),
				statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("tags"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("context"), knownvalue.Null()),
				statecheck.ExpectKnownValue(dataAddr, tfjsonpath.New("callback_url"), knownvalue.Null()),
				expectRequestOnServer(s, dataAddr),
			},
		}},
	})
}

// examples/data-sources/hitl_request/data-source.tf reads a request sent
// elsewhere; its check warns, without failing, while there is no answer.
func TestAccRequestDataSource_documentationExample(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	c, err := hitl.New(s.APIKey(), hitl.WithBaseURL(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.CreateRequest(context.Background(), loopID, hitl.CreateRequestInput{
		ProcessingType: "time-sensitive", TimeoutSeconds: 300, Type: "markdown", Priority: "high",
		RequestText: "Refund order 1042?", ResponseType: "text",
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := composeExamples(t, s, "provider/provider.tf", "data-sources/hitl_request/data-source.tf")
	step := func(status string, answer knownvalue.Check) resource.TestStep {
		return resource.TestStep{
			ProtoV6ProviderFactories: testProviderFactories,
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigVariables:          config.Variables{"request_id": config.StringVariable(created.RequestID)},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("review_status", knownvalue.StringExact(status)),
				statecheck.ExpectKnownValue("data.hitl_request.review", tfjsonpath.New("response"), answer),
				expectRequestOnServer(s, "data.hitl_request.review"),
			},
		}
	}
	answered := step("completed", knownvalue.StringExact("Yes, the parcel was lost."))
	answered.PreConfig = func() {
		if err := s.RespondToRequest(created.RequestID, "Yes, the parcel was lost."); err != nil {
			t.Fatal(err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{step("pending", knownvalue.Null()), answered},
	})
}

// A deferred text request with neither response_config nor timeout_seconds:
// the API takes it (the provider sends the empty response_config the
// documented body has), and the data source reads the 30-day deadline the
// API gave it, which the request object shows only in timeout_at.
func TestAccRequestDataSource_deferredTextWithoutSettings(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	cfg := s.providerBlock() + fmt.Sprintf(`
resource "hitl_request" "note" {
  loop_id         = %q
  processing_type = "deferred"
  request_text    = "What should the release notes say about v1.4.2?"
  response_type   = "text"
}

data "hitl_request" "note" {
  id = hitl_request.note.id
}
`, loopID)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkServerStatusesAfterDestroy(s, "cancelled"),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("hitl_request.note", tfjsonpath.New("status"), knownvalue.StringExact("pending")),
				statecheck.ExpectKnownValue("hitl_request.note", tfjsonpath.New("timeout_seconds"), knownvalue.Null()),
				statecheck.ExpectKnownValue("data.hitl_request.note", tfjsonpath.New("timeout_seconds"), knownvalue.Int64Exact(30*24*3600)),
				statecheck.ExpectKnownValue("data.hitl_request.note", tfjsonpath.New("response_config"), knownvalue.Null()),
				expectRequestOnServer(s, "hitl_request.note"),
				stateCheckFunc(func(*tfjson.State) error {
					qs := s.Requests()
					if len(qs) != 1 || qs[0].ResponseType != "text" || fmt.Sprint(qs[0].ResponseConfig) != "map[]" ||
						!qs[0].TimeoutAt.Equal(qs[0].CreatedAt.Add(30*24*time.Hour)) {
						return fmt.Errorf("the server holds %+v, want one text request with an empty response_config and a 30-day deadline", qs)
					}
					return nil
				}),
			},
		}},
	})
}
