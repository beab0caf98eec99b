package provider

import (
	"context"
	"maps"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
	"github.com/hitl-sh/terraform-provider-hitl/internal/validators"
)

var (
	_ resource.ResourceWithConfigure      = &RequestResource{}
	_ resource.ResourceWithValidateConfig = &RequestResource{}
)

// Default time limits of the request operations, overridable in `timeouts`.
const (
	requestCreateTimeout = 5 * time.Minute
	requestReadTimeout   = 2 * time.Minute
	requestDeleteTimeout = 5 * time.Minute

	// requestDefaultWait is wait_timeout's default. While waiting, the
	// create timeout defaults to the wait plus requestCreateTimeout, so that
	// sending the request and recording the answer have time of their own.
	requestDefaultWait = "30m"
)

// RequestResource manages a HITL.sh review request.
type RequestResource struct {
	data *providerData
}

// NewRequestResource returns the hitl_request resource.
func NewRequestResource() resource.Resource {
	return &RequestResource{}
}

// requestResourceModel is the hitl_request resource's state: the shared
// request attributes plus the settings of the approval gate.
type requestResourceModel struct {
	requestModel
	WaitForResponse types.Bool           `tfsdk:"wait_for_response"`
	WaitTimeout     timetypes.GoDuration `tfsdk:"wait_timeout"`
	ApproveValues   types.List           `tfsdk:"approve_values"`
	Timeouts        timeouts.Value       `tfsdk:"timeouts"`
}

func (r *RequestResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_request"
}

func (r *RequestResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// A request cannot be changed once sent: a different question is a new
	// request.
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	// Values the server sets. They are refreshed by Read; an in-place
	// update changes only Terraform-side settings and keeps them.
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc,
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		}
	}
	optionalReplace := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Optional: true, PlanModifiers: replace, Validators: v}
	}
	withDefault := func(desc, def string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{
			MarkdownDescription: desc, Optional: true, Computed: true,
			Default: stringdefault.StaticString(def), PlanModifiers: replace, Validators: v,
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A review request: a question sent to the reviewers of a loop, who answer it from the HITL.sh " +
			"mobile app. With `wait_for_response` and `approve_values` it is an approval gate: `terraform apply` waits for a " +
			"person's answer and goes on only if they approve.\n\n" +
			"A request cannot be changed once sent, so changing any of its arguments sends a new one. Destroying a request " +
			"that is still `pending` or `claimed` cancels it; destroying an answered, timed-out or cancelled request only " +
			"removes it from state, since it is a record of what was decided. Import is not supported: a request belongs " +
			"to the run that asked it; read existing requests with the `hitl_request` data source.\n\n" +
			"**Gating a change that replaces a resource.** When a new question (such as a new release in `request_text`) " +
			"replaces the request together with the resource it gates, Terraform by default destroys before it creates: " +
			"it would destroy the running resource first, then ask, and a rejection would leave nothing in its place. Set " +
			"`lifecycle { create_before_destroy = true }` on the gated resource; Terraform extends it to the request the " +
			"resource depends on, so the new request is asked and answered first and the old resource is replaced only " +
			"after an approval. With Terraform 1.14 or later, the `hitl_approval` action is a simpler gate: it runs " +
			"before the change and keeps nothing in state.",
		Attributes: map[string]schema.Attribute{
			"id": computed(requestDocs.ID),
			"loop_id": schema.StringAttribute{
				MarkdownDescription: requestDocs.LoopID,
				Required:            true,
				PlanModifiers:       replace,
				Validators:          loopIDValidators(),
			},
			"request_text": schema.StringAttribute{
				MarkdownDescription: requestDocs.RequestText,
				Required:            true,
				PlanModifiers:       replace,
				Validators:          requestTextValidators(),
			},
			"priority": withDefault(requestDocs.Priority, requestDefaultPriority, priorityValidators()...),
			"processing_type": withDefault(requestDocs.ProcessingType, requestDefaultProcessingType,
				stringvalidator.OneOf(requestProcessingTypes...)),
			"timeout_seconds": schema.Int64Attribute{
				MarkdownDescription: requestDocs.TimeoutSeconds,
				Optional:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
				Validators:          timeoutSecondsValidators(),
			},
			"type": withDefault(requestDocs.Type, requestDefaultType, stringvalidator.OneOf(requestContentTypes...)),
			"image_url": optionalReplace(requestDocs.ImageURL,
				urlValidator{schemes: []string{"https", "http"}}),
			"response_type": schema.StringAttribute{
				MarkdownDescription: requestDocs.ResponseType,
				Required:            true,
				PlanModifiers:       replace,
				Validators:          []validator.String{stringvalidator.OneOf(requestResponseTypes...)},
			},
			"response_config":  responseConfigResourceAttribute(),
			"default_response": optionalReplace(requestDocs.DefaultResponse),
			"context":          jsonAttribute(optionalReplace(requestDocs.Context, contextValidators()...)),
			"tags": schema.ListAttribute{
				MarkdownDescription: requestDocs.Tags,
				ElementType:         types.StringType,
				Optional:            true,
				PlanModifiers:       []planmodifier.List{listplanmodifier.RequiresReplace()},
				Validators:          []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"callback_url": optionalReplace(requestDocs.CallbackURL,
				urlValidator{schemes: []string{"https"}, why: " The webhook carries the answer, so it must not travel in clear text."}),
			"wait_for_response": schema.BoolAttribute{
				MarkdownDescription: requestDocs.WaitForResponse,
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"wait_timeout": schema.StringAttribute{
				MarkdownDescription: requestDocs.WaitTimeout,
				CustomType:          timetypes.GoDurationType{},
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(requestDefaultWait),
				Validators:          []validator.String{validators.PositiveDuration()},
			},
			"approve_values": schema.ListAttribute{
				MarkdownDescription: requestDocs.ApproveValues,
				ElementType:         types.StringType,
				Optional:            true,
				PlanModifiers:       []planmodifier.List{listplanmodifier.RequiresReplace()},
				Validators:          approveValuesValidators(),
			},
			"status":     computed(requestDocs.Status),
			"timeout_at": computed(requestDocs.TimeoutAt),
			"created_at": computed(requestDocs.CreatedAt),
			"broadcasted_to": schema.Int64Attribute{
				MarkdownDescription: requestDocs.BroadcastedTo,
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"response_data": jsonAttribute(computed(requestDocs.ResponseData)),
			"response":      computed(requestDocs.Response),
			"response_by":   computed(requestDocs.ResponseBy),
			"response_at":   computed(requestDocs.ResponseAt),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{
				Create: true, Read: true, Delete: true,
				CreateDescription: "Time limit of create, as a duration such as `45m`: sending the request and, with " +
					"`wait_for_response`, waiting for the answer. Defaults to `wait_timeout` plus five minutes when waiting, " +
					"and five minutes otherwise.",
			}),
		},
	}
}

// responseConfigResourceAttribute is response_config as the resource takes
// it. Its checks against response_type are in ValidateConfig.
func responseConfigResourceAttribute() schema.SingleNestedAttribute {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Optional: true}
	}
	num := func(desc string) schema.Float64Attribute {
		return schema.Float64Attribute{MarkdownDescription: desc, Optional: true}
	}
	length := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{
			MarkdownDescription: desc, Optional: true,
			Validators: []validator.Int64{int64validator.AtLeast(0)},
		}
	}
	attr := schema.SingleNestedAttribute{
		MarkdownDescription: requestDocs.ResponseConfig,
		Optional:            true,
		PlanModifiers:       []planmodifier.Object{objectplanmodifier.RequiresReplace()},
		Attributes: map[string]schema.Attribute{
			"options": schema.ListNestedAttribute{
				MarkdownDescription: requestDocs.Options,
				Optional:            true,
				Validators:          optionsValidators(),
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"value": schema.StringAttribute{
						MarkdownDescription: requestDocs.OptionValue,
						Required:            true,
						Validators:          optionTextValidators(),
					},
					"label": schema.StringAttribute{
						MarkdownDescription: requestDocs.OptionLabel,
						Optional:            true,
						Validators:          optionTextValidators(),
					},
					"color": str(requestDocs.OptionColor),
				}},
			},
			"required":    schema.BoolAttribute{MarkdownDescription: requestDocs.Required, Optional: true},
			"scale_min":   num(requestDocs.ScaleMin),
			"scale_max":   num(requestDocs.ScaleMax),
			"scale_step":  num(requestDocs.ScaleStep),
			"placeholder": str(requestDocs.Placeholder),
			"min_length":  length(requestDocs.MinLength),
			"max_length":  textMaxLengthAttribute(),
		},
	}
	maps.Copy(attr.Attributes, responseTypeAttributes())
	return attr
}

func (r *RequestResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *RequestResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state requestResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, ok := r.data.startOperation(ctx, state.Timeouts.Read, requestReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	// Only the API's own "Request not found", with the loop's request list
	// agreeing, removes the request from state; a 404 from a wrong base_url
	// is an error.
	q, err := r.data.client.ReadRequest(ctx, state.ID.ValueString(), state.LoopID.ValueString())
	if hitl.IsConfirmedGone(err) {
		// Deleting a loop deletes its requests.
		tflog.Warn(ctx, "review request no longer exists; removing it from state", map[string]any{"request_id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error reading review request", err))
		return
	}
	// The arguments cannot change on the server; only the outcome does.
	// broadcasted_to keeps the create response's count.
	state.setOutcome(q)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes only Terraform-side settings (wait_timeout and timeouts):
// every argument that is part of the request itself requires a new one.
func (r *RequestResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state requestResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.WaitTimeout = plan.WaitTimeout
	state.Timeouts = plan.Timeouts
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *RequestResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state requestResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	// A final status never changes: an answered, timed-out or cancelled
	// request is a record of what was decided and stays in HITL.sh.
	if status := hitl.RequestStatus(state.Status.ValueString()); !state.Status.IsNull() && !status.IsOpen() {
		tflog.Debug(ctx, "review request is final; removing it from state only", map[string]any{"request_id": id, "status": status})
		return
	}
	if !r.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, cancel := operationContext(ctx, state.Timeouts.Delete, requestDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	// A request answered or timed out since the last refresh cannot be
	// cancelled; the engine confirms that, and a request gone with its loop,
	// rather than trusting the API's message.
	c, err := r.data.gate().Cancel(ctx, id, state.LoopID.ValueString())
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error cancelling review request", err))
		return
	}
	tflog.Debug(ctx, "review request cancelled or final", map[string]any{"request_id": id, "status": c.Status, "gone": c.Gone})
}
