package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
	"github.com/hitl-sh/terraform-provider-hitl/internal/memberpolicy"
)

// This file holds what the hitl_loop_members data source and the
// hitl_loop_member_policy resource have in common: a member as the member
// list reports it, its descriptions, and the mapping to Terraform values.

// loopMemberDocs are the descriptions of a member list's attributes; those
// a loop's `members` has too are the loop's.
var loopMemberDocs = struct {
	LoopID, Members, UserID, Email, Status, Role, JoinedAt, LastActive string
	TotalCount, ActiveCount, PendingCount                              string
}{
	LoopID:       "Identifier of the loop: 24 hexadecimal characters.",
	Members:      "Members of the loop, ordered by email (case-insensitively) so that the list does not reorder between reads.",
	UserID:       loopDocs.MemberUserID,
	Email:        loopDocs.MemberEmail,
	Status:       "`active`, or `pending` while the invitation has not been accepted; pending members receive no requests.",
	Role:         "`admin` for the loop's creator, `member` for everyone else.",
	JoinedAt:     loopDocs.MemberJoinedAt,
	LastActive:   "When the member was last active (RFC 3339); null if never.",
	TotalCount:   "Number of members, as the API counts them, whatever `status` filters.",
	ActiveCount:  "Number of active members, as the API counts them.",
	PendingCount: "Number of members whose invitation is pending, as the API counts them.",
}

// loopMemberAttrTypes is the object type of one member.
var loopMemberAttrTypes = map[string]attr.Type{
	"user_id":     types.StringType,
	"email":       types.StringType,
	"status":      types.StringType,
	"role":        types.StringType,
	"joined_at":   types.StringType,
	"last_active": types.StringType,
}

// loopMembersValue is members as a list value, ordered by email.
func loopMembersValue(members []hitl.LoopMember) types.List {
	sorted := append([]hitl.LoopMember(nil), members...)
	memberpolicy.SortByEmail(sorted)
	elems := make([]attr.Value, 0, len(sorted))
	for _, m := range sorted {
		// The values match loopMemberAttrTypes by construction.
		elems = append(elems, types.ObjectValueMust(loopMemberAttrTypes, map[string]attr.Value{
			"user_id":     types.StringValue(m.UserID),
			"email":       types.StringValue(m.Email),
			"status":      types.StringValue(m.Status),
			"role":        types.StringValue(m.Role),
			"joined_at":   types.StringPointerValue(m.JoinedAt),
			"last_active": types.StringPointerValue(m.LastActive),
		}))
	}
	return types.ListValueMust(types.ObjectType{AttrTypes: loopMemberAttrTypes}, elems)
}

// loopMemberModel is one element of a member list, to read it back.
type loopMemberModel struct {
	UserID     types.String `tfsdk:"user_id"`
	Email      types.String `tfsdk:"email"`
	Status     types.String `tfsdk:"status"`
	Role       types.String `tfsdk:"role"`
	JoinedAt   types.String `tfsdk:"joined_at"`
	LastActive types.String `tfsdk:"last_active"`
}

// loopMembersFromValue reads a member list value back into API members.
func loopMembersFromValue(ctx context.Context, v types.List, diags *diag.Diagnostics) []hitl.LoopMember {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	var ms []loopMemberModel
	diags.Append(v.ElementsAs(ctx, &ms, false)...)
	out := make([]hitl.LoopMember, 0, len(ms))
	for _, m := range ms {
		out = append(out, hitl.LoopMember{
			UserID: m.UserID.ValueString(), Email: m.Email.ValueString(), Status: m.Status.ValueString(),
			Role: m.Role.ValueString(), JoinedAt: m.JoinedAt.ValueStringPointer(), LastActive: m.LastActive.ValueStringPointer(),
		})
	}
	return out
}

// loopMemberAttributeDocs are a member's attributes, all computed
// strings, by name, with their descriptions.
func loopMemberAttributeDocs() map[string]string {
	return map[string]string{
		"user_id":     loopMemberDocs.UserID,
		"email":       loopMemberDocs.Email,
		"status":      loopMemberDocs.Status,
		"role":        loopMemberDocs.Role,
		"joined_at":   loopMemberDocs.JoinedAt,
		"last_active": loopMemberDocs.LastActive,
	}
}

// loopMemberDataSourceAttributes are a member's attributes in a data source.
func loopMemberDataSourceAttributes() map[string]dsschema.Attribute {
	out := map[string]dsschema.Attribute{}
	for name, desc := range loopMemberAttributeDocs() {
		out[name] = dsschema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	return out
}

// loopMemberResourceAttributes are a member's attributes in a resource.
func loopMemberResourceAttributes() map[string]rschema.Attribute {
	out := map[string]rschema.Attribute{}
	for name, desc := range loopMemberAttributeDocs() {
		out[name] = rschema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	return out
}

// loopMembersReadError is the diagnostic for a member list that could not
// be read; a loop that is not found is reported on the loop_id attribute.
func loopMembersReadError(summary, loopID string, err error, diags *diag.Diagnostics) {
	if hitl.IsLoopNotFoundAnswer(err) {
		diags.AddAttributeError(path.Root("loop_id"), summary,
			fmt.Sprintf("There is no loop with id %q: %s.\n\nCheck the id; the loop may have been deleted. "+
				"Only loops the API key's account can see are found.", loopID, err))
		return
	}
	diags.Append(apiErrorDiagnostic(summary, err))
}
