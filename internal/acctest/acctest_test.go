package acctest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		out          string
		tofu         bool
		major, minor int
		name         string
	}{
		{"Terraform v1.11.4\non linux_amd64\n", false, 1, 11, "Terraform 1.11.4"},
		{"OpenTofu v1.12.6\non linux_amd64\n", true, 1, 12, "OpenTofu 1.12.6"},
		{"Terraform v1.15.0-beta1\non linux_amd64\n", false, 1, 15, "Terraform 1.15.0-beta1"},
	}
	for _, tt := range tests {
		cli, err := ParseVersion("x", tt.out)
		if err != nil {
			t.Fatalf("%q: %v", tt.out, err)
		}
		if cli.OpenTofu != tt.tofu || cli.Major != tt.major || cli.Minor != tt.minor || cli.Name() != tt.name {
			t.Errorf("%q: got %+v (%s)", tt.out, cli, cli.Name())
		}
	}
	if !(CLI{Major: 1, Minor: 15}).AtLeast(1, 14) || (CLI{Major: 1, Minor: 11}).AtLeast(1, 12) {
		t.Error("AtLeast compares wrongly")
	}
	for _, bad := range []string{"", "Warning: Unable to open CLI configuration file", "Terraform vX.Y"} {
		if _, err := ParseVersion("x", bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// fakeCLI writes a script that prints a version the way the CLIs do, and
// fails when TF_CLI_CONFIG_FILE names a missing file, as OpenTofu's output
// would then be unusable.
func fakeCLI(t *testing.T, versionLine string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "cli")
	script := "#!/bin/sh\nif [ -n \"$TF_CLI_CONFIG_FILE\" ] && [ ! -f \"$TF_CLI_CONFIG_FILE\" ]; then echo 'Warning: Unable to open CLI configuration file'; exit 1; fi\n" +
		"echo '" + versionLine + "'\necho 'on linux_amd64'\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPrepareEnv_openTofu(t *testing.T) {
	t.Setenv(envAcc, "1")
	t.Setenv(envTerraformPath, fakeCLI(t, "OpenTofu v1.12.6"))
	t.Setenv(envCLIConfigFile, filepath.Join(t.TempDir(), "missing.tfrc"))
	t.Setenv(envProviderHost, "")

	cli, cleanup, err := PrepareEnv()
	if err != nil {
		t.Fatal(err)
	}
	if !cli.OpenTofu || cli.Name() != "OpenTofu 1.12.6" {
		t.Errorf("cli = %+v", cli)
	}
	if got := os.Getenv(envProviderHost); got != "registry.opentofu.org" {
		t.Errorf("%s = %q, want registry.opentofu.org", envProviderHost, got)
	}
	cfg := os.Getenv(envCLIConfigFile)
	if b, err := os.ReadFile(cfg); err != nil || len(b) != 0 {
		t.Errorf("%s = %q, want an existing empty file (%v)", envCLIConfigFile, cfg, err)
	}
	cleanup()
	if _, err := os.Stat(cfg); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cleanup left %s behind", cfg)
	}
}

func TestPrepareEnv_terraformKeepsSettings(t *testing.T) {
	existing := filepath.Join(t.TempDir(), "terraform.rc")
	if err := os.WriteFile(existing, []byte("# mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envAcc, "1")
	t.Setenv(envTerraformPath, fakeCLI(t, "Terraform v1.15.9"))
	t.Setenv(envCLIConfigFile, existing)
	t.Setenv(envProviderHost, "")

	cli, cleanup, err := PrepareEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	if cli.OpenTofu || !cli.AtLeast(1, 15) {
		t.Errorf("cli = %+v", cli)
	}
	if got := os.Getenv(envProviderHost); got != "" {
		t.Errorf("%s = %q under Terraform, want it unset", envProviderHost, got)
	}
	if got := os.Getenv(envCLIConfigFile); got != existing {
		t.Errorf("%s = %q, want the existing %q kept", envCLIConfigFile, got, existing)
	}
}

func TestPrepareEnv_withoutTFAcc(t *testing.T) {
	t.Setenv(envAcc, "")
	t.Setenv(envTerraformPath, filepath.Join(t.TempDir(), "no-such-cli"))
	cli, cleanup, err := PrepareEnv()
	defer cleanup()
	if err != nil || cli.Path != "" {
		t.Errorf("PrepareEnv without TF_ACC = %+v, %v; want nothing done", cli, err)
	}
}
