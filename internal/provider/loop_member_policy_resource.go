package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hitl-sh/terraform-provider-hitl/internal/memberpolicy"
)

var (
	_ resource.ResourceWithConfigure        = &LoopMemberPolicyResource{}
	_ resource.ResourceWithImportState      = &LoopMemberPolicyResource{}
	_ resource.ResourceWithIdentity         = &LoopMemberPolicyResource{}
	_ resource.ResourceWithModifyPlan       = &LoopMemberPolicyResource{}
	_ resource.ResourceWithConfigValidators = &LoopMemberPolicyResource{}
)

// Default time limits of the member policy's operations.
const (
	memberPolicyReadTimeout  = 2 * time.Minute
	memberPolicyApplyTimeout = 5 * time.Minute
)

// LoopMemberPolicyResource keeps a loop's members within allow-lists of
// addresses and domains: each refresh reads the member list, each apply
// removes whoever is outside the lists.
type LoopMemberPolicyResource struct {
	data *providerData
}

// NewLoopMemberPolicyResource returns the hitl_loop_member_policy resource.
func NewLoopMemberPolicyResource() resource.Resource {
	return &LoopMemberPolicyResource{}
}

func (r *LoopMemberPolicyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_loop_member_policy"
}

func (r *LoopMemberPolicyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	fixed := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Keeps strangers out of a loop. Anyone with a loop's invite code, join URL or QR code can join " +
			"it and read every review request sent to it, and removed members can rejoin with the same code. This resource " +
			"checks the member list on every plan (someone outside the policy makes the plan show an update that lists them " +
			"in `unexpected_members`) and removes them on every apply. The loop's creator is never removed: the API does " +
			"not allow it. Destroying the resource removes nobody; it only stops enforcing the policy.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The loop's id, as `loop_id`.",
				Computed:            true,
				PlanModifiers:       fixed,
			},
			"loop_id": schema.StringAttribute{
				MarkdownDescription: loopMemberDocs.LoopID + " Changing it replaces the policy.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          loopIDValidators(),
			},
			"allowed_emails": schema.SetAttribute{
				MarkdownDescription: "Addresses that may be members, such as `contractor@partner.io`, compared case-insensitively. " +
					"Set this, `allowed_email_domains`, or both.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(checkedString{what: "email address", check: memberpolicy.CheckEmail}),
				},
			},
			"allowed_email_domains": schema.SetAttribute{
				MarkdownDescription: "Domains whose addresses may be members, such as `example.com`, compared case-insensitively. " +
					"A domain allows exactly that domain, not its subdomains. Set this, `allowed_emails`, or both.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(checkedString{what: "domain", check: memberpolicy.CheckDomain}),
				},
			},
			"include_pending": schema.BoolAttribute{
				MarkdownDescription: "Whether members whose invitation is still pending are held to the policy too. Defaults " +
					"to `true`: a pending stranger is removed like an active one. With `false`, pending members are left alone " +
					"until they become active.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"creator_id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the loop's creator, who is never removed.",
				Computed:            true,
				PlanModifiers:       fixed,
			},
			"members": schema.ListNestedAttribute{
				MarkdownDescription: "The members who stay: those the policy allows, the loop's creator, and pending members " +
					"when `include_pending` is `false`. " + loopMemberDocs.Members,
				Computed:     true,
				NestedObject: schema.NestedAttributeObject{Attributes: loopMemberResourceAttributes()},
			},
			"unexpected_members": schema.SetAttribute{
				MarkdownDescription: "Emails of the members outside the policy, as of the last refresh. The next apply removes " +
					"them, so a plan that finds any shows this set going to empty.",
				ElementType: types.StringType,
				Computed:    true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true}),
		},
	}
}

func (r *LoopMemberPolicyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = oneAttributeIdentity("loop_id", loopMemberDocs.LoopID)
}

func (r *LoopMemberPolicyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("allowed_emails"), path.MatchRoot("allowed_email_domains")),
	}
}

func (r *LoopMemberPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *LoopMemberPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	// Read, which follows the checked import, reads the loop's members.
	importByLoopID(ctx, "loop_id", req, resp)
}

// checkedString validates each string with check, which says what is
// wrong with it.
type checkedString struct {
	what  string
	check func(string) error
}

func (v checkedString) Description(context.Context) string {
	return "each value must be a valid " + v.what
}

func (v checkedString) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v checkedString) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.what, err.Error()+".")
	}
}
