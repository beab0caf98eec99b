package provider

import (
	"fmt"
	"os"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
)

func TestMain(m *testing.M) {
	// The acceptance tests must never reach a real account, whatever the
	// developer's environment holds.
	for _, env := range []string{envAPIKey, envBaseURL} {
		if err := os.Unsetenv(env); err != nil {
			panic(err)
		}
	}
	// Fit the environment to the CLI under test (OpenTofu needs its own
	// registry host), so that a plain `go test` works under any CLI.
	cli, cleanup, err := acctest.PrepareEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testCLI = cli
	acctest.UseProviderSource()
	// As in the released binary: the SDK's TRACE logs cost CPU that the
	// parallel tests share, and nothing reads them unless TF_LOG is set.
	QuietDiscardedSDKLogs()
	code := m.Run()
	cleanup()
	os.Exit(code)
}
