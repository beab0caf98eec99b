package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// loopIDPattern is the shape of every loop id: 24 hexadecimal characters.
var loopIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{24}$`)

func (r *LoopResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	// By id (`terraform import`, or an import block's `id`) or by identity
	// (an import block's `identity`, Terraform 1.12 and later).
	id := req.ID
	if id == "" && req.Identity != nil {
		var identity loopIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		if resp.Diagnostics.HasError() {
			return
		}
		id = identity.ID.ValueString()
	}
	// Checked before any call: the API would answer a malformed id with a
	// 404 that reads as "no such loop".
	if !loopIDPattern.MatchString(id) {
		resp.Diagnostics.AddError("Invalid loop id",
			fmt.Sprintf("%q is not a loop id: a loop's id is 24 hexadecimal characters, such as 65f1a2b3c4d5e6f7a8b9c0d1. "+
				"Find it in the HITL.sh app, in the `id` of the `hitl_loops` data source, or with `terraform query` "+
				"(Terraform 1.14 and later).", id))
		return
	}
	// Read, which follows, checks that the loop exists and sets the
	// identity.
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
}
