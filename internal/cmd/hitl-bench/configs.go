package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hitl-sh/terraform-provider-hitl/internal/devenv"
)

// hitlConfig is a configuration of n loops with the given description.
func hitlConfig(n int, description string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    hitl = {
      source = %s
    }
  }
}

# The base URL and API key come from HITL_BASE_URL and HITL_API_KEY.
provider "hitl" {}

resource "hitl_loop" "bench" {
  count       = %d
  name        = "Benchmark loop ${count.index}"
  description = %s
  icon        = "eye"
}
`, devenv.HCLString(devenv.ProviderSource), n, devenv.HCLString(description))
}

// dataConfig is the same shape on Terraform's built-in terraform_data,
// which costs no provider process and no API call.
func dataConfig(n int, input string) string {
	return fmt.Sprintf(`resource "terraform_data" "bench" {
  count = %d
  input = %s
}
`, n, devenv.HCLString(input))
}

// writeConfig writes main.tf in dir, creating dir.
func writeConfig(dir, config string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644)
}
