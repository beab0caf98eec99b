// Package acctest holds what the acceptance tests of several packages
// share: an environment fit for the Terraform or OpenTofu CLI they run, the
// provider served in-process to CLI commands that tests run themselves, and
// examples composed and pointed at a test's own emulator.
//
// Tests run in parallel, so nothing here sets environment variables that
// differ between tests: it sets process-wide ones once, from TestMain, and
// each configuration names its emulator itself.
package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/mitchellh/go-testing-interface"
)

// Environment variables of terraform-plugin-testing and the CLIs.
const (
	envAcc            = "TF_ACC"
	envTerraformPath  = "TF_ACC_TERRAFORM_PATH"
	envProviderHost   = "TF_ACC_PROVIDER_HOST"
	envCLIConfigFile  = "TF_CLI_CONFIG_FILE"
	envCheckpoint     = "CHECKPOINT_DISABLE"
	openTofuRegistry  = "registry.opentofu.org"
	terraformRegistry = "registry.terraform.io"
)

// CLI is the Terraform or OpenTofu binary the acceptance tests run.
type CLI struct {
	Path     string
	OpenTofu bool
	// Major and Minor are the CLI's version, e.g. 1 and 15 for 1.15.9.
	Major, Minor int
	Version      string
}

// Name is "Terraform 1.15.9" or "OpenTofu 1.12.6".
func (c CLI) Name() string {
	if c.OpenTofu {
		return "OpenTofu " + c.Version
	}
	return "Terraform " + c.Version
}

// AtLeast reports whether the CLI's version is major.minor or newer.
func (c CLI) AtLeast(major, minor int) bool {
	return c.Major > major || (c.Major == major && c.Minor >= minor)
}

// RegistryHost is the host under which the CLI resolves a provider source
// such as hitl-sh/hitl.
func (c CLI) RegistryHost() string {
	if c.OpenTofu {
		return openTofuRegistry
	}
	return terraformRegistry
}

// PrepareEnv makes this process's environment fit for
// terraform-plugin-testing under the CLI in TF_ACC_TERRAFORM_PATH (or
// terraform on PATH), whoever started the tests, and returns that CLI and
// a function that removes what PrepareEnv created. It does nothing unless
// TF_ACC is set. It is meant for TestMain, before any test runs:
//
//   - When TF_CLI_CONFIG_FILE names a file that does not exist, it points
//     it at an empty file. Terraform ignores a missing file, but OpenTofu
//     prints a warning that breaks the testing framework's version parsing.
//   - Under OpenTofu it sets TF_ACC_PROVIDER_HOST to registry.opentofu.org,
//     the host OpenTofu resolves provider sources against, unless it is
//     set already.
func PrepareEnv() (CLI, func(), error) {
	noop := func() {}
	if os.Getenv(envAcc) == "" {
		return CLI{}, noop, nil
	}
	cleanup := noop
	if cfg := os.Getenv(envCLIConfigFile); cfg != "" {
		if _, err := os.Stat(cfg); errors.Is(err, os.ErrNotExist) {
			dir, err := os.MkdirTemp("", "hitl-acctest-")
			if err != nil {
				return CLI{}, noop, err
			}
			cleanup = func() { _ = os.RemoveAll(dir) }
			empty := filepath.Join(dir, "empty.tfrc")
			if err := os.WriteFile(empty, nil, 0o600); err != nil {
				cleanup()
				return CLI{}, noop, err
			}
			if err := os.Setenv(envCLIConfigFile, empty); err != nil {
				cleanup()
				return CLI{}, noop, err
			}
		}
	}
	if os.Getenv(envCheckpoint) == "" {
		_ = os.Setenv(envCheckpoint, "1")
	}

	path := os.Getenv(envTerraformPath)
	if path == "" {
		if p, err := exec.LookPath("terraform"); err == nil {
			path = p
		}
	}
	if path == "" {
		// terraform-plugin-testing reports the missing CLI itself.
		return CLI{}, cleanup, nil
	}
	cli, err := Identify(context.Background(), path)
	if err != nil {
		cleanup()
		return CLI{}, noop, err
	}
	if cli.OpenTofu && os.Getenv(envProviderHost) == "" {
		if err := os.Setenv(envProviderHost, openTofuRegistry); err != nil {
			cleanup()
			return CLI{}, noop, err
		}
	}
	return cli, cleanup, nil
}

// Identify runs `path version` and tells Terraform from OpenTofu.
func Identify(ctx context.Context, path string) (CLI, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, path, "version")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return CLI{}, fmt.Errorf("%s version: %w\n%s", path, err, errOut.String())
	}
	return ParseVersion(path, out.String())
}

// ParseVersion reads the first line of `terraform version` or
// `tofu version`: "Terraform v1.15.9" or "OpenTofu v1.12.6".
func ParseVersion(path, output string) (CLI, error) {
	first, _, _ := strings.Cut(strings.TrimSpace(output), "\n")
	product, v, ok := strings.Cut(strings.TrimSpace(first), " v")
	if !ok || (product != "Terraform" && product != "OpenTofu") {
		return CLI{}, fmt.Errorf("%s is neither Terraform nor OpenTofu: its version reads %q", path, first)
	}
	cli := CLI{Path: path, OpenTofu: product == "OpenTofu", Version: v}
	parts := strings.SplitN(strings.SplitN(v, "-", 2)[0], ".", 3)
	if len(parts) < 2 {
		return CLI{}, fmt.Errorf("unexpected version %q of %s", v, path)
	}
	var err1, err2 error
	cli.Major, err1 = strconv.Atoi(parts[0])
	cli.Minor, err2 = strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return CLI{}, fmt.Errorf("unexpected version %q of %s", v, path)
	}
	return cli, nil
}

// ServeProvider serves a provider in-process until ctx ends, the way
// terraform-plugin-testing does, so that CLI commands a test runs itself
// reattach to it. It returns the value of TF_REATTACH_PROVIDERS, which
// offers the provider as host/namespace/name, and a channel closed once
// the server has stopped. The provider's logs go to the test's log sink,
// as under terraform-plugin-testing (TF_ACC_LOG_PATH and friends).
func ServeProvider(ctx context.Context, t testing.T, address string, factory func() tfprotov6.ProviderServer) (string, <-chan struct{}, error) {
	name := address[strings.LastIndex(address, "/")+1:]
	configCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	errCh := make(chan error, 1)
	go func() {
		errCh <- tf6server.Serve(name, factory,
			tf6server.WithDebug(ctx, configCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Off})),
			tf6server.WithoutLogStderrOverride(),
			tf6server.WithLoggingSink(t),
		)
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-configCh:
	case err := <-errCh:
		return "", nil, fmt.Errorf("serving the provider: %v", err)
	case <-ctx.Done():
		return "", nil, ctx.Err()
	}
	type addr struct{ Network, String string }
	type reattach struct {
		Protocol        string
		ProtocolVersion int
		Pid             int
		Test            bool
		Addr            addr
	}
	b, err := json.Marshal(map[string]reattach{address: {
		Protocol:        string(cfg.Protocol),
		ProtocolVersion: cfg.ProtocolVersion,
		Pid:             cfg.Pid,
		Test:            cfg.Test,
		Addr:            addr{Network: cfg.Addr.Network(), String: cfg.Addr.String()},
	}})
	if err != nil {
		return "", nil, err
	}
	return string(b), closeCh, nil
}
