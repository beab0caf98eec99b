package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/devenv"
)

// testCLI is the Terraform or OpenTofu CLI the acceptance tests run, found
// by TestMain; zero without TF_ACC.
var testCLI acctest.CLI

// openTofuCheck skips a test under OpenTofu, whose versions do not line up
// with Terraform's: OpenTofu 1.12 does not have every feature of Terraform
// 1.12, and tfversion checks only compare version numbers. Its value names
// the feature.
type openTofuCheck string

func (c openTofuCheck) CheckTerraformVersion(_ context.Context, _ tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	if testCLI.OpenTofu {
		resp.Skip = string(c) + " is tested with Terraform only, not with " + testCLI.Name()
	}
}

// cliRun is a working directory in which a test runs the CLI under test
// itself, with the provider served in-process as terraform-plugin-testing
// serves it. The framework cannot run `terraform apply -invoke` or
// `terraform query -generate-config-out`, nor interrupt a command; the
// tests that need those use this instead.
type cliRun struct {
	t   *testing.T
	dir string
	env []string
}

// startCLI serves the provider for commands run in dir. It skips the test
// unless acceptance tests are enabled.
func startCLI(t *testing.T, dir string) *cliRun {
	t.Helper()
	return startCLIWith(t, dir, New("test")())
}

// startCLIWith is startCLI serving p, a provider set up for the test.
func startCLIWith(t *testing.T, dir string, p provider.Provider) *cliRun {
	t.Helper()
	if os.Getenv("TF_ACC") == "" || testCLI.Path == "" {
		t.Skip("acceptance test: set TF_ACC=1 and have terraform on PATH or in TF_ACC_TERRAFORM_PATH")
	}
	address := testCLI.RegistryHost() + "/" + devenv.ProviderSource
	reattach, stopped, err := acctest.ServeProvider(t.Context(), t, address, NewProtocol6Server(p))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { <-stopped })
	return &cliRun{t: t, dir: dir, env: append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+reattach, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1")}
}

// initCLI writes config as main.tf of a fresh directory, serves the
// provider for it and runs init.
func initCLI(t *testing.T, config string) *cliRun {
	t.Helper()
	return initCLIWith(t, config, New("test")())
}

// initCLIWith is initCLI serving p, a provider set up for the test.
func initCLIWith(t *testing.T, config string, p provider.Provider) *cliRun {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startCLIWith(t, dir, p)
	r.mustRun("init", "-no-color", "-input=false")
	return r
}

// command prepares a CLI command in the working directory.
func (r *cliRun) command(args ...string) *exec.Cmd {
	cmd := exec.Command(testCLI.Path, args...)
	cmd.Dir = r.dir
	cmd.Env = r.env
	return cmd
}

// run runs the CLI with args and returns its output and exit code; a
// failure to start it ends the test.
func (r *cliRun) run(args ...string) (string, int) {
	r.t.Helper()
	var out bytes.Buffer
	cmd := r.command(args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	}
	r.t.Fatalf("%s %s: %v", testCLI.Path, strings.Join(args, " "), err)
	return "", 0
}

// mustRun runs a command that must succeed and returns its output.
func (r *cliRun) mustRun(args ...string) string {
	r.t.Helper()
	out, code := r.run(args...)
	if code != 0 {
		r.t.Fatalf("%s %s exited with %d:\n%s", filepath.Base(testCLI.Path), strings.Join(args, " "), code, out)
	}
	return out
}

// state returns the working directory's state, as terraform show -json
// reports it.
func (r *cliRun) state() *tfjson.State {
	r.t.Helper()
	var state tfjson.State
	if err := json.Unmarshal([]byte(r.mustRun("show", "-json", "-no-color")), &state); err != nil {
		r.t.Fatalf("reading the output of terraform show -json: %v", err)
	}
	return &state
}

// mustFail runs a command that must fail and returns its output.
func (r *cliRun) mustFail(args ...string) string {
	r.t.Helper()
	out, code := r.run(args...)
	if code == 0 {
		r.t.Fatalf("%s %s succeeded, want a failure:\n%s", filepath.Base(testCLI.Path), strings.Join(args, " "), out)
	}
	return out
}

// interruptAt runs the CLI with args and presses Ctrl-C (one SIGINT) at
// the first line of its output that holds marker, once ready, when not
// nil, has returned. It returns the output and whether the command failed,
// and fails the test if marker never appeared. Should anything hang, the
// command is killed after three minutes, so that the test fails instead
// of the suite timing out.
func (r *cliRun) interruptAt(marker string, ready func(), args ...string) (string, bool) {
	r.t.Helper()
	cmd := r.command(args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		r.t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	kill := time.AfterFunc(3*time.Minute, func() { _ = cmd.Process.Kill() })
	defer kill.Stop()
	var out strings.Builder
	interrupted := false
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		if !interrupted && strings.Contains(lines.Text(), marker) {
			if ready != nil {
				ready()
			}
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				r.t.Fatal(err)
			}
			interrupted = true
		}
	}
	err = cmd.Wait()
	if !interrupted {
		r.t.Fatalf("%q never appeared in the output, so no interrupt was sent:\n%s", marker, out.String())
	}
	return out.String(), err != nil
}
