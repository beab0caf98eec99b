package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
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

// loopMemberPolicyModel is the hitl_loop_member_policy resource's state.
type loopMemberPolicyModel struct {
	ID                  types.String   `tfsdk:"id"`
	LoopID              types.String   `tfsdk:"loop_id"`
	AllowedEmails       types.Set      `tfsdk:"allowed_emails"`
	AllowedEmailDomains types.Set      `tfsdk:"allowed_email_domains"`
	IncludePending      types.Bool     `tfsdk:"include_pending"`
	CreatorID           types.String   `tfsdk:"creator_id"`
	Members             types.List     `tfsdk:"members"`
	UnexpectedMembers   types.Set      `tfsdk:"unexpected_members"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

// loopMemberPolicyIdentityModel is the identity of a member policy: its
// loop, of which there is one policy.
type loopMemberPolicyIdentityModel struct {
	LoopID types.String `tfsdk:"loop_id"`
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
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"loop_id": identityschema.StringAttribute{
				Description:       loopMemberDocs.LoopID,
				RequiredForImport: true,
			},
		},
	}
}

func (r *LoopMemberPolicyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("allowed_emails"), path.MatchRoot("allowed_email_domains")),
	}
}

func (r *LoopMemberPolicyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func setMemberPolicyIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, loopID types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, loopMemberPolicyIdentityModel{LoopID: loopID})
}

// policy returns the model's policy, and false while any part of it is
// unknown. A policy without lists (just imported) allows nobody.
func (m *loopMemberPolicyModel) policy(ctx context.Context, diags *diag.Diagnostics) (memberpolicy.Policy, bool) {
	emails, ok1 := knownStrings(ctx, m.AllowedEmails, diags)
	domains, ok2 := knownStrings(ctx, m.AllowedEmailDomains, diags)
	if !ok1 || !ok2 || m.IncludePending.IsUnknown() {
		return memberpolicy.Policy{}, false
	}
	return memberpolicy.Policy{Emails: emails, Domains: domains, IncludePending: m.IncludePending.ValueBool() || m.IncludePending.IsNull()}, true
}

// hasLists reports whether the policy has been configured: after an
// import, state holds neither list until the next apply.
func (m *loopMemberPolicyModel) hasLists() bool {
	return !m.AllowedEmails.IsNull() || !m.AllowedEmailDomains.IsNull()
}

// knownStrings returns a set's strings, and false if it or an element is
// unknown. A null set has none.
func knownStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) ([]string, bool) {
	if s.IsUnknown() {
		return nil, false
	}
	if s.IsNull() {
		return nil, true
	}
	var elems []types.String
	diags.Append(s.ElementsAs(ctx, &elems, false)...)
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		if e.IsUnknown() {
			return nil, false
		}
		out = append(out, e.ValueString())
	}
	return out, true
}

func emailSet(emails []string) types.Set {
	return types.SetValueMust(types.StringType, stringValues(emails))
}

func stringValues(ss []string) []attr.Value {
	out := make([]attr.Value, len(ss))
	for i, s := range ss {
		out[i] = types.StringValue(s)
	}
	return out
}

// creatorOf returns the creator of a loop: from state when known, else
// from the loop itself.
func (r *LoopMemberPolicyResource) creatorOf(ctx context.Context, known types.String, loopID string) (string, error) {
	if !known.IsNull() && !known.IsUnknown() && known.ValueString() != "" {
		return known.ValueString(), nil
	}
	loop, err := r.data.loops.Get(ctx, loopID)
	if err != nil {
		return "", err
	}
	return loop.CreatorID, nil
}

// ModifyPlan works out who an apply would remove, so that the plan shows
// it: from the refreshed state when there is one (no API call), and from
// the API before a create, which also finds an unknown loop at plan time.
func (r *LoopMemberPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy: nobody is removed
	}
	var plan loopMemberPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.LoopID.IsUnknown() {
		return
	}
	policy, known := plan.policy(ctx, &resp.Diagnostics)
	if !known || resp.Diagnostics.HasError() {
		return
	}
	loopID := plan.LoopID.ValueString()

	var state *loopMemberPolicyModel
	if !req.State.Raw.IsNull() {
		state = &loopMemberPolicyModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	var members []hitl.LoopMember
	var creatorID string
	var strangers []string // outside the policy of the refreshed state
	membersKnown := true
	if state != nil && state.LoopID.ValueString() == loopID {
		members = loopMembersFromValue(ctx, state.Members, &resp.Diagnostics)
		creatorID = state.CreatorID.ValueString()
		strangers, _ = knownStrings(ctx, state.UnexpectedMembers, &resp.Diagnostics)
		for _, email := range strangers {
			// Allowed now, but state has only their email: the members
			// list is known after apply.
			if policy.Allows(email) {
				membersKnown = false
			}
		}
	} else {
		if r.data == nil {
			return // the provider is not configured yet; apply will tell
		}
		readCtx, cancel := operationContext(ctx, plan.Timeouts.Read, memberPolicyReadTimeout, &resp.Diagnostics)
		defer cancel()
		if resp.Diagnostics.HasError() {
			return
		}
		list, err := r.data.client.ListMembers(readCtx, loopID)
		if err != nil {
			loopMembersReadError("Error reading loop members", loopID, err, &resp.Diagnostics)
			return
		}
		if creatorID, err = r.creatorOf(readCtx, types.StringNull(), loopID); err != nil {
			loopMembersReadError("Error reading loop", loopID, err, &resp.Diagnostics)
			return
		}
		members = list.Members
	}

	d := policy.Decide(members, creatorID)
	if d.CreatorOutside != nil {
		resp.Diagnostics.AddWarning("The loop's creator is outside the member policy",
			fmt.Sprintf("%s (user %s) created loop %s and matches neither `allowed_emails` nor `allowed_email_domains`. The API "+
				"does not allow removing a loop's creator, so they stay a member and no removal is attempted. Add the address "+
				"to `allowed_emails` to acknowledge it.", d.CreatorOutside.Email, d.CreatorOutside.UserID, loopID))
	}
	var remove []string
	for _, email := range strangers {
		if !policy.Allows(email) {
			remove = append(remove, email)
		}
	}
	remove = append(remove, memberpolicy.Emails(d.Remove)...)
	if len(remove) > 0 {
		resp.Diagnostics.AddWarning("Members outside the policy will be removed",
			fmt.Sprintf("Apply will remove %d member(s) of loop %s: %s. They can rejoin with the loop's invite code, and the "+
				"next plan will find them again.", len(remove), loopID, strings.Join(remove, ", ")))
	}

	plan.ID = plan.LoopID
	plan.CreatorID = types.StringValue(creatorID)
	if membersKnown {
		plan.Members = loopMembersValue(d.Keep)
	} else {
		plan.Members = types.ListUnknown(types.ObjectType{AttrTypes: loopMemberAttrTypes})
	}
	plan.UnexpectedMembers = emailSet(nil)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *LoopMemberPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan loopMemberPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, cancel := operationContext(ctx, plan.Timeouts.Create, memberPolicyApplyTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	r.enforce(ctx, &plan, &resp.State, &resp.Diagnostics)
	resp.Diagnostics.Append(setMemberPolicyIdentity(ctx, resp.Identity, plan.LoopID)...)
}

func (r *LoopMemberPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan loopMemberPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, cancel := operationContext(ctx, plan.Timeouts.Update, memberPolicyApplyTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	r.enforce(ctx, &plan, &resp.State, &resp.Diagnostics)
	resp.Diagnostics.Append(setMemberPolicyIdentity(ctx, resp.Identity, plan.LoopID)...)
}

// enforce reads the member list, removes whoever is outside the planned
// policy, and records the outcome in state, including after a failure part
// way through.
func (r *LoopMemberPolicyResource) enforce(ctx context.Context, plan *loopMemberPolicyModel, state *tfsdk.State, diags *diag.Diagnostics) {
	loopID := plan.LoopID.ValueString()
	policy, _ := plan.policy(ctx, diags)
	list, err := r.data.client.ListMembers(ctx, loopID)
	if err != nil {
		loopMembersReadError("Error reading loop members", loopID, err, diags)
		return
	}
	creatorID, err := r.creatorOf(ctx, plan.CreatorID, loopID)
	if err != nil {
		loopMembersReadError("Error reading loop", loopID, err, diags)
		return
	}
	d := policy.Decide(list.Members, creatorID)
	removed, err := memberpolicy.Enforce(ctx, r.data.client, loopID, d.Remove)
	for _, m := range removed {
		tflog.Info(ctx, "removed loop member outside the policy", map[string]any{"loop_id": loopID, "user_id": m.UserID})
	}
	remaining := memberpolicy.Emails(d.Remove[len(removed):])

	plan.ID = plan.LoopID
	plan.CreatorID = types.StringValue(creatorID)
	if plan.Members.IsUnknown() {
		plan.Members = loopMembersValue(d.Keep)
	}
	// A known plan is kept as planned, like the loop resource's members:
	// the next refresh reports anyone who joined since.
	plan.UnexpectedMembers = emailSet(remaining)
	diags.Append(state.Set(ctx, plan)...)
	if err != nil {
		done := "No member was removed before it."
		if len(removed) > 0 {
			done = fmt.Sprintf("Removed before it: %s.", strings.Join(memberpolicy.Emails(removed), ", "))
		}
		diags.AddError("Error removing loop member",
			fmt.Sprintf("%s\n\n%s Still to remove: %s. Run `terraform apply` again to finish.", apiErrorDetail(err), done,
				strings.Join(remaining, ", ")))
	}
}

func (r *LoopMemberPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state loopMemberPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setMemberPolicyIdentity(ctx, resp.Identity, state.LoopID)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, cancel := operationContext(ctx, state.Timeouts.Read, memberPolicyReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	loopID := state.LoopID.ValueString()
	list, err := r.data.client.ListMembers(ctx, loopID)
	if hitl.IsLoopNotFoundAnswer(err) {
		// With its loop gone, the policy is gone too, once the loop list
		// agrees; any other failure keeps it in state.
		if err = r.data.client.ConfirmLoopGone(ctx, loopID, err); hitl.IsConfirmedGone(err) {
			tflog.Warn(ctx, "the policy's loop no longer exists; removing the policy from state", map[string]any{"loop_id": loopID})
			resp.State.RemoveResource(ctx)
			return
		}
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error reading loop members", err))
		return
	}
	creatorID, err := r.creatorOf(ctx, state.CreatorID, loopID)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error reading loop", err))
		return
	}
	var d memberpolicy.Decision
	if state.hasLists() {
		policy, _ := state.policy(ctx, &resp.Diagnostics)
		d = policy.Decide(list.Members, creatorID)
	} else {
		// Just imported: the configured lists are not known here, so
		// nobody is unexpected yet; the plan applies the configuration.
		d.Keep = list.Members
	}
	state.ID = state.LoopID
	state.CreatorID = types.StringValue(creatorID)
	if state.IncludePending.IsNull() {
		state.IncludePending = types.BoolValue(true)
	}
	state.Members = loopMembersValue(d.Keep)
	state.UnexpectedMembers = emailSet(memberpolicy.Emails(d.Remove))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete removes nobody: destroying the policy only stops enforcing it.
func (r *LoopMemberPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	var state loopMemberPolicyModel
	if !req.State.Get(ctx, &state).HasError() {
		tflog.Debug(ctx, "member policy no longer enforced; nobody is removed", map[string]any{"loop_id": state.LoopID.ValueString()})
	}
}

func (r *LoopMemberPolicyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	// By loop id (`terraform import`, or an import block's `id`) or by
	// identity (Terraform 1.12 and later). Read, which follows, checks that
	// the loop exists and reads its members.
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("loop_id"), path.Root("loop_id"), req, resp)
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
