package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
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
