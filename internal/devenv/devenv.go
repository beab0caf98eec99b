// Package devenv prepares a local Terraform environment for the
// repository's development programs (make demo, make bench): it finds the
// terraform CLI and the repository checkout, builds the provider from
// source, and writes a throwaway CLI configuration whose dev_overrides take
// hitl-sh/hitl from that build. The user's own Terraform configuration
// (~/.terraformrc) is never read or changed.
package devenv

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ModulePath identifies the repository's go.mod.
const ModulePath = "github.com/hitl-sh/terraform-provider-hitl"

// ProviderSource is the provider's address as a configuration names it in
// required_providers and as dev_overrides matches it.
const ProviderSource = "hitl-sh/hitl"

// FindTerraform returns the terraform binary to use: the given path, or
// terraform on PATH. The error tells a newcomer what to do.
func FindTerraform(given string) (string, error) {
	if given != "" {
		path, err := exec.LookPath(given)
		if err != nil {
			return "", fmt.Errorf("terraform binary %q cannot be run: %w", given, err)
		}
		return path, nil
	}
	path, err := exec.LookPath("terraform")
	if err != nil {
		return "", errors.New("the terraform CLI was not found on PATH.\n" +
			"This program drives the real Terraform CLI (1.0 or newer). Install it from\n" +
			"https://developer.hashicorp.com/terraform/install or your package manager,\n" +
			"check that `terraform version` works, and try again.\n" +
			"A terraform binary elsewhere can be given to make with TERRAFORM=/path/to/terraform\n" +
			"(for example: make demo TERRAFORM=/path/to/terraform)")
	}
	return path, nil
}

// FindModuleRoot returns the nearest directory at or above dir whose go.mod
// declares this module.
func FindModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && declaresModule(data) {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("%s is not inside a checkout of %s: run this from the repository (make demo, make bench)", dir, ModulePath)
		}
		d = parent
	}
}

func declaresModule(gomod []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == "module" && strings.Trim(fields[1], `"`) == ModulePath {
			return true
		}
	}
	return false
}

// TerraformVersion returns the CLI's version, and an error when it is older
// than 1.0, which the provider's protocol 6 needs.
func TerraformVersion(ctx context.Context, terraform string, env []string) (string, error) {
	var out, errOut bytes.Buffer
	cmd := Command(ctx, "", env, terraform, "version", "-json")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s version failed: %w\n%s", terraform, err, errOut.String())
	}
	return ParseTerraformVersion(out.Bytes())
}

// ParseTerraformVersion reads the output of `terraform version -json`.
func ParseTerraformVersion(versionJSON []byte) (string, error) {
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(versionJSON, &v); err != nil || v.Version == "" {
		return "", errors.New("could not read the version of terraform; Terraform 1.0 or newer is needed")
	}
	major, err := strconv.Atoi(strings.SplitN(v.Version, ".", 2)[0])
	if err != nil {
		return "", fmt.Errorf("unexpected terraform version %q", v.Version)
	}
	if major < 1 {
		return "", fmt.Errorf("terraform %s is too old: the provider needs Terraform 1.0 or newer", v.Version)
	}
	return v.Version, nil
}

// BuildProvider builds the provider of the checkout at moduleRoot into dir
// and returns the binary's path. The go command's output goes to stdout and
// stderr.
func BuildProvider(ctx context.Context, moduleRoot, dir string, stdout, stderr io.Writer) (string, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("the go command was not found on PATH; the provider is built from source and needs Go")
	}
	binary := filepath.Join(dir, "terraform-provider-hitl")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	cmd := Command(ctx, moduleRoot, nil, gobin, "build", "-o", binary, ".")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("building the provider: %w", err)
	}
	return binary, nil
}

// CLIConfig is a Terraform CLI configuration that takes hitl-sh/hitl from
// pluginDir and everything else from the registry as usual.
func CLIConfig(pluginDir string) string {
	return "# Written for a single run and removed afterwards.\n" +
		"provider_installation {\n" +
		"  dev_overrides {\n" +
		"    " + HCLString(ProviderSource) + " = " + HCLString(filepath.ToSlash(pluginDir)) + "\n" +
		"  }\n" +
		"  direct {}\n" +
		"}\n"
}

// WriteCLIConfig writes CLIConfig(pluginDir) to path, readable by the
// owner only.
func WriteCLIConfig(path, pluginDir string) error {
	return os.WriteFile(path, []byte(CLIConfig(pluginDir)), 0o600)
}

// HCLString quotes s as an HCL string literal.
func HCLString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`, "${", "$${", "%{", "%%{")
	return `"` + r.Replace(s) + `"`
}

// TerraformEnv returns base with the variables in set replacing any
// existing ones, and without the variables that would make Terraform use
// another configuration, provider, working directory or account.
func TerraformEnv(base []string, set map[string]string) []string {
	drop := func(key string) bool {
		if _, ok := set[key]; ok {
			return true
		}
		switch key {
		case "TF_CLI_CONFIG_FILE", "TERRAFORM_CONFIG", "TF_REATTACH_PROVIDERS", "TF_DATA_DIR", "TF_WORKSPACE",
			"HITL_API_KEY", "HITL_BASE_URL":
			return true
		}
		return strings.HasPrefix(key, "TF_CLI_ARGS")
	}
	out := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		key, _, _ := strings.Cut(kv, "=")
		if !drop(key) {
			out = append(out, kv)
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, k+"="+set[k])
	}
	return out
}

// Command prepares a child process that, when ctx ends, is asked to stop
// with an interrupt (terraform then releases its state cleanly) and killed
// only if it has not exited a while later. env nil means this process's
// environment.
func Command(ctx context.Context, dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 20 * time.Second
	return cmd
}
