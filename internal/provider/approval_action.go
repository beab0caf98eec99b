package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
	"github.com/hitl-sh/terraform-provider-hitl/internal/validators"
)

var (
	_ action.ActionWithConfigure      = &ApprovalAction{}
	_ action.ActionWithValidateConfig = &ApprovalAction{}
)

// Defaults of the hitl_approval action.
const (
	approvalDefaultPriority = "high"
	approvalDefaultTimeout  = 3600
	approvalDefaultAnswer   = "reject"
	approvalApprove         = "approve"

	// approvalProgressEvery is the longest silence while waiting: a line
	// at least this often tells the user the apply is still alive.
	approvalProgressEvery = 30 * time.Second
)

// ApprovalAction is the hitl_approval action: it asks a loop whether a
// change may go ahead and fails unless a reviewer approves. Terraform 1.14
// and later run it before the change that triggers it.
type ApprovalAction struct {
	data *providerData
	// progressEvery is approvalProgressEvery; tests shorten it.
	progressEvery time.Duration
}

// NewApprovalAction returns the hitl_approval action.
func NewApprovalAction() action.Action {
	return &ApprovalAction{progressEvery: approvalProgressEvery}
}

// approvalActionModel is the action's configuration.
type approvalActionModel struct {
	LoopID          types.String         `tfsdk:"loop_id"`
	RequestText     types.String         `tfsdk:"request_text"`
	Priority        types.String         `tfsdk:"priority"`
	TimeoutSeconds  types.Int64          `tfsdk:"timeout_seconds"`
	Options         types.List           `tfsdk:"options"`
	ApproveValues   types.List           `tfsdk:"approve_values"`
	DefaultResponse types.String         `tfsdk:"default_response"`
	Context         jsontypes.Normalized `tfsdk:"context"`
	WaitTimeout     timetypes.GoDuration `tfsdk:"wait_timeout"`
	// The response type and the boolean type's settings; see
	// approval_boolean.go.
	ResponseType types.String `tfsdk:"response_type"`
	TrueLabel    types.String `tfsdk:"true_label"`
	FalseLabel   types.String `tfsdk:"false_label"`
}

// approvalDefaultOptions are the options of a request that sets none.
var approvalDefaultOptions = []hitl.ResponseOption{
	{Value: approvalApprove, Label: "Approve", Color: "#16a34a"},
	{Value: approvalDefaultAnswer, Label: "Reject", Color: "#dc2626"},
}

var approvalDocs = struct {
	Priority, TimeoutSeconds, Options, OptionValue, ApproveValues, DefaultResponse, Context, WaitTimeout string
}{
	Priority: "Priority shown to reviewers: `low`, `medium`, `high` or `critical`. Defaults to `high`.",
	TimeoutSeconds: "Seconds reviewers have to answer, from 60 to 86400 (24 hours). Defaults to `3600`. The request is " +
		"`time-sensitive`; when the deadline passes, `default_response` is recorded as the answer.",
	OptionValue: "Value recorded when a reviewer picks the option; `approve_values` and `default_response` name " +
		"options by this value, never by their label. Unique within `options`.",
	Options: "The choices reviewers pick from, in display order: a list of `{ value, label, color }` objects as in " +
		"`hitl_request`'s `response_config.options`. The request is a `single_select`. Defaults to *Approve* " +
		"(`approve`, green) and *Reject* (`reject`, red).",
	ApproveValues: "Option values that let the change go ahead; any other answer fails it. Option values, not labels. " +
		"Defaults to `[\"approve\"]`.",
	DefaultResponse: "Option value recorded as the answer when nobody responds before the deadline, and judged like any " +
		"answer. Defaults to `reject`: silence is not consent.",
	Context: "Extra data for reviewers, as a JSON object; write it with `jsonencode({...})`. Anything else is rejected at plan time.",
	WaitTimeout: "How long to wait for an answer, as a duration such as `30m` or `2h`. Defaults to the request's own " +
		"deadline (`timeout_seconds`). When it passes without an answer, the request is cancelled and the change fails.",
}

func (a *ApprovalAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_approval"
}

func (a *ApprovalAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	defer func() { maps.Copy(resp.Schema.Attributes, approvalResponseTypeAttributes()) }()
	resp.Schema = schema.Schema{
		MarkdownDescription: "Asks the reviewers of a loop whether a change may go ahead, and fails unless one of them " +
			"approves. Needs Terraform 1.14 or later. Triggered `before_create` or `before_update` (with Terraform 1.16, " +
			"also `before_destroy`) by a resource's `action_trigger`, it runs before that change: an approval lets the " +
			"change go ahead, and any other answer, silence included, fails the action with an error that quotes the " +
			"answer and who gave it. Terraform then stops the change, except during `terraform destroy` and with " +
			"`on_failure = continue`, where it turns the error into a warning and makes the change. It can also be run " +
			"on its own with `terraform apply -invoke=action.hitl_approval.<name>`.\n\n" +
			"Each run sends a new `single_select` (or, with `response_type`, `boolean`) review request, reports who was asked and the request's status while " +
			"it waits, and cancels the request if Terraform is interrupted or `wait_timeout` passes, so that nobody " +
			"approves a change that is no longer waiting. Nothing is kept in state: the `hitl_request` data source reads " +
			"a request afterwards.",
		Attributes: map[string]schema.Attribute{
			"loop_id": schema.StringAttribute{
				MarkdownDescription: requestDocs.LoopID,
				Required:            true,
				Validators:          loopIDValidators(),
			},
			"request_text": schema.StringAttribute{
				MarkdownDescription: requestDocs.RequestText,
				Required:            true,
				Validators:          requestTextValidators(),
			},
			"priority": schema.StringAttribute{
				MarkdownDescription: approvalDocs.Priority,
				Optional:            true,
				Validators:          priorityValidators(),
			},
			"timeout_seconds": schema.Int64Attribute{
				MarkdownDescription: approvalDocs.TimeoutSeconds,
				Optional:            true,
				Validators:          timeoutSecondsValidators(),
			},
			"options": schema.ListNestedAttribute{
				MarkdownDescription: approvalDocs.Options,
				Optional:            true,
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"value": schema.StringAttribute{
						MarkdownDescription: approvalDocs.OptionValue,
						Required:            true,
						Validators:          optionTextValidators(),
					},
					"label": schema.StringAttribute{
						MarkdownDescription: requestDocs.OptionLabel,
						Optional:            true,
						Validators:          optionTextValidators(),
					},
					"color": schema.StringAttribute{MarkdownDescription: requestDocs.OptionColor, Optional: true},
				}},
			},
			"approve_values": schema.ListAttribute{
				MarkdownDescription: approvalDocs.ApproveValues,
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          approveValuesValidators(),
			},
			"default_response": schema.StringAttribute{
				MarkdownDescription: approvalDocs.DefaultResponse,
				Optional:            true,
				Validators:          optionTextValidators(),
			},
			"context": schema.StringAttribute{
				MarkdownDescription: approvalDocs.Context,
				CustomType:          jsontypes.NormalizedType{},
				Optional:            true,
				Validators:          contextValidators(),
			},
			"wait_timeout": schema.StringAttribute{
				MarkdownDescription: approvalDocs.WaitTimeout,
				CustomType:          timetypes.GoDurationType{},
				Optional:            true,
				Validators:          []validator.String{validators.PositiveDuration()},
			},
		},
	}
}

func (a *ApprovalAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks the answers against the options, at plan time and
// without calling the API: an approval that no option can give would
// never be granted.
func (a *ApprovalAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var cfg approvalActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.Options.IsUnknown() {
		return
	}
	responseType := responseSingleSelect
	var options []responseOptionModel
	if !cfg.ResponseType.IsNull() && cfg.ResponseType.ValueString() != responseSingleSelect {
		if !cfg.isBoolean() {
			return // Unknown until apply.
		}
		responseType = responseBoolean
		resp.Diagnostics.Append(cfg.validateNoOptions()...)
	} else {
		resp.Diagnostics.Append(cfg.validateNoBooleanSettings()...)
		var diags diag.Diagnostics
		options, diags = cfg.options(ctx)
		resp.Diagnostics.Append(diags...)
		resp.Diagnostics.Append(validateOptionValues(responseSingleSelect, options, path.Root("options"))...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(cfg.validateAnswers(ctx, responseType, options)...)
}

// answerDefaults are approve_values and default_response when they are not
// set: the default options' approve and reject, or a boolean's true and
// false.
func (m *approvalActionModel) answerDefaults() (approve, answer string) {
	if m.isBoolean() {
		return approvalBooleanApprove, approvalBooleanDefault
	}
	return approvalApprove, approvalDefaultAnswer
}

// validateAnswers checks approve_values and default_response, or their
// defaults, against the answers reviewers can give: options are the
// single_select's, nil for a boolean.
func (m *approvalActionModel) validateAnswers(ctx context.Context, responseType string, options []responseOptionModel) diag.Diagnostics {
	var diags diag.Diagnostics
	defApprove, defAnswer := m.answerDefaults()
	rejecting := "the value of an option that rejects"
	if responseType == responseBoolean {
		rejecting = strconv.Quote(approvalBooleanDefault)
	}
	approve := []types.String{types.StringValue(defApprove)}
	if known(m.ApproveValues) {
		approve = nil
		diags.Append(m.ApproveValues.ElementsAs(ctx, &approve, false)...)
	}
	for i, v := range approve {
		if !known(v) {
			continue
		}
		if problem := answerProblem(responseType, nil, options, v.ValueString()); problem != "" {
			if m.ApproveValues.IsNull() {
				diags.AddAttributeError(path.Root("options"), "No option approves",
					problem+fmt.Sprintf(" approve_values defaults to [%q]: add an option with that value, or set "+
						"approve_values to the values of the options that approve.", defApprove))
				continue
			}
			diags.AddAttributeError(path.Root("approve_values").AtListIndex(i), "Answer no reviewer can give",
				problem+" An approval waiting for it would never be granted; correct the value.")
		}
	}
	def := m.DefaultResponse
	if def.IsNull() {
		def = types.StringValue(defAnswer)
	}
	if !known(def) {
		return diags
	}
	switch problem := answerProblem(responseType, nil, options, def.ValueString()); {
	case problem != "" && m.DefaultResponse.IsNull():
		diags.AddAttributeError(path.Root("default_response"), "Missing default response",
			problem+fmt.Sprintf(" default_response defaults to %q, the answer recorded when nobody responds in time: "+
				"set it to %s.", defAnswer, rejecting))
	case problem != "":
		diags.AddAttributeError(path.Root("default_response"), "Invalid default response",
			problem+" The default response is recorded as the answer when nobody responds in time, so it must "+
				"be one a reviewer could give.")
	case slices.ContainsFunc(approve, func(v types.String) bool { return known(v) && v.ValueString() == def.ValueString() }):
		diags.AddAttributeWarning(path.Root("default_response"), "Silence approves",
			fmt.Sprintf("default_response %q is one of approve_values, so the change goes ahead when nobody answers "+
				"in time. Use %s unless that is intended.", def.ValueString(), rejecting))
	}
	return diags
}

// options returns the configured options, or the defaults when none are
// set.
func (m *approvalActionModel) options(ctx context.Context) ([]responseOptionModel, diag.Diagnostics) {
	if m.Options.IsNull() {
		out := make([]responseOptionModel, 0, len(approvalDefaultOptions))
		for _, o := range approvalDefaultOptions {
			out = append(out, responseOptionModel{
				Value: types.StringValue(o.Value), Label: types.StringValue(o.Label), Color: types.StringValue(o.Color),
			})
		}
		return out, nil
	}
	return responseOptions(ctx, m.Options)
}

// approvalSettings is a configuration with its defaults applied.
type approvalSettings struct {
	loopID   string
	in       hitl.CreateRequestInput
	approve  []string
	wait     time.Duration
	waitText string
	// labels are the labels of answers that have one apart from their
	// value (a boolean's true_label and false_label), for messages.
	labels map[string]string
}

func (m *approvalActionModel) settings(ctx context.Context) (approvalSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := approvalSettings{
		loopID: m.LoopID.ValueString(),
		in: hitl.CreateRequestInput{
			ProcessingType: processingTimeSensitive,
			Type:           contentMarkdown,
			Priority:       approvalDefaultPriority,
			RequestText:    m.RequestText.ValueString(),
			ResponseType:   responseSingleSelect,
			TimeoutSeconds: approvalDefaultTimeout,
			Platform:       hitl.PlatformAPI,
		},
	}
	if !m.Priority.IsNull() {
		s.in.Priority = m.Priority.ValueString()
	}
	if !m.TimeoutSeconds.IsNull() {
		s.in.TimeoutSeconds = m.TimeoutSeconds.ValueInt64()
	}
	if m.isBoolean() {
		m.applyBoolean(&s)
	} else {
		options, d := m.options(ctx)
		diags.Append(d...)
		s.in.ResponseConfig = &hitl.ResponseConfig{Options: apiOptions(options)}
	}
	approve, answer := m.answerDefaults()
	s.approve = []string{approve}
	if !m.ApproveValues.IsNull() {
		s.approve = nil
		diags.Append(m.ApproveValues.ElementsAs(ctx, &s.approve, false)...)
	}
	if !m.DefaultResponse.IsNull() {
		answer = m.DefaultResponse.ValueString()
	}
	// ValidateConfig has checked that the answer encodes.
	s.in.DefaultResponse, _ = hitl.EncodeAnswer(s.in.ResponseType, answer)
	if !m.Context.IsNull() {
		s.in.Context = json.RawMessage(m.Context.ValueString())
	}
	s.wait = time.Duration(s.in.TimeoutSeconds) * time.Second
	s.waitText = shortDuration(s.wait)
	if !m.WaitTimeout.IsNull() {
		wait, d := m.WaitTimeout.ValueGoDuration()
		diags.Append(d...)
		s.wait, s.waitText = wait, m.WaitTimeout.ValueString()
	}
	return s, diags
}
