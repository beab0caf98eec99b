package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/devenv"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// Patterns of the join details the API generates.
var (
	inviteCode    = regexp.MustCompile(`^[A-Z0-9]{9}$`)
	joinURL       = regexp.MustCompile(`^https://my\.hitl\.sh/join/[A-Z0-9]{9}$`)
	qrCodeDataURI = regexp.MustCompile(`^data:image/png;base64,iVBORw0KGgo`)
)

// The tests in this file run the demo for real: the provider built with go
// build (once, for all of them: see prebuiltProvider), the terraform CLI
// and the emulator. Like the other acceptance tests they run only with
// TF_ACC set, and use TF_ACC_TERRAFORM_PATH or terraform on PATH.

// accTerraform skips the test unless acceptance tests are enabled and
// returns the terraform binary to use.
func accTerraform(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it")
	}
	tf, err := devenv.FindTerraform(os.Getenv("TF_ACC_TERRAFORM_PATH"))
	if err != nil {
		t.Fatal(err)
	}
	return tf
}

func expectNoLeftovers(t *testing.T, tmp string) {
	t.Helper()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "hitl-demo-") {
			t.Errorf("the demo left %s behind", filepath.Join(tmp, e.Name()))
		}
	}
}

func expectOutput(t *testing.T, output string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(output, w) {
			t.Errorf("the output lacks %q", w)
		}
	}
}

// terraformOutput is one value of `terraform output -json`.
type terraformOutput struct {
	Sensitive bool            `json:"sensitive"`
	Value     json.RawMessage `json:"value"`
}

func TestAccDemo_quickstart(t *testing.T) {
	t.Parallel()
	tf := accTerraform(t)
	tmp := t.TempDir()
	outDir := filepath.Join(t.TempDir(), "demo-output")

	var outputs map[string]terraformOutput
	var loops []emulator.Loop
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), options{
		Terraform: tf,
		OutDir:    outDir,
		tempDir:   tmp,
		build:     prebuiltProvider(t),
		afterApply: func(outputJSON []byte, l []emulator.Loop) error {
			loops = l
			return json.Unmarshal(outputJSON, &outputs)
		},
	}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("demo failed: %v\nstdout:\n%s\nstderr:\n%s", err, &stdout, &stderr)
	}

	expectOutput(t, stdout.String(),
		"==> Using Terraform ",
		"==> Building the provider",
		"==> Starting the HITL emulator on http://127.0.0.1:",
		"/v1 (no account needed)",
		"==> terraform apply -auto-approve",
		"Apply complete! Resources: 3 added, 0 changed, 0 destroyed.",
		"==> The emulator now holds 3 loop(s)",
		"==> terraform output",
		"join_urls = {",
		"==> terraform destroy -auto-approve",
		"Destroy complete! Resources: 3 destroyed.",
		"==> Stopping the emulator",
		"==> Done",
	)
	// The destroy plan lists every loop's attributes: the QR codes, kilobytes
	// of base64 each, must not be among them.
	if strings.Contains(stdout.String(), "base64,iVBOR") {
		t.Error("the console shows a QR code's base64")
	}
	if t.Failed() {
		t.Logf("stdout:\n%s", &stdout)
	}

	// The loops as the emulator saw them after apply.
	useCases := []string{"ai_output_qa", "content_moderation", "contract_review"}
	byName := map[string]emulator.Loop{}
	for _, l := range loops {
		byName[l.Name] = l
	}
	for name, icon := range map[string]string{
		"Content Moderation": "shield-check",
		"Contract Review":    "document-check",
		"AI Output QA":       "badge-check",
	} {
		if l, ok := byName[name]; !ok || l.Icon != icon || l.Description == "" {
			t.Errorf("loop %q on the emulator: %+v, want icon %q and a description", name, l, icon)
		}
	}
	if len(loops) != 3 {
		t.Errorf("the emulator held %d loops after apply, want 3", len(loops))
	}

	// The outputs: one entry per use case, matching the emulator.
	stringMap := func(name string) map[string]string {
		t.Helper()
		var m map[string]string
		if err := json.Unmarshal(outputs[name].Value, &m); err != nil {
			t.Fatalf("output %s: %v", name, err)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, useCases) {
			t.Errorf("output %s has keys %q, want %q", name, keys, useCases)
		}
		return m
	}
	ids, urls, codes, qrs := stringMap("loop_ids"), stringMap("join_urls"), stringMap("invite_codes"), stringMap("qr_codes")
	for _, uc := range useCases {
		l, ok := loopByID(loops, ids[uc])
		if !ok {
			t.Errorf("loop_ids[%s] = %q is not on the emulator", uc, ids[uc])
			continue
		}
		if codes[uc] != l.InviteCode || !inviteCode.MatchString(codes[uc]) {
			t.Errorf("invite_codes[%s] = %q, want the emulator's %q", uc, codes[uc], l.InviteCode)
		}
		if !joinURL.MatchString(urls[uc]) || !strings.HasSuffix(urls[uc], "/"+l.InviteCode) {
			t.Errorf("join_urls[%s] = %q does not match invite code %q", uc, urls[uc], l.InviteCode)
		}
		if !qrCodeDataURI.MatchString(qrs[uc]) {
			t.Errorf("qr_codes[%s] is not a PNG data URI", uc)
		}
	}
	if !outputs["qr_codes"].Sensitive {
		t.Error("qr_codes is no longer sensitive; the console would show kilobytes of base64")
	}

	// The PNG files hold the outputs' pictures.
	for _, uc := range useCases {
		got, err := os.ReadFile(filepath.Join(outDir, uc+".png"))
		if err != nil {
			t.Error(err)
			continue
		}
		want, _ := decodeDataURI(qrs[uc])
		if !bytes.Equal(got, want) {
			t.Errorf("%s.png does not hold the QR code of the output", uc)
		}
		// And a phone scanning it lands on the loop's join URL.
		if text, err := acctest.ScanQR(got); err != nil || text != urls[uc] {
			t.Errorf("%s.png scans to %q (%v), want the join URL %q", uc, text, err, urls[uc])
		}
	}

	expectNoLeftovers(t, tmp)
	// The repository's example stays clean: the demo ran in a copy.
	for _, name := range []string{".terraform", "terraform.tfstate", ".terraform.lock.hcl"} {
		if _, err := os.Stat(filepath.Join(exampleDir(t, "quickstart"), name)); err == nil {
			t.Errorf("examples/quickstart/%s exists after the demo", name)
		}
	}
}

func loopByID(loops []emulator.Loop, id string) (emulator.Loop, bool) {
	for _, l := range loops {
		if l.ID == id {
			return l, true
		}
	}
	return emulator.Loop{}, false
}

// TestAccDemo_failedApplyCleansUp checks that when apply fails half-way,
// the demo destroys what was created, stops and removes everything, and
// reports the failure.
func TestAccDemo_failedApplyCleansUp(t *testing.T) {
	t.Parallel()
	tf := accTerraform(t)
	tmp := t.TempDir()
	example := t.TempDir()
	// The first loop is created; the second one is then refused by the
	// API, because the provider configuration it uses holds a key that
	// the emulator does not know.
	writeFile(t, filepath.Join(example, "main.tf"), `
terraform {
  required_providers {
    hitl = { source = "hitl-sh/hitl" }
  }
}

provider "hitl" {}

provider "hitl" {
  alias   = "unknown_key"
  api_key = "hitl_0000000000000000000000000000000000000000"
}

resource "hitl_loop" "created" {
  name = "Created before the failure"
  icon = "flag"
}

resource "hitl_loop" "refused" {
  provider = hitl.unknown_key
  name     = "Refused: ${hitl_loop.created.name}"
  icon     = "flag"
}
`)
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), options{Terraform: tf, Example: example, OutDir: t.TempDir(), tempDir: tmp, build: prebuiltProvider(t)}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "terraform apply") {
		t.Fatalf("err = %v, want a failed terraform apply\nstdout:\n%s\nstderr:\n%s", err, &stdout, &stderr)
	}
	expectOutput(t, stdout.String(),
		"==> Cleaning up: terraform destroy -auto-approve",
		"Destroy complete! Resources: 1 destroyed.",
		"==> Stopping the emulator",
	)
	if strings.Contains(stdout.String(), "==> Done") {
		t.Error("a failed demo says it is done")
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", &stdout, &stderr)
	}
	expectNoLeftovers(t, tmp)
}

// TestAccDemo_interrupted checks what Ctrl-C does after apply: no destroy
// (the emulator's state is thrown away), the emulator stops and the
// temporary files are removed.
func TestAccDemo_interrupted(t *testing.T) {
	t.Parallel()
	tf := accTerraform(t)
	tmp := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	var stdout, stderr bytes.Buffer
	err := run(ctx, options{
		Terraform: tf,
		OutDir:    t.TempDir(),
		tempDir:   tmp,
		build:     prebuiltProvider(t),
		afterApply: func([]byte, []emulator.Loop) error {
			cancel() // What the signal handler does on Ctrl-C.
			return nil
		},
	}, &stdout, &stderr)
	if !errors.Is(err, errInterrupted) {
		t.Fatalf("err = %v, want errInterrupted\nstdout:\n%s\nstderr:\n%s", err, &stdout, &stderr)
	}
	expectOutput(t, stdout.String(), "==> Stopping the emulator")
	if strings.Contains(stdout.String(), "Cleaning up: terraform destroy") {
		t.Error("the demo ran terraform destroy after an interrupt")
	}
	expectNoLeftovers(t, tmp)
}

func TestRun_withoutTerraform(t *testing.T) {
	// Serial: it empties PATH for the whole process.
	t.Setenv("PATH", t.TempDir())
	tmp := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), options{tempDir: tmp}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "terraform CLI was not found on PATH") {
		t.Fatalf("err = %v, want terraform not found", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("printed steps before failing: %s", &stdout)
	}
	expectNoLeftovers(t, tmp)
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
