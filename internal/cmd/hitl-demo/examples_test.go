package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/devenv"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
	"github.com/hitl-sh/terraform-provider-hitl/internal/provider"
)

// These tests run the repository's examples, unchanged, through the real
// terraform CLI against an emulator, so that the examples in the README and
// the generated documentation are known to work. The provider runs
// in-process; an override file points it at the test's own emulator, where
// a user would set HITL_BASE_URL and HITL_API_KEY. examples/quickstart uses for_each, which
// terraform-plugin-testing cannot read back from state, so demo_test.go
// runs it the way make demo does instead.

var (
	hexID         = regexp.MustCompile(`^[0-9a-f]{24}$`)
	inviteCode    = regexp.MustCompile(`^[A-Z0-9]{9}$`)
	joinURL       = regexp.MustCompile(`^https://my\.hitl\.sh/join/[A-Z0-9]{9}$`)
	qrCodeDataURI = regexp.MustCompile(`^data:image/png;base64,iVBORw0KGgo`)
)

// exampleServer is an emulator on a random loopback port, stopped when the
// test ends. Each test has its own, so the tests run in parallel.
type exampleServer struct {
	*emulator.Emulator
	URL string // the API root, as base_url takes it
}

func startEmulator(t *testing.T) *exampleServer {
	t.Helper()
	e := emulator.New(emulator.Config{})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &exampleServer{Emulator: e, URL: srv.URL + "/v1"}
}

// providerFactories serve the provider in-process. They are given to each
// step rather than to the test case because the examples hold their own
// provider block, which terraform-plugin-testing counts as step-level
// providers.
func providerFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"hitl": providerserver.NewProtocol6WithError(provider.New("test")()),
	}
}

// createContentModeration creates, outside Terraform, the loop that the
// import examples bring in.
func (s *exampleServer) createContentModeration(t *testing.T) *hitl.CreatedLoop {
	t.Helper()
	client, err := hitl.New(s.APIKey(), hitl.WithBaseURL(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	created, err := client.CreateLoop(t.Context(), hitl.CreateLoopInput{
		Name:        "Content Moderation",
		Description: "Review user posts that the automatic filter flagged: approve, remove or escalate.",
		Icon:        "shield-check",
	})
	if err != nil {
		t.Fatal(err)
	}
	return created
}

// exampleDir returns the absolute path of a directory under examples/.
func exampleDir(t *testing.T, rel string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := devenv.FindModuleRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "examples", filepath.FromSlash(rel))
}

// composeExample copies files from examples/ into a fresh directory, the
// way a user combines the snippets of the documentation, with the provider
// pointed at s. edit, when not nil, may change a file's content.
func (s *exampleServer) composeExample(t *testing.T, edit func(name, content string) string, files ...string) string {
	t.Helper()
	return acctest.ComposeExamples(t, exampleDir(t, "."), s.URL, s.APIKey(), edit, files...)
}

// serverCheck adapts a check of the emulator to statecheck.StateCheck.
type serverCheck func() error

func (f serverCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// expectLoopsOnServer checks the names of the loops the emulator holds.
func expectLoopsOnServer(e *emulator.Emulator, names ...string) statecheck.StateCheck {
	return serverCheck(func() error {
		var got []string
		for _, l := range e.Loops() {
			got = append(got, l.Name)
		}
		slices.Sort(got)
		want := slices.Clone(names)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			return fmt.Errorf("the emulator holds loops %q, want %q", got, want)
		}
		return nil
	})
}

func checkNoLoopsLeft(e *emulator.Emulator) func(*terraform.State) error {
	return func(*terraform.State) error {
		if n := len(e.Loops()); n != 0 {
			return fmt.Errorf("destroy left %d loop(s) on the emulator", n)
		}
		return nil
	}
}

// TestAccExample_providerAndLoop runs examples/provider/provider.tf with
// examples/resources/hitl_loop/resource.tf, then imports the loop the way
// import.sh does.
func TestAccExample_providerAndLoop(t *testing.T) {
	e := startEmulator(t)
	dir := e.composeExample(t, nil, "provider/provider.tf", "resources/hitl_loop/resource.tf")
	const addr = "hitl_loop.content_moderation"

	resource.ParallelTest(t, resource.TestCase{
		CheckDestroy: checkNoLoopsLeft(e.Emulator),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: providerFactories(),
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(hexID)),
					statecheck.ExpectKnownOutputValue("content_moderation_join_url", knownvalue.StringRegexp(joinURL)),
					statecheck.ExpectKnownOutputValue("content_moderation_invite_code", knownvalue.StringRegexp(inviteCode)),
					expectLoopsOnServer(e.Emulator, "Content Moderation"),
				},
			},
			{
				ProtoV6ProviderFactories: providerFactories(),
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

// TestAccExample_importBlock imports an existing loop with
// examples/resources/hitl_loop/import-by-block.tf, its id replaced by the
// loop's, and checks the documented outcome: nothing to change, and no
// invite code or join URL in state.
func TestAccExample_importBlock(t *testing.T) {
	e := startEmulator(t)
	created := e.createContentModeration(t)
	dir := e.composeExample(t, importingLoop(t, "resources/hitl_loop/import-by-block.tf", created.Loop.ID),
		"provider/provider.tf", "resources/hitl_loop/resource.tf", "resources/hitl_loop/import-by-block.tf")
	const addr = "hitl_loop.content_moderation"

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		CheckDestroy:           checkNoLoopsLeft(e.Emulator),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: providerFactories(),
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(created.Loop.ID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invite_code"), knownvalue.Null()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("join_url"), knownvalue.Null()),
					expectLoopsOnServer(e.Emulator, "Content Moderation"),
				},
			},
		},
	})
}

// TestAccExample_importByIdentity imports an existing loop with
// examples/resources/hitl_loop/import-by-identity.tf, its id replaced by
// the loop's: nothing to change, the identity in state, and an empty plan
// once the import block is gone.
func TestAccExample_importByIdentity(t *testing.T) {
	e := startEmulator(t)
	created := e.createContentModeration(t)
	edit := importingLoop(t, "resources/hitl_loop/import-by-identity.tf", created.Loop.ID)
	files := []string{"provider/provider.tf", "resources/hitl_loop/resource.tf"}
	dir := e.composeExample(t, edit, append(files, "resources/hitl_loop/import-by-identity.tf")...)
	withoutImport := e.composeExample(t, edit, files...)
	const addr = "hitl_loop.content_moderation"

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:           checkNoLoopsLeft(e.Emulator),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: providerFactories(),
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(created.Loop.ID)),
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"id": knownvalue.StringExact(created.Loop.ID)}),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invite_code"), knownvalue.Null()),
					expectLoopsOnServer(e.Emulator, "Content Moderation"),
				},
			},
			{
				ProtoV6ProviderFactories: providerFactories(),
				ConfigDirectory:          config.StaticDirectory(withoutImport),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}
