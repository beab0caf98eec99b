package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
	"github.com/hitl-sh/terraform-provider-hitl/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = &LoopResource{}
	_ resource.ResourceWithImportState = &LoopResource{}
	_ resource.ResourceWithIdentity    = &LoopResource{}
)

// Default time limits of the loop operations, overridable in `timeouts`.
const (
	loopCreateTimeout = 5 * time.Minute
	loopReadTimeout   = 2 * time.Minute
	loopUpdateTimeout = 5 * time.Minute
	loopDeleteTimeout = 5 * time.Minute
)

// LoopResource manages a HITL.sh loop.
type LoopResource struct {
	data *providerData
}

// NewLoopResource returns the hitl_loop resource.
func NewLoopResource() resource.Resource {
	return &LoopResource{}
}

// loopResourceModel is the hitl_loop resource's state: the shared loop
// attributes plus what only the create response carries.
type loopResourceModel struct {
	loopModel
	InviteCode   types.String   `tfsdk:"invite_code"`
	JoinURL      types.String   `tfsdk:"join_url"`
	QRCodeURL    types.String   `tfsdk:"qr_code_url"`
	QRCodeBase64 types.String   `tfsdk:"qr_code_base64"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// setWithoutJoinDetails fills m from a loop whose create answer this
// resource does not have (an adopted or a listed loop): only that answer
// carries the invite code, join URL and QR code, so they are null, as
// after an import.
func (m *loopResourceModel) setWithoutJoinDetails(loop *hitl.Loop) {
	m.setFromAPI(loop)
	m.InviteCode = types.StringNull()
	m.JoinURL = types.StringNull()
	m.QRCodeURL = types.StringNull()
	m.QRCodeBase64 = types.StringNull()
}

func (r *LoopResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_loop"
}

func (r *LoopResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// Values the server sets once and never changes.
	fixed := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	// Only the create response carries these; an imported loop has them null.
	createOnly := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc + " Set from the create response only, which is the only answer that carries it: " +
				"it is null for a loop brought in with `terraform import`.",
			Computed:      true,
			PlanModifiers: fixed,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A loop: a group of human reviewers who answer review requests from the HITL.sh mobile app. " +
			"People join a loop with its invite code, join URL or QR code.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: loopDocs.ID,
				Computed:            true,
				PlanModifiers:       fixed,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: loopDocs.Name,
				Required:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, loopNameMaxChars)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: loopDocs.Description,
				Optional:            true,
				// Absent and "" are the same loop: the default makes both
				// plan as "", so they never fight each other.
				Computed:   true,
				Default:    stringdefault.StaticString(""),
				Validators: []validator.String{stringvalidator.UTF8LengthAtMost(loopDescriptionMaxChars)},
			},
			"icon": schema.StringAttribute{
				MarkdownDescription: loopDocs.Icon,
				Required:            true,
				Validators: []validator.String{
					stringvalidator.UTF8LengthBetween(1, loopIconMaxChars),
					validators.WarnUnlessOneOf(hitl.AllDocumentedIcons()...),
				},
			},
			"creator_id": schema.StringAttribute{
				MarkdownDescription: loopDocs.CreatorID,
				Computed:            true,
				PlanModifiers:       fixed,
			},
			"invite_code":    createOnly("Nine-character code with which reviewers join the loop in the mobile app."),
			"join_url":       createOnly("Link that opens the loop's invitation, to share with reviewers."),
			"qr_code_url":    createOnly("URL of a PNG QR code that encodes the join URL."),
			"qr_code_base64": qrCodeBase64Attribute(createOnly("The QR code as a `data:image/png;base64,...` URI.")),
			"members": schema.ListNestedAttribute{
				MarkdownDescription: loopDocs.Members,
				Computed:            true,
				// Changing a loop does not change who is in it.
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"user_id":   schema.StringAttribute{MarkdownDescription: loopDocs.MemberUserID, Computed: true},
					"email":     schema.StringAttribute{MarkdownDescription: loopDocs.MemberEmail, Computed: true},
					"status":    schema.StringAttribute{MarkdownDescription: loopDocs.MemberStatus, Computed: true},
					"joined_at": schema.StringAttribute{MarkdownDescription: loopDocs.MemberJoinedAt, Computed: true},
				}},
			},
			"member_count": schema.Int64Attribute{
				MarkdownDescription: loopDocs.MemberCount,
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"pending_count": schema.Int64Attribute{
				MarkdownDescription: loopDocs.PendingCount,
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: loopDocs.CreatedAt,
				Computed:            true,
				PlanModifiers:       fixed,
			},
			// No plan modifier: an update really changes it, so it is
			// unknown exactly when the loop is planned to change.
			"updated_at": schema.StringAttribute{
				MarkdownDescription: loopDocs.UpdatedAt,
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// loopIdentityModel is the identity of a hitl_loop (Terraform 1.12 and
// later): the loop's id, which is all the API needs to find it.
type loopIdentityModel struct {
	ID types.String `tfsdk:"id"`
}

func (r *LoopResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = oneAttributeIdentity("id", loopDocs.ID)
}

// setLoopIdentity sets a loop's identity.
func setLoopIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id types.String) diag.Diagnostics {
	return setIdentity(ctx, identity, loopIdentityModel{ID: id})
}

func (r *LoopResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *LoopResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan loopResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	ctx, cancel, ok := r.data.startOperation(ctx, plan.Timeouts.Create, loopCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	in := hitl.CreateLoopInput{
		Name:        plan.Name.ValueString(),
		Description: plan.Description.ValueString(),
		Icon:        plan.Icon.ValueString(),
	}
	created, adopted, diags := r.createLoop(ctx, in)
	resp.Diagnostics.Append(diags...)
	switch {
	case adopted != nil:
		// Only the lost create answer carried the join details.
		plan.setWithoutJoinDetails(adopted)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		resp.Diagnostics.Append(setLoopIdentity(ctx, resp.Identity, plan.ID)...)
		return
	case created == nil:
		return
	}
	tflog.Debug(ctx, "created loop", map[string]any{"loop_id": created.Loop.ID})

	// The create response is complete: no read-back is needed.
	plan.setFromAPI(&created.Loop)
	plan.InviteCode = types.StringValue(created.InviteCode)
	plan.JoinURL = types.StringValue(created.JoinURL)
	plan.QRCodeURL = types.StringValue(created.QRCodeURL)
	plan.QRCodeBase64 = types.StringValue(created.QRCodeBase64)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setLoopIdentity(ctx, resp.Identity, plan.ID)...)
}

func (r *LoopResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state loopResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The identity comes from the id in state, and is set before anything
	// else: Terraform before 1.12, and state written before the provider
	// had identities, send none, and the framework rejects a Read that
	// ends without one, even one that removes a loop deleted meanwhile.
	resp.Diagnostics.Append(setLoopIdentity(ctx, resp.Identity, state.ID)...)
	ctx, cancel, ok := r.data.startOperation(ctx, state.Timeouts.Read, loopReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	// Only the API's own "Loop not found", with the list agreeing, removes
	// the loop from state. Any other failure, including a 404 from a wrong
	// base_url, is an error: state keeps the loop and nothing is re-created.
	loop, err := r.data.loops.Get(ctx, state.ID.ValueString())
	if hitl.IsConfirmedGone(err) {
		tflog.Warn(ctx, "loop no longer exists; removing it from state", map[string]any{"loop_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error reading loop", err))
		return
	}
	// invite_code, join_url and the QR code keep their values from create:
	// no other answer carries them.
	state.setFromAPI(loop)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *LoopResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state loopResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, ok := r.data.startOperation(ctx, plan.Timeouts.Update, loopUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	// Send only what changed, so a concurrent edit of another field in the
	// HITL.sh dashboard is not overwritten.
	var in hitl.UpdateLoopInput
	if !plan.Name.Equal(state.Name) {
		in.Name = plan.Name.ValueStringPointer()
	}
	if !plan.Description.Equal(state.Description) {
		in.Description = plan.Description.ValueStringPointer()
	}
	if !plan.Icon.Equal(state.Icon) {
		in.Icon = plan.Icon.ValueStringPointer()
	}

	id := state.ID.ValueString()
	var loop *hitl.Loop
	var err error
	if in.IsEmpty() {
		// Only Terraform-side settings such as timeouts changed.
		loop, err = r.data.client.GetLoop(ctx, id)
	} else if err = notSent(ctx); err == nil {
		// Once sent, the update is seen through an interrupt, so that
		// state records what the API did (see seeThrough).
		sendCtx, release := seeThrough(ctx, r.data.interruptGrace())
		loop, err = r.data.client.UpdateLoop(sendCtx, id, in)
		release()
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error updating loop", err))
		return
	}

	// Membership was planned from state (an update does not change it);
	// keep the planned values so the result matches the plan, and let the
	// next refresh report anyone who joined in the meantime.
	members, memberCount, pendingCount := plan.Members, plan.MemberCount, plan.PendingCount
	plan.setFromAPI(loop)
	plan.Members, plan.MemberCount, plan.PendingCount = members, memberCount, pendingCount
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(setLoopIdentity(ctx, resp.Identity, plan.ID)...)
}

func (r *LoopResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state loopResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, ok := r.data.startOperation(ctx, state.Timeouts.Delete, loopDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	id := state.ID.ValueString()
	if err := notSent(ctx); err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error deleting loop", err))
		return
	}
	// Once sent, the delete is seen through an interrupt, so that state
	// records what the API did (see seeThrough).
	ctx, release := seeThrough(ctx, r.data.interruptGrace())
	defer release()
	err := r.data.client.DeleteLoop(ctx, id)
	if hitl.IsLoopNotFoundAnswer(err) {
		// Already gone (deleted outside Terraform, or by a retried delete
		// whose first answer was lost): success, once the list agrees.
		if err = r.data.client.ConfirmLoopGone(ctx, id, err); hitl.IsConfirmedGone(err) {
			tflog.Debug(ctx, "loop was already deleted", map[string]any{"loop_id": id})
			return
		}
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error deleting loop", err))
	}
}
