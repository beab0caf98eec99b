package main

import (
	"fmt"
	"os"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/provider"
)

func TestMain(m *testing.M) {
	// The examples declare source = "hitl-sh/hitl": offer the in-process
	// provider under that address.
	acctest.UseProviderSource()
	provider.QuietDiscardedSDKLogs()
	// Fit the environment to the CLI under test (OpenTofu needs its own
	// registry host), so that a plain `go test` works under any CLI.
	_, cleanup, err := acctest.PrepareEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}
