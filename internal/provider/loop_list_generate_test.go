package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// `terraform query -generate-config-out`, with the list block of
// examples/list-resources/hitl_loop, writes a resource block and an
// identity import block for each listed loop; `terraform apply` imports
// them all without creating or changing anything, and the plan after is
// empty.
func TestAccLoopListResource_generateConfig(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if testCLI.OpenTofu || !testCLI.AtLeast(1, 14) {
		t.Skipf("terraform query needs Terraform 1.14 or later; the CLI under test is %s", testCLI.Name())
	}
	t.Parallel()

	s := newTestServer(t, emulator.Config{})
	ids := map[string]string{}
	for _, in := range []hitl.CreateLoopInput{
		{Name: "prod-api", Description: "Answers of the API", Icon: "eye"},
		{Name: "prod-web", Description: "Line one\nline \"two\"", Icon: "star"},
		{Name: "dev-sandbox", Icon: "beaker"},
	} {
		ids[in.Name] = s.createLoopOutside(t, s.APIKey(), in)
	}

	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("main.tf", s.providerBlock())
	// The documentation's example, unchanged: it lists the loops whose
	// name starts with prod-.
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "list-resources", "hitl_loop", "list-resource.tfquery.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	write("list-resource.tfquery.hcl", string(example))

	cli := startCLI(t, dir)

	cli.mustRun("init", "-no-color", "-input=false")
	s.ResetCalls()
	out := cli.mustRun("query", "-no-color", "-generate-config-out=generated.tf")
	for _, name := range []string{"prod-api", "prod-web"} {
		if !strings.Contains(out, name) {
			t.Errorf("terraform query does not list %s:\n%s", name, out)
		}
	}
	if strings.Contains(out, "dev-sandbox") {
		t.Errorf("terraform query lists dev-sandbox, which name_regex excludes:\n%s", out)
	}
	if got := s.Calls(); len(got) != 1 || got["GET /api/loops"] != 1 {
		t.Errorf("terraform query made the API calls %v, want one GET /api/loops", got)
	}

	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatalf("terraform query wrote no configuration: %v\n%s", err, out)
	}
	gen := string(generated)
	if n := strings.Count(gen, `resource "hitl_loop"`); n != 2 {
		t.Errorf("generated.tf has %d hitl_loop resources, want 2:\n%s", n, gen)
	}
	for _, name := range []string{"prod-api", "prod-web"} {
		idLine := regexp.MustCompile(`(?m)^\s*id\s*=\s*"` + ids[name] + `"`)
		if !idLine.MatchString(gen) {
			t.Errorf("generated.tf has no identity import block for %s (%s):\n%s", name, ids[name], gen)
		}
	}
	if strings.Contains(gen, ids["dev-sandbox"]) {
		t.Errorf("generated.tf imports dev-sandbox:\n%s", gen)
	}

	out = cli.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
	if !strings.Contains(out, "Apply complete! Resources: 2 imported, 0 added, 0 changed, 0 destroyed.") {
		t.Errorf("terraform apply did not import exactly the two loops:\n%s", out)
	}
	if out, code := cli.run("plan", "-no-color", "-input=false", "-detailed-exitcode"); code != 0 {
		t.Errorf("the plan after the import is not empty (exit code %d):\n%s", code, out)
	}
	if n := len(s.Loops()); n != 3 {
		t.Errorf("the server holds %d loops after the import, want the 3 it had", n)
	}
	for name, id := range ids {
		if _, ok := s.Loop(id); !ok {
			t.Errorf("loop %s (%s) is gone from the server", name, id)
		}
	}
	// The state holds the loops under the names query gave them.
	state := cli.mustRun("state", "list")
	if n := strings.Count(state, "hitl_loop."); n != 2 {
		t.Errorf("terraform state list shows %d loops, want 2:\n%s", n, state)
	}
	if t.Failed() {
		t.Logf("generated.tf:\n%s", gen)
	}
}
