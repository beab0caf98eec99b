package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// This file holds what the hitl_loop resource and the hitl_loop and
// hitl_loops data sources have in common: the loop's attributes, their
// descriptions, and the mapping from the API's loop object to Terraform
// values. Each schema is built from loopDocs, so a description is written
// once.

// Documented limits of a loop's fields, enforced at plan time.
const (
	loopNameMaxChars        = 100
	loopDescriptionMaxChars = 500
	loopIconMaxChars        = 100
)

// loopDocs are the descriptions of the loop attributes.
var loopDocs = struct {
	ID, Name, Description, Icon, CreatorID, Members, MemberCount, PendingCount, CreatedAt, UpdatedAt string
	MemberUserID, MemberEmail, MemberStatus, MemberJoinedAt                                          string
	ActiveMemberCount                                                                                string
}{
	ID:   "Identifier of the loop: 24 hexadecimal characters.",
	Name: "Name of the loop, shown to reviewers in the mobile app. 1 to 100 characters.",
	Description: "What the loop's reviewers are asked to do. At most 500 characters; newlines are allowed. " +
		"Defaults to the empty string.",
	Icon: "Icon of the loop, at most 100 characters. The documented identifiers are " +
		documentedIconsMarkdown() + ". Other values are passed to the API with a warning.",
	CreatorID:      "Identifier of the user who created the loop: the owner of the API key.",
	Members:        "Reviewers of the loop, the creator first. People join from the HITL.sh mobile app; they cannot be added through the API.",
	MemberCount:    "Number of members as the API counts them: all entries of `members`, pending ones included.",
	PendingCount:   "Number of members whose invitation is still pending, who cannot receive review requests yet.",
	CreatedAt:      "When the loop was created (RFC 3339).",
	UpdatedAt:      "When the loop was last changed (RFC 3339).",
	MemberUserID:   "Identifier of the member's user.",
	MemberEmail:    "Email address of the member.",
	MemberStatus:   "`active` or `pending`.",
	MemberJoinedAt: "When the member joined (RFC 3339); null while pending.",
	ActiveMemberCount: "Number of entries of `members` whose status is `active` (`member_count` minus `pending_count`), " +
		"counted by the provider: the reviewers who can receive review requests. A loop needs at least one before it can " +
		"receive any.",
}

// memberAttrTypes is the object type of one element of `members`.
var memberAttrTypes = map[string]attr.Type{
	"user_id":   types.StringType,
	"email":     types.StringType,
	"status":    types.StringType,
	"joined_at": types.StringType,
}

// loopModel holds the attributes every loop schema has.
type loopModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	Description  types.String `tfsdk:"description"`
	Icon         types.String `tfsdk:"icon"`
	CreatorID    types.String `tfsdk:"creator_id"`
	Members      types.List   `tfsdk:"members"`
	MemberCount  types.Int64  `tfsdk:"member_count"`
	PendingCount types.Int64  `tfsdk:"pending_count"`
	CreatedAt    types.String `tfsdk:"created_at"`
	UpdatedAt    types.String `tfsdk:"updated_at"`
}

// setFromAPI copies an API loop into the model.
func (m *loopModel) setFromAPI(l *hitl.Loop) {
	m.ID = types.StringValue(l.ID)
	m.Name = types.StringValue(l.Name)
	m.Description = types.StringValue(l.Description)
	m.Icon = types.StringValue(l.Icon)
	m.CreatorID = types.StringValue(l.CreatorID)
	m.Members = membersValue(l.Members)
	m.MemberCount = types.Int64Value(int64(l.MemberCount))
	m.PendingCount = types.Int64Value(int64(l.PendingCount))
	m.CreatedAt = types.StringValue(l.CreatedAt)
	m.UpdatedAt = types.StringValue(l.UpdatedAt)
}

func membersValue(members []hitl.Member) types.List {
	elemType := types.ObjectType{AttrTypes: memberAttrTypes}
	elems := make([]attr.Value, 0, len(members))
	for _, mem := range members {
		// The object is built from values that match memberAttrTypes by
		// construction, so it cannot fail.
		obj := types.ObjectValueMust(memberAttrTypes, map[string]attr.Value{
			"user_id":   types.StringValue(mem.UserID),
			"email":     types.StringValue(mem.Email),
			"status":    types.StringValue(mem.Status),
			"joined_at": types.StringPointerValue(mem.JoinedAt),
		})
		elems = append(elems, obj)
	}
	return types.ListValueMust(elemType, elems)
}

// loopDataSourceAttributes returns a loop's attributes as the data sources
// expose them, all computed. hitl_loop uses them at the top level (and makes
// `id` and `name` its lookup keys); hitl_loops uses them for each element of
// `loops`.
func loopDataSourceAttributes() map[string]dsschema.Attribute {
	str := func(desc string) dsschema.StringAttribute {
		return dsschema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	count := func(desc string) dsschema.Int64Attribute {
		return dsschema.Int64Attribute{MarkdownDescription: desc, Computed: true}
	}
	return map[string]dsschema.Attribute{
		"id":          str(loopDocs.ID),
		"name":        str(loopDocs.Name),
		"description": str(loopDocs.Description),
		"icon":        str(loopDocs.Icon),
		"creator_id":  str(loopDocs.CreatorID),
		"members": dsschema.ListNestedAttribute{
			MarkdownDescription: loopDocs.Members,
			Computed:            true,
			NestedObject: dsschema.NestedAttributeObject{Attributes: map[string]dsschema.Attribute{
				"user_id":   str(loopDocs.MemberUserID),
				"email":     str(loopDocs.MemberEmail),
				"status":    str(loopDocs.MemberStatus),
				"joined_at": str(loopDocs.MemberJoinedAt),
			}},
		},
		"member_count":        count(loopDocs.MemberCount),
		"pending_count":       count(loopDocs.PendingCount),
		"active_member_count": count(loopDocs.ActiveMemberCount),
		"created_at":          str(loopDocs.CreatedAt),
		"updated_at":          str(loopDocs.UpdatedAt),
	}
}

// loopDataModel is a loop as the data sources expose it: the shared loop
// attributes plus what the provider derives from them.
type loopDataModel struct {
	loopModel
	ActiveMemberCount types.Int64 `tfsdk:"active_member_count"`
}

// setFromAPI copies an API loop into the model.
func (m *loopDataModel) setFromAPI(l *hitl.Loop) {
	m.loopModel.setFromAPI(l)
	active := 0
	for _, mem := range l.Members {
		if mem.Status == hitl.MemberActive {
			active++
		}
	}
	m.ActiveMemberCount = types.Int64Value(int64(active))
}
