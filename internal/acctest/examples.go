package acctest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/hitl-sh/terraform-provider-hitl/internal/devenv"
)

// ProviderNamespace is the registry namespace of the provider's source
// address, devenv.ProviderSource.
const ProviderNamespace = "hitl-sh"

// ProviderAddress is the provider's full address on the Terraform registry,
// under which a test that drives the CLI itself serves the provider.
const ProviderAddress = "registry.terraform.io/" + devenv.ProviderSource

// RequiredProviders declares the provider's source address, as users'
// configurations and the examples do.
const RequiredProviders = `terraform {
  required_providers {
    hitl = {
      source = "` + devenv.ProviderSource + `"
    }
  }
}
`

// UseProviderSource makes terraform-plugin-testing offer the in-process
// provider as hitl-sh/hitl, the address the examples and RequiredProviders
// name, unless the caller chose a namespace already. Call it from TestMain,
// before any test runs: the setting is process-wide.
func UseProviderSource() {
	if os.Getenv(resource.EnvTfAccProviderNamespace) == "" {
		if err := os.Setenv(resource.EnvTfAccProviderNamespace, ProviderNamespace); err != nil {
			panic(err)
		}
	}
}

// ComposeExamples copies files from the examples directory into a fresh
// directory, the way a user combines the snippets of the documentation,
// and points their provider block at baseURL with apiKey through an
// override file. edit, when not nil, may change a file's content.
//
// The examples read their credentials from HITL_BASE_URL and HITL_API_KEY;
// an override file gives each parallel test its own emulator instead.
func ComposeExamples(t *testing.T, examplesDir, baseURL, apiKey string, edit func(name, content string) string, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	hasProviderBlock := false
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(examplesDir, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		content := string(b)
		if edit != nil {
			content = edit(f, content)
		}
		hasProviderBlock = hasProviderBlock || strings.Contains(content, `provider "hitl" {`)
		name := strings.ReplaceAll(f, "/", "_")
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Terraform merges an override file into the block it overrides, and
	// refuses one that has no block to override.
	name := "test_provider_override.tf"
	if !hasProviderBlock {
		name = "test_provider.tf"
	}
	block := fmt.Sprintf("provider \"hitl\" {\n  base_url = %q\n  api_key  = %q\n}\n", baseURL, apiKey)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(block), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
