package devenv

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestFindTerraform_missing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := FindTerraform("")
	if err == nil {
		t.Fatal("want an error when terraform is not on PATH")
	}
	for _, want := range []string{"not found on PATH", "developer.hashicorp.com/terraform/install", "TERRAFORM="} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestFindTerraform_givenPath(t *testing.T) {
	if _, err := FindTerraform(filepath.Join(t.TempDir(), "terraform")); err == nil {
		t.Fatal("want an error for a path that does not exist")
	}
}

func TestFindModuleRoot(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module "+ModulePath+"\n\ngo 1.24\n")
	nested := filepath.Join(root, "internal", "cmd", "hitl-demo")
	if err := os.MkdirAll(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	// A go.mod of another module on the way up is skipped.
	writeFile(t, filepath.Join(root, "internal", "go.mod"), "module example.com/other\n")

	got, err := FindModuleRoot(nested)
	if err != nil {
		t.Fatal(err)
	}
	if got != root {
		t.Errorf("FindModuleRoot = %q, want %q", got, root)
	}

	if _, err := FindModuleRoot(t.TempDir()); err == nil || !strings.Contains(err.Error(), "make demo") {
		t.Errorf("outside a checkout: err = %v, want one that says how to run the program", err)
	}
}

func TestFindModuleRoot_thisRepository(t *testing.T) {
	root, err := FindModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "main.go")); err != nil {
		t.Errorf("module root %s has no main.go: %v", root, err)
	}
}

func TestParseTerraformVersion(t *testing.T) {
	for _, tc := range []struct {
		in, want, wantErr string
	}{
		{in: `{"terraform_version":"1.11.4","platform":"linux_amd64"}`, want: "1.11.4"},
		{in: `{"terraform_version":"1.0.0"}`, want: "1.0.0"},
		{in: `{"terraform_version":"1.16.0-rc2"}`, want: "1.16.0-rc2"},
		{in: `{"terraform_version":"0.15.5"}`, wantErr: "too old"},
		{in: `{"terraform_version":"x.1"}`, wantErr: "unexpected terraform version"},
		{in: `Terraform v1.5.0`, wantErr: "could not read"},
		{in: `{}`, wantErr: "could not read"},
	} {
		got, err := ParseTerraformVersion([]byte(tc.in))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestCLIConfig(t *testing.T) {
	got := CLIConfig("/tmp/hitl-demo-1/plugins")
	for _, want := range []string{
		"provider_installation {",
		"dev_overrides {",
		`"hitl-sh/hitl" = "/tmp/hitl-demo-1/plugins"`,
		"direct {}",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("CLI configuration lacks %q:\n%s", want, got)
		}
	}
}

func TestWriteCLIConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "terraform.rc")
	if err := WriteCLIConfig(path, "/plugins"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != CLIConfig("/plugins") {
		t.Fatalf("wrote %q, %v", b, err)
	}
	if runtime.GOOS != "windows" {
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, %v; want 0600", info.Mode().Perm(), err)
		}
	}
}

func TestHCLString(t *testing.T) {
	for in, want := range map[string]string{
		`/tmp/a`:         `"/tmp/a"`,
		`C:\Temp\a`:      `"C:\\Temp\\a"`,
		`say "hi"`:       `"say \"hi\""`,
		`${not} %{this}`: `"$${not} %%{this}"`,
	} {
		if got := HCLString(in); got != want {
			t.Errorf("HCLString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestTerraformEnv(t *testing.T) {
	base := []string{
		"PATH=/usr/bin",
		"HOME=/home/me",
		"TF_CLI_CONFIG_FILE=/home/me/.terraformrc",
		"TF_CLI_ARGS=-no-color",
		"TF_CLI_ARGS_apply=-parallelism=1",
		"TF_REATTACH_PROVIDERS={}",
		"TF_DATA_DIR=/elsewhere",
		"HITL_API_KEY=real-key",
		"HITL_BASE_URL=https://api.hitl.sh/v1",
		"TF_VAR_name_prefix=Team A",
		"TF_LOG=DEBUG",
	}
	got := TerraformEnv(base, map[string]string{
		"TF_CLI_CONFIG_FILE": "/tmp/x/terraform.rc",
		"HITL_API_KEY":       "emulator-key",
	})
	want := []string{
		"PATH=/usr/bin",
		"HOME=/home/me",
		"TF_VAR_name_prefix=Team A",
		"TF_LOG=DEBUG",
		"HITL_API_KEY=emulator-key",
		"TF_CLI_CONFIG_FILE=/tmp/x/terraform.rc",
	}
	if !slices.Equal(got, want) {
		t.Errorf("TerraformEnv =\n  %q\nwant\n  %q", got, want)
	}
}

func TestBuildProvider_noGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := BuildProvider(t.Context(), t.TempDir(), t.TempDir(), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "go command was not found") {
		t.Errorf("err = %v, want one that names the missing go command", err)
	}
}

func TestCommand_interruptedByContext(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs a POSIX sleep")
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cmd := Command(ctx, t.TempDir(), nil, sleep, "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := cmd.Wait(); err == nil {
		t.Fatal("want the interrupted command to report an error")
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
