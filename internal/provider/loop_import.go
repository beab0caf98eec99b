package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// loopIDPattern is the shape of every loop id: 24 hexadecimal characters.
var loopIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{24}$`)

func (r *LoopResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByLoopID(ctx, "id", req, resp)
}

// importByLoopID imports a resource named by a loop id, held in attribute
// attr of both its state and its identity: by id (`terraform import`, or an
// import block's `id`) or by identity (an import block's `identity`,
// Terraform 1.12 and later). The id is checked before any call, since the
// API answers a malformed id with a 404 that reads as "no such loop". Read,
// which follows, checks that the loop exists and sets the identity.
func importByLoopID(ctx context.Context, attr string, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := req.ID
	if id == "" && req.Identity != nil {
		var fromIdentity types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(attr), &fromIdentity)...)
		if resp.Diagnostics.HasError() {
			return
		}
		id = fromIdentity.ValueString()
	}
	if !loopIDPattern.MatchString(id) {
		resp.Diagnostics.AddError("Invalid loop id",
			fmt.Sprintf("%q is not a loop id: a loop's id is 24 hexadecimal characters, such as 65f1a2b3c4d5e6f7a8b9c0d1. "+
				"Find it in the HITL.sh app, in the `id` of the `hitl_loops` data source, or with `terraform query` "+
				"(Terraform 1.14 and later).", id))
		return
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root(attr), path.Root(attr), req, resp)
}
