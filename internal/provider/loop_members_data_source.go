package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

var _ datasource.DataSourceWithConfigure = &LoopMembersDataSource{}

// LoopMembersDataSource reads who is in a loop.
type LoopMembersDataSource struct {
	data *providerData
}

// NewLoopMembersDataSource returns the hitl_loop_members data source.
func NewLoopMembersDataSource() datasource.DataSource {
	return &LoopMembersDataSource{}
}

// loopMembersDataModel is the hitl_loop_members data source.
type loopMembersDataModel struct {
	LoopID       types.String `tfsdk:"loop_id"`
	Status       types.String `tfsdk:"status"`
	Members      types.List   `tfsdk:"members"`
	TotalCount   types.Int64  `tfsdk:"total_count"`
	ActiveCount  types.Int64  `tfsdk:"active_count"`
	PendingCount types.Int64  `tfsdk:"pending_count"`
}

func (d *LoopMembersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_loop_members"
}

func (d *LoopMembersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	count := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists who is in a loop, with each member's role, status and last activity, in one API call. " +
			"Anyone with the loop's invite code, join URL or QR code can join it; use this data source to see who did, " +
			"and `hitl_loop_member_policy` to keep strangers out.",
		Attributes: map[string]schema.Attribute{
			"loop_id": schema.StringAttribute{
				MarkdownDescription: loopMemberDocs.LoopID,
				Required:            true,
				Validators:          loopIDValidators(),
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Only list members with this status: `active` or `pending`. By default every member is listed.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(hitl.MemberActive, hitl.MemberPending)},
			},
			"members": schema.ListNestedAttribute{
				MarkdownDescription: loopMemberDocs.Members,
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: loopMemberDataSourceAttributes()},
			},
			"total_count":   count(loopMemberDocs.TotalCount),
			"active_count":  count(loopMemberDocs.ActiveCount),
			"pending_count": count(loopMemberDocs.PendingCount),
		},
	}
}

func (d *LoopMembersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *LoopMembersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config loopMembersDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() || !d.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, cancel := dataSourceContext(ctx)
	defer cancel()

	list, err := d.data.client.ListMembers(ctx, config.LoopID.ValueString())
	if err != nil {
		loopMembersReadError("Error reading loop members", config.LoopID.ValueString(), err, &resp.Diagnostics)
		return
	}
	members := list.Members
	if want := config.Status.ValueString(); want != "" {
		members = nil
		for _, m := range list.Members {
			if m.Status == want {
				members = append(members, m)
			}
		}
	}
	config.Members = loopMembersValue(members)
	config.TotalCount = types.Int64Value(int64(list.TotalCount))
	config.ActiveCount = types.Int64Value(int64(list.ActiveCount))
	config.PendingCount = types.Int64Value(int64(list.PendingCount))
	resp.Diagnostics.Append(resp.State.Set(ctx, &config)...)
}
