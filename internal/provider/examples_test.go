package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
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

// These tests run the repository's examples, unchanged, through the real
// terraform CLI against the test server, so that the examples in the
// README and the generated documentation are known to work. An override
// file points the provider at the test's own server, where a user would
// set HITL_BASE_URL and HITL_API_KEY; the provider factories are given to
// each step rather than to the test case because the examples hold their
// own provider block, which terraform-plugin-testing counts as step-level
// providers. examples/quickstart uses for_each, which
// terraform-plugin-testing cannot read back from state, so
// internal/cmd/hitl-demo runs it the way make demo does instead. The
// examples of the gates are tested beside the gates' other tests
// (request_resource_test.go, approval_action_test.go).

// createContentModeration creates, outside Terraform, the loop that the
// import examples bring in, and returns its id.
func createContentModeration(t *testing.T, s *testServer) string {
	t.Helper()
	return s.createLoopOutside(t, s.APIKey(), hitl.CreateLoopInput{
		Name:        "Content Moderation",
		Description: "Review user posts that the automatic filter flagged: approve, remove or escalate.",
		Icon:        "shield-check",
	})
}

// expectLoopsOnServer checks the names of the loops the server holds.
func expectLoopsOnServer(s *testServer, names ...string) statecheck.StateCheck {
	return stateCheckFunc(func(*tfjson.State) error {
		var got []string
		for _, l := range s.Loops() {
			got = append(got, l.Name)
		}
		slices.Sort(got)
		want := slices.Clone(names)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("the server holds loops %q, want %q", got, want)
		}
		return nil
	})
}

// importingLoop is an edit for composeExample: it replaces the example id
// in the import example file with loopID, the id of a loop that exists.
func importingLoop(t *testing.T, file, loopID string) func(name, content string) string {
	const exampleID = "65f1234567890abcdef12345"
	return func(name, content string) string {
		if name != file {
			return content
		}
		if !strings.Contains(content, exampleID) {
			t.Fatalf("%s no longer holds the id %s; update this test", name, exampleID)
		}
		return strings.ReplaceAll(content, exampleID, loopID)
	}
}

// importedLoopStep applies dir, which imports the existing loop loopID as
// addr, and checks the documented outcome: nothing to change, the loop's id
// in state, no invite code, and the server still holds just that loop; and
// any further checks.
func importedLoopStep(s *testServer, dir, addr, loopID string, checks ...statecheck.StateCheck) resource.TestStep {
	return resource.TestStep{
		ProtoV6ProviderFactories: testProviderFactories,
		ConfigDirectory:          config.StaticDirectory(dir),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
		}},
		ConfigStateChecks: append([]statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(loopID)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("invite_code"), knownvalue.Null()),
			expectLoopsOnServer(s, "Content Moderation"),
		}, checks...),
	}
}

// TestAccExample_providerAndLoop runs examples/provider/provider.tf with
// examples/resources/hitl_loop/resource.tf, then imports the loop the way
// import.sh does.
func TestAccExample_providerAndLoop(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	dir := composeEditedExamples(t, s, nil, "provider/provider.tf", "resources/hitl_loop/resource.tf")
	const addr = "hitl_loop.content_moderation"

	resource.ParallelTest(t, resource.TestCase{
		CheckDestroy: checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: testProviderFactories,
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(hexID)),
					statecheck.ExpectKnownOutputValue("content_moderation_join_url", knownvalue.StringRegexp(joinURL)),
					statecheck.ExpectKnownOutputValue("content_moderation_invite_code", knownvalue.StringRegexp(inviteCode)),
					expectLoopsOnServer(s, "Content Moderation"),
				},
			},
			{
				ProtoV6ProviderFactories: testProviderFactories,
				ConfigDirectory:          config.StaticDirectory(dir),
				ResourceName:             addr,
				ImportState:              true,
				ImportStateVerify:        true,
				// As the documentation says: only the create response
				// carries these.
				ImportStateVerifyIgnore: []string{"invite_code", "join_url", "qr_code_url", "qr_code_base64"},
			},
		},
	})
}

// TestAccExample_importBlock imports an existing loop with
// examples/resources/hitl_loop/import-by-block.tf, its id replaced by the
// loop's, and checks the documented outcome: nothing to change, and no
// invite code or join URL in state.
func TestAccExample_importBlock(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := createContentModeration(t, s)
	dir := composeEditedExamples(t, s, importingLoop(t, "resources/hitl_loop/import-by-block.tf", loopID),
		"provider/provider.tf", "resources/hitl_loop/resource.tf", "resources/hitl_loop/import-by-block.tf")
	const addr = "hitl_loop.content_moderation"

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		CheckDestroy:           checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			importedLoopStep(s, dir, addr, loopID,
				statecheck.ExpectKnownValue(addr, tfjsonpath.New("join_url"), knownvalue.Null())),
		},
	})
}

// TestAccExample_importByIdentity imports an existing loop with
// examples/resources/hitl_loop/import-by-identity.tf, its id replaced by
// the loop's: nothing to change, the identity in state, and an empty plan
// once the import block is gone.
func TestAccExample_importByIdentity(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := createContentModeration(t, s)
	edit := importingLoop(t, "resources/hitl_loop/import-by-identity.tf", loopID)
	files := []string{"provider/provider.tf", "resources/hitl_loop/resource.tf"}
	dir := composeEditedExamples(t, s, edit, append(files, "resources/hitl_loop/import-by-identity.tf")...)
	withoutImport := composeEditedExamples(t, s, edit, files...)
	const addr = "hitl_loop.content_moderation"

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:           checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			importedLoopStep(s, dir, addr, loopID,
				statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"id": knownvalue.StringExact(loopID)})),
			{
				ProtoV6ProviderFactories: testProviderFactories,
				ConfigDirectory:          config.StaticDirectory(withoutImport),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// TestAccExample_memberPolicy runs examples/resources/hitl_loop_member_policy
// with the loop example it protects: a stranger who joins is planned for
// removal and removed, and the allowed contractor stays.
func TestAccExample_memberPolicy(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	dir := composeEditedExamples(t, s, nil, "provider/provider.tf", "resources/hitl_loop/resource.tf",
		"resources/hitl_loop_member_policy/resource.tf")
	const addr = "hitl_loop_member_policy.content_moderation"
	join := func(email string) {
		loops := s.Loops()
		if len(loops) != 1 {
			t.Fatalf("%d loops on the emulator, want 1", len(loops))
		}
		if _, err := s.AddMember(loops[0].ID, email, "active"); err != nil {
			t.Fatal(err)
		}
	}
	members := func(want ...string) statecheck.StateCheck {
		return stateCheckFunc(func(state *tfjson.State) error {
			return expectServerMembers(s, s.Loops()[0].ID, want...)(state)
		})
	}

	resource.ParallelTest(t, resource.TestCase{
		CheckDestroy: checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: testProviderFactories,
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("content_moderation_strangers", knownvalue.SetExact(nil)),
				},
			},
			{
				PreConfig: func() {
					join("contractor@partner.io")
					join("stranger@elsewhere.test")
				},
				ProtoV6ProviderFactories: testProviderFactories,
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("unexpected_members"), knownvalue.SetExact(nil)),
					members("owner@example.com", "contractor@partner.io"),
				},
			},
		},
	})
}

// TestAccExample_loopMembers runs examples/data-sources/hitl_loop_members,
// its loop id replaced by an existing loop's.
func TestAccExample_loopMembers(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	loopID := createContentModeration(t, s)
	if _, err := s.AddMember(loopID, "new@example.com", "pending"); err != nil {
		t.Fatal(err)
	}
	const file = "data-sources/hitl_loop_members/data-source.tf"
	dir := composeEditedExamples(t, s, importingLoop(t, file, loopID), "provider/provider.tf", file)
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testProviderFactories,
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("moderation_members", knownvalue.MapExact(map[string]knownvalue.Check{
					"owner@example.com": knownvalue.StringExact("active"),
					"new@example.com":   knownvalue.StringExact("pending"),
				})),
				statecheck.ExpectKnownOutputValue("moderation_pending", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("new@example.com"),
				})),
			},
		}},
	})
}
