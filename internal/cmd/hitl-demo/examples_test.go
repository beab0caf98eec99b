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

	"github.com/hitl-sh/terraform-provider-hitl/internal/devenv"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
	"github.com/hitl-sh/terraform-provider-hitl/internal/provider"
)

// These tests run the repository's examples, unchanged, through the real
// terraform CLI against an emulator, so that the examples in the README and
// the generated documentation are known to work. The provider runs
// in-process; its credentials come from HITL_BASE_URL and HITL_API_KEY, as
// the examples expect. examples/quickstart uses for_each, which
// terraform-plugin-testing cannot read back from state, so demo_test.go
// runs it the way make demo does instead.

var (
	hexID         = regexp.MustCompile(`^[0-9a-f]{24}$`)
	inviteCode    = regexp.MustCompile(`^[A-Z0-9]{9}$`)
	joinURL       = regexp.MustCompile(`^https://my\.hitl\.sh/join/[A-Z0-9]{9}$`)
	qrCodeDataURI = regexp.MustCompile(`^data:image/png;base64,iVBORw0KGgo`)
)

// exampleEnv starts an emulator and points the provider at it through the
// environment. namespace is the registry namespace under which the
// in-process provider is offered to Terraform: "hitl-sh" for examples that
// declare `source = "hitl-sh/hitl"`, "" for the implied hashicorp/hitl.
func exampleEnv(t *testing.T, namespace string) *emulator.Emulator {
	t.Helper()
	e := emulator.New(emulator.Config{})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	t.Setenv("HITL_BASE_URL", srv.URL+"/v1")
	t.Setenv("HITL_API_KEY", e.APIKey())
	t.Setenv(resource.EnvTfAccProviderNamespace, namespace)
	return e
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
// way a user combines the snippets of the documentation. edit, when not
// nil, may change a file's content.
func composeExample(t *testing.T, edit func(name, content string) string, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		b, err := os.ReadFile(exampleDir(t, f))
		if err != nil {
			t.Fatal(err)
		}
		content := string(b)
		if edit != nil {
			content = edit(f, content)
		}
		name := strings.ReplaceAll(f, "/", "_")
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
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
	e := exampleEnv(t, "hitl-sh")
	dir := composeExample(t, nil, "provider/provider.tf", "resources/hitl_loop/resource.tf")
	const addr = "hitl_loop.content_moderation"

	resource.Test(t, resource.TestCase{
		CheckDestroy: checkNoLoopsLeft(e),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: providerFactories(),
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringRegexp(hexID)),
					statecheck.ExpectKnownOutputValue("content_moderation_join_url", knownvalue.StringRegexp(joinURL)),
					statecheck.ExpectKnownOutputValue("content_moderation_invite_code", knownvalue.StringRegexp(inviteCode)),
					expectLoopsOnServer(e, "Content Moderation"),
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

// TestAccExample_importBlock imports an existing loop with
// examples/resources/hitl_loop/import-by-block.tf, its id replaced by the
// loop's, and checks the documented outcome: nothing to change, and no
// invite code or join URL in state.
func TestAccExample_importBlock(t *testing.T) {
	e := exampleEnv(t, "hitl-sh")
	client, err := hitl.New(e.APIKey(), hitl.WithBaseURL(os.Getenv("HITL_BASE_URL")))
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
	const exampleID = "65f1234567890abcdef12345"
	dir := composeExample(t, func(name, content string) string {
		if name == "resources/hitl_loop/import-by-block.tf" {
			if !strings.Contains(content, exampleID) {
				t.Fatalf("%s no longer holds the id %s; update this test", name, exampleID)
			}
			return strings.ReplaceAll(content, exampleID, created.Loop.ID)
		}
		return content
	}, "provider/provider.tf", "resources/hitl_loop/resource.tf", "resources/hitl_loop/import-by-block.tf")
	const addr = "hitl_loop.content_moderation"

	resource.Test(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
		CheckDestroy:           checkNoLoopsLeft(e),
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
					expectLoopsOnServer(e, "Content Moderation"),
				},
			},
		},
	})
}

// TestAccExample_importByIdentity imports an existing loop with
// examples/resources/hitl_loop/import-by-identity.tf, its id replaced by
// the loop's: nothing to change, the identity in state, and an empty plan
// once the import block is gone. It runs in parallel with the others, so
// the credentials go into the example's provider block instead of the
// environment.
func TestAccExample_importByIdentity(t *testing.T) {
	e := emulator.New(emulator.Config{})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	baseURL := srv.URL + "/v1"
	client, err := hitl.New(e.APIKey(), hitl.WithBaseURL(baseURL))
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
	const exampleID = "65f1234567890abcdef12345"
	edit := func(name, content string) string {
		switch name {
		case "provider/provider.tf":
			const block = `provider "hitl" {}`
			if !strings.Contains(content, block) {
				t.Fatalf("%s no longer holds %s; update this test", name, block)
			}
			return strings.Replace(content, block, fmt.Sprintf("provider \"hitl\" {\n  base_url = %q\n  api_key  = %q\n}", baseURL, e.APIKey()), 1)
		case "resources/hitl_loop/import-by-identity.tf":
			if !strings.Contains(content, exampleID) {
				t.Fatalf("%s no longer holds the id %s; update this test", name, exampleID)
			}
			return strings.ReplaceAll(content, exampleID, created.Loop.ID)
		}
		return content
	}
	files := []string{"provider/provider.tf", "resources/hitl_loop/resource.tf"}
	dir := composeExample(t, edit, append(files, "resources/hitl_loop/import-by-identity.tf")...)
	withoutImport := composeExample(t, edit, files...)
	const addr = "hitl_loop.content_moderation"

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		CheckDestroy:           checkNoLoopsLeft(e),
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
					expectLoopsOnServer(e, "Content Moderation"),
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
