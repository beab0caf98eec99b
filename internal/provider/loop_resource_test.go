package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// minimalLoop follows a hand-written provider block in tests of the
// provider's configuration.
const minimalLoop = `
resource "hitl_loop" "test" {
  name = "x"
  icon = "star"
}
`

func loopConfig(s *testServer, name, description, icon string) string {
	desc := ""
	if description != "" {
		desc = fmt.Sprintf("  description = %q\n", description)
	}
	return s.providerBlock() + fmt.Sprintf(`
resource "hitl_loop" "test" {
  name = %q
%s  icon = %q
}
`, name, desc, icon)
}

func TestAccLoopResource_lifecycle(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	const addr = "hitl_loop.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				Config: loopConfig(s, "Content Moderation", "Review flagged posts", "shield-exclamation"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(hexID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Content Moderation")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("Review flagged posts")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("icon"), knownvalue.StringExact("shield-exclamation")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invite_code"), knownvalue.StringRegexp(inviteCode)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("join_url"), knownvalue.StringRegexp(joinURL)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("qr_code_url"), knownvalue.StringRegexp(qrCodeURL)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("qr_code_base64"), knownvalue.StringRegexp(qrCodeDataURI)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("member_count"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("pending_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("members"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"email":     knownvalue.StringExact("owner@example.com"),
							"status":    knownvalue.StringExact("active"),
							"joined_at": knownvalue.NotNull(),
						}),
					})),
					expectLoopOnServer(s, addr),
					expectLoopCount(s, 1),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateVerify: true,
				// Only the create response carries these.
				ImportStateVerifyIgnore: []string{"invite_code", "join_url", "qr_code_url", "qr_code_base64"},
			},
			{
				// A changed name and description update the loop in place.
				Config: loopConfig(s, "Content Moderation (EU)", "Review flagged posts\nfrom EU users", "shield-exclamation"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("updated_at")),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(hexID)),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("invite_code"), knownvalue.StringRegexp(inviteCode)),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("member_count"), knownvalue.Int64Exact(1)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact("Content Moderation (EU)")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invite_code"), knownvalue.StringRegexp(inviteCode)),
					expectLoopOnServer(s, addr),
					expectLoopCount(s, 1),
				},
			},
			{
				// Removing the description clears it, and then stays quiet
				// (after each apply, the framework plans again and fails
				// on any change).
				Config: loopConfig(s, "Content Moderation (EU)", "", "flag"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("icon"), knownvalue.StringExact("flag")),
					expectLoopOnServer(s, addr),
				},
			},
		},
	})

	// Every call named the provider and the Terraform version that ran it.
	agents := s.userAgents()
	want := regexp.MustCompile(`^terraform-provider-hitl/test \(\+https://registry\.terraform\.io/providers/hitl-sh/hitl\) Terraform/1\.\d+\.\d+(-[0-9A-Za-z.]+)?$`)
	if len(agents) != 1 || !want.MatchString(agents[0]) {
		t.Errorf("User-Agent headers %q, want exactly one that matches %s", agents, want)
	}
}

// An explicitly empty description and an absent one are the same loop:
// after the first apply the framework's own re-plan of the explicit
// spelling is empty, and so is the plan of the absent one.
func TestAccLoopResource_emptyDescription(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	explicit := s.providerBlock() + `
resource "hitl_loop" "test" {
  name        = "QA"
  description = ""
  icon        = "beaker"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{Config: explicit},
			{
				Config: loopConfig(s, "QA", "", "beaker"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// Names are limited in characters, not bytes: 100 two-byte characters fit.
func TestAccLoopResource_multibyteName(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	name := strings.Repeat("é", 100)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{{
			Config: loopConfig(s, name, strings.Repeat("ü", 500), "star"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("hitl_loop.test", tfjsonpath.New("name"), knownvalue.StringExact(name)),
				expectLoopOnServer(s, "hitl_loop.test"),
			},
		}},
	})
}

// Every documented limit fails at plan time, before any API call.
func TestAccLoopResource_invalidInput(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, emulator.Config{})
	loop := func(name, description, icon string) string {
		return strings.TrimPrefix(loopConfig(s, name, description, icon), s.providerBlock())
	}
	expectPlanErrors(t, s.providerBlock(), []invalidBlock{
		{"empty name", loop("", "", "star"), phrase(`name UTF-8 character count must be between 1 and 100, got: 0`)},
		{"long name", loop(strings.Repeat("n", 101), "", "star"), phrase(`name UTF-8 character count must be between 1 and 100, got: 101`)},
		{"long multibyte name", loop(strings.Repeat("名", 101), "", "star"), phrase(`name UTF-8 character count must be between 1 and 100, got: 101`)},
		{"long description", loop("ok", strings.Repeat("d", 501), "star"), phrase(`description UTF-8 character count must be at most 500, got: 501`)},
		{"empty icon", loop("ok", "", ""), phrase(`icon UTF-8 character count must be between 1 and 100, got: 0`)},
		{"long icon", loop("ok", "", strings.Repeat("i", 101)), phrase(`icon UTF-8 character count must be between 1 and 100, got: 101`)},
	})
	if n := s.TotalCalls(); n != 0 {
		t.Errorf("invalid input made %d API calls (%v), want none", n, s.Calls())
	}
}

func TestAccLoopResource_wrongAPIKey(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	cfg := fmt.Sprintf(acctest.RequiredProviders+`
provider "hitl" {
  base_url = %q
  api_key  = "hitl_not-the-right-key"
}
`, s.URL) + minimalLoop
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Error creating loop.*401.*Invalid API key.*did not accept the API key`),
		}},
	})
	if n := len(s.Loops()); n != 0 {
		t.Errorf("a rejected key created %d loops", n)
	}
}

func TestAccProvider_missingAPIKey(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	cfg := fmt.Sprintf(acctest.RequiredProviders+`
provider "hitl" {
  base_url = %q
}
`, s.URL) + minimalLoop
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Missing HITL API key.*api_key.*HITL_API_KEY`),
		}},
	})
}

func TestAccProvider_plainHTTPToRemoteHostRefused(t *testing.T) {
	cfg := acctest.RequiredProviders + `
provider "hitl" {
  base_url = "http://api.example.com/v1"
  api_key  = "hitl_0123456789"
}
` + minimalLoop
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`(?s)Invalid HITL base URL.*plain http.*clear text`),
		}},
	})
}

// The documented icons are advice: another icon is passed to the API with
// a warning, and a timeouts block is accepted without affecting the loop.
func TestAccLoopResource_undocumentedIconAndTimeouts(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	cfg := s.providerBlock() + `
resource "hitl_loop" "test" {
  name = "Launch reviews"
  icon = "rocket"

  timeouts {
    create = "2m"
    read   = "30s"
  }
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("hitl_loop.test", tfjsonpath.New("icon"), knownvalue.StringExact("rocket")),
					statecheck.ExpectKnownValue("hitl_loop.test", tfjsonpath.New("timeouts"), knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"create": knownvalue.StringExact("2m"),
						"read":   knownvalue.StringExact("30s"),
					})),
					expectLoopOnServer(s, "hitl_loop.test"),
				},
			},
		},
	})
}

// A provider setting that is known only after apply (here an API key that
// another resource produces) still lets the plan succeed; apply configures
// the provider once the value is known.
func TestAccProvider_configUnknownDuringPlan(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	cfg := fmt.Sprintf(acctest.RequiredProviders+`
resource "terraform_data" "key" {
  input = %q
}

provider "hitl" {
  base_url = %q
  api_key  = terraform_data.key.output
}

resource "hitl_loop" "test" {
  name = "Late key"
  icon = "key"
}
`, s.APIKey(), s.URL)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("hitl_loop.test", plancheck.ResourceActionCreate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectLoopOnServer(s, "hitl_loop.test"),
				expectLoopCount(s, 1),
			},
		}},
	})
}
