package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// This file holds what the hitl_request resource and data source have in
// common: the request's attributes, their descriptions, and the mapping
// between Terraform values and the API's request object.

// Documented limits and values of a request's fields, enforced at plan time.
const (
	requestTextMaxChars   = 2000
	requestTimeoutMinSecs = 60
	requestTimeoutMaxSecs = 86400

	requestDefaultPriority       = "medium"
	requestDefaultProcessingType = processingTimeSensitive
	requestDefaultType           = contentMarkdown

	processingTimeSensitive = "time-sensitive"
	processingDeferred      = "deferred"
	contentMarkdown         = "markdown"
	contentImage            = "image"

	responseSingleSelect = "single_select"
	responseMultiSelect  = "multi_select"
	responseRating       = "rating"
	responseText         = "text"
	responseNumber       = "number"
	responseBoolean      = "boolean"
)

var (
	requestPriorities      = []string{"low", "medium", "high", "critical"}
	requestProcessingTypes = []string{processingTimeSensitive, processingDeferred}
	requestContentTypes    = []string{contentMarkdown, contentImage}
	requestResponseTypes   = []string{responseSingleSelect, responseMultiSelect, responseRating, responseText, responseNumber, responseBoolean}
)

// requestDocs are the descriptions of the request attributes.
var requestDocs = struct {
	ID, LoopID, RequestText, Priority, ProcessingType, TimeoutSeconds, Type, ImageURL                   string
	ResponseType, ResponseConfig, Options, OptionValue, OptionLabel, OptionColor, Required              string
	ScaleMin, ScaleMax, ScaleStep, Placeholder, MinLength, MaxLength                                    string
	MinSelections, MaxSelections, Labels, MinValue, MaxValue, DecimalPlaces, Prefix, Suffix             string
	AllowNegative, TrueLabel, FalseLabel, TrueColor, FalseColor                                         string
	DefaultResponse, Context, Tags, CallbackURL                                                         string
	Status, TimeoutAt, CreatedAt, BroadcastedTo, ResponseData, Response, ResponseBy, ResponseAt         string
	WaitForResponse, WaitTimeout, ApproveValues                                                         string
	DataSourceTimeoutSeconds, DataSourceBroadcastedTo, DataSourceDefaultResponse, DataSourceOptionLabel string
}{
	ID:          "Identifier of the request: 24 hexadecimal characters.",
	LoopID:      "Identifier of the loop whose reviewers receive the request. The loop needs at least one active member.",
	RequestText: "The question shown to reviewers, in Markdown. 1 to 2000 characters.",
	Priority:    "Priority shown to reviewers: `low`, `medium`, `high` or `critical`. Defaults to `medium`.",
	ProcessingType: "`time-sensitive` (the default): reviewers must answer within `timeout_seconds`, which is then required. " +
		"`deferred`: no urgency; the deadline is `timeout_seconds` if set and 30 days otherwise.",
	TimeoutSeconds: "Seconds reviewers have to answer, from 60 to 86400 (24 hours). Required when `processing_type` is " +
		"`time-sensitive`. When the deadline passes, `status` becomes `timeout` and `default_response`, if set, is recorded as the answer.",
	Type:     "`markdown` (the default) for a text request, or `image` to have reviewers look at the image at `image_url`.",
	ImageURL: "URL of the image to review. Required when `type` is `image`, and not allowed otherwise.",
	ResponseType: "How reviewers answer: `single_select` or `multi_select` (pick among `response_config.options`), " +
		"`rating` (a number on a scale), `text`, `number`, or `boolean` (true or false, such as go/no-go).",
	ResponseConfig: "Settings of the answer, under the names of the API's response-type pages. Which attributes apply " +
		"depends on `response_type`; the others are rejected at plan time: `options` and `required` for `single_select`, " +
		"plus `min_selections` and `max_selections` for `multi_select`; `scale_min`, `scale_max`, `scale_step`, `labels` " +
		"and `required` for `rating`; `placeholder`, `min_length`, `max_length` and `required` for `text`; `min_value`, " +
		"`max_value`, `decimal_places`, `prefix`, `suffix`, `allow_negative` and `required` for `number`; `true_label`, " +
		"`false_label`, `true_color`, `false_color` and `required` for `boolean`. Required for `single_select` and " +
		"`multi_select` (with `options`) and for `number` (with `max_value`); optional otherwise, and sent as an empty " +
		"configuration when not set (the API then applies its own defaults).",
	Options: "Choices of a `single_select` or `multi_select` request, in display order: 1 to 20. Required for them.",
	OptionValue: "Value recorded when a reviewer picks the option, and so what `response` shows; `default_response` and " +
		"`approve_values` name options by this value, never by their label. Unique within `options`. For `multi_select` " +
		"only, it must not contain a comma, since `response` joins the values of a `multi_select` answer with commas; " +
		"`single_select` values may contain commas.",
	OptionLabel: "Text shown to reviewers. Defaults to `value`. Answers record the value, not the label, so " +
		"`default_response` and `approve_values` refuse a label at plan time and name the value to write.",
	DataSourceOptionLabel: "Text shown to reviewers; null when the API holds the option as a bare value, which is then also its label.",
	OptionColor:           "Color of the option in the app, such as `#16a34a`.",
	Required:              "Whether the reviewer must answer.",
	ScaleMin:              "Lowest rating. Must be less than `scale_max`.",
	ScaleMax:              "Highest rating. Must be greater than `scale_min`.",
	ScaleStep:             "Step between ratings, greater than 0, such as `0.5`.",
	Placeholder:           "Hint shown in the empty answer field.",
	MinLength:             "Fewest characters a text answer may have.",
	MaxLength:             "Most characters a text answer may have: 1 to 5000, and at least `min_length`.",
	MinSelections:         "Fewest options a `multi_select` answer may pick. The API's default is 0.",
	MaxSelections:         "Most options a `multi_select` answer may pick, at most the number of options. The API's default is all of them.",
	Labels:                "Labels of rating values, such as `{ \"1\" = \"Poor\", \"5\" = \"Excellent\" }`: keys are values on the scale.",
	MinValue:              "Smallest number a reviewer may answer. The API's default is 0; below 0 needs `allow_negative`.",
	MaxValue:              "Largest number a reviewer may answer; at least `min_value`. Required for `number`.",
	DecimalPlaces:         "Most digits after the decimal point of a number answer: 0 to 10. The API's default is 2.",
	Prefix:                "Text shown before the number, such as `$`.",
	Suffix:                "Text shown after the number, such as ` USD`.",
	AllowNegative:         "Whether a number answer may be negative. The API's default is `false`.",
	TrueLabel:             "Text of the `true` choice, at most 100 characters. The API's default is `True`.",
	FalseLabel:            "Text of the `false` choice, at most 100 characters. The API's default is `False`.",
	TrueColor:             "Color of the `true` choice, such as `#16a34a` (the API's default).",
	FalseColor:            "Color of the `false` choice, such as `#dc2626` (the API's default).",
	DefaultResponse: "Answer recorded when nobody responds before the deadline, written the way `response` shows answers: " +
		"an option value (not its label) for `single_select`, option values separated by commas for `multi_select` (such as `grammar,accuracy`), " +
		"a number such as `3` or `4.5` for `rating` and `number`, `true` or `false` for `boolean`, and the text itself for `text`. " +
		"The provider sends it as the matching JSON value (a string, a list of strings, a number or a boolean), and checks " +
		"at plan time that a reviewer could give it (a number within the range and with the allowed decimals, an option " +
		"value, a boolean).",
	DataSourceDefaultResponse: "Answer recorded when nobody responds before the deadline, in the form of `response`; null when none is set.",
	Context:                   "Extra data for reviewers, as a JSON object; write it with `jsonencode({...})`. Anything else is rejected at plan time.",
	Tags:                      "Labels of the request, for finding it later.",
	CallbackURL: "`https://` URL to which HITL.sh POSTs the outcome when the request is completed, times out or is cancelled. " +
		"Plain `http://` is refused because the payload carries the answer.",
	Status: "`pending` (waiting for a reviewer), `claimed` (a reviewer is on it), `completed` (answered), `timeout` " +
		"(the deadline passed) or `cancelled`. Refreshed on every read.",
	TimeoutAt:     "When the request times out (RFC 3339).",
	CreatedAt:     "When the request was created (RFC 3339).",
	BroadcastedTo: "Number of reviewers the request was sent to, as the create response reports it.",
	DataSourceTimeoutSeconds: "Seconds reviewers have to answer from `created_at`. For a `deferred` request created without " +
		"a timeout, the API's default of 30 days.",
	DataSourceBroadcastedTo: "Number of reviewers the request was sent to.",
	ResponseData: "The answer exactly as the API returns it, JSON-encoded (decode it with `jsondecode`): the reviewer's answer " +
		"once `status` is `completed`, the default response once it is `timeout`. Null while there is no answer.",
	Response: "The answer as one string, for comparisons: a text or option answer is itself; a number is its decimal form " +
		"(`4.5`); a list is its elements joined with commas (`grammar,accuracy`); an object such as " +
		"`{\"selected_value\": \"approve\"}` is its `selected_value` (likewise `selected_values`, `rating`, `number` and " +
		"`boolean`, so a boolean answer is `true` or `false`); any other object is its JSON. Null while there is no answer.",
	ResponseBy: "Identifier of the user who answered. Null before an answer and when the default response was recorded at the deadline.",
	ResponseAt: "When the reviewer answered (RFC 3339). Null before an answer and when the default response was recorded at the deadline.",
	WaitForResponse: "Whether `terraform apply` waits for the answer when it creates the request, so that `response` is known " +
		"to the resources that depend on this one. Defaults to `false`: the request is sent and the apply goes on, and later " +
		"refreshes pick up the answer. Changing it sends a new request.",
	WaitTimeout: "How long create waits for an answer when `wait_for_response` is `true`, as a duration such as `30m` or `2h`. " +
		"Defaults to `30m`. The create timeout of `timeouts` (which defaults to `wait_timeout` plus five minutes) bounds the " +
		"wait too. When no answer comes in time, or the apply is interrupted while it waits, the request is cancelled in " +
		"HITL.sh, so that nobody answers a question no one waits for, the apply fails saying so, and the request stays in " +
		"state marked as tainted, so that the next apply asks again. Can be changed without sending a new request.",
	ApproveValues: "Answers that let the apply go on, written like `default_response` (option values, not labels, for a select); " +
		"`wait_for_response` must be `true`. When `response` is not exactly one " +
		"of them, create fails with a message quoting the answer and who gave it. This includes a `timeout`: the recorded " +
		"`default_response` is checked like any answer, and no answer at all fails. The request then stays in state marked " +
		"as tainted, so resources that depend on it are neither created nor changed, and the next apply asks again. " +
		"Changing it sends a new request.",
}

// optionAttrTypes is the object type of one element of response_config.options.
var optionAttrTypes = map[string]attr.Type{
	"value": types.StringType,
	"label": types.StringType,
	"color": types.StringType,
}

// responseConfigAttrTypes is the object type of response_config.
var responseConfigAttrTypes = map[string]attr.Type{
	"options":     types.ListType{ElemType: types.ObjectType{AttrTypes: optionAttrTypes}},
	"required":    types.BoolType,
	"scale_min":   types.Float64Type,
	"scale_max":   types.Float64Type,
	"scale_step":  types.Float64Type,
	"placeholder": types.StringType,
	"min_length":  types.Int64Type,
	"max_length":  types.Int64Type,

	"min_selections": types.Int64Type,
	"max_selections": types.Int64Type,
	"labels":         types.MapType{ElemType: types.StringType},
	"min_value":      types.Float64Type,
	"max_value":      types.Float64Type,
	"decimal_places": types.Int64Type,
	"prefix":         types.StringType,
	"suffix":         types.StringType,
	"allow_negative": types.BoolType,
	"true_label":     types.StringType,
	"false_label":    types.StringType,
	"true_color":     types.StringType,
	"false_color":    types.StringType,
}

// requestModel holds the attributes the resource and the data source share.
type requestModel struct {
	ID              types.String         `tfsdk:"id"`
	LoopID          types.String         `tfsdk:"loop_id"`
	RequestText     types.String         `tfsdk:"request_text"`
	Priority        types.String         `tfsdk:"priority"`
	ProcessingType  types.String         `tfsdk:"processing_type"`
	TimeoutSeconds  types.Int64          `tfsdk:"timeout_seconds"`
	Type            types.String         `tfsdk:"type"`
	ImageURL        types.String         `tfsdk:"image_url"`
	ResponseType    types.String         `tfsdk:"response_type"`
	ResponseConfig  types.Object         `tfsdk:"response_config"`
	DefaultResponse types.String         `tfsdk:"default_response"`
	Context         jsontypes.Normalized `tfsdk:"context"`
	Tags            types.List           `tfsdk:"tags"`
	CallbackURL     types.String         `tfsdk:"callback_url"`
	Status          types.String         `tfsdk:"status"`
	TimeoutAt       types.String         `tfsdk:"timeout_at"`
	CreatedAt       types.String         `tfsdk:"created_at"`
	BroadcastedTo   types.Int64          `tfsdk:"broadcasted_to"`
	ResponseData    jsontypes.Normalized `tfsdk:"response_data"`
	Response        types.String         `tfsdk:"response"`
	ResponseBy      types.String         `tfsdk:"response_by"`
	ResponseAt      types.String         `tfsdk:"response_at"`
}

// responseConfigModel is response_config. Its fields are framework values
// so that it can be read from a configuration that holds unknown values.
type responseConfigModel struct {
	Options     types.List    `tfsdk:"options"`
	Required    types.Bool    `tfsdk:"required"`
	ScaleMin    types.Float64 `tfsdk:"scale_min"`
	ScaleMax    types.Float64 `tfsdk:"scale_max"`
	ScaleStep   types.Float64 `tfsdk:"scale_step"`
	Placeholder types.String  `tfsdk:"placeholder"`
	MinLength   types.Int64   `tfsdk:"min_length"`
	MaxLength   types.Int64   `tfsdk:"max_length"`

	MinSelections types.Int64   `tfsdk:"min_selections"`
	MaxSelections types.Int64   `tfsdk:"max_selections"`
	Labels        types.Map     `tfsdk:"labels"`
	MinValue      types.Float64 `tfsdk:"min_value"`
	MaxValue      types.Float64 `tfsdk:"max_value"`
	DecimalPlaces types.Int64   `tfsdk:"decimal_places"`
	Prefix        types.String  `tfsdk:"prefix"`
	Suffix        types.String  `tfsdk:"suffix"`
	AllowNegative types.Bool    `tfsdk:"allow_negative"`
	TrueLabel     types.String  `tfsdk:"true_label"`
	FalseLabel    types.String  `tfsdk:"false_label"`
	TrueColor     types.String  `tfsdk:"true_color"`
	FalseColor    types.String  `tfsdk:"false_color"`
}

// responseOptionModel is one element of response_config.options.
type responseOptionModel struct {
	Value types.String `tfsdk:"value"`
	Label types.String `tfsdk:"label"`
	Color types.String `tfsdk:"color"`
}

// setOutcome copies what changes over a request's life: its status and,
// once there is one, the answer. The resource refreshes only these.
func (m *requestModel) setOutcome(q *hitl.Request) {
	m.Status = types.StringValue(string(q.Status))
	m.TimeoutAt = types.StringValue(q.TimeoutAt)
	m.CreatedAt = nonEmptyString(q.CreatedAt)
	m.ResponseData = jsontypes.NewNormalizedNull()
	m.Response = types.StringNull()
	if q.HasResponse() {
		m.ResponseData = jsontypes.NewNormalizedValue(compactJSON(q.ResponseData))
		text, _ := hitl.AnswerText(q.ResponseData)
		m.Response = types.StringValue(text)
	}
	m.ResponseBy = types.StringNull()
	if q.ResponseBy != nil && q.ResponseBy.UserID != "" {
		m.ResponseBy = types.StringValue(q.ResponseBy.UserID)
	}
	m.ResponseAt = types.StringPointerValue(q.ResponseAt)
}

// setFromAPI copies a whole request, as the data source shows it.
func (m *requestModel) setFromAPI(q *hitl.Request) {
	m.ID = types.StringValue(q.ID)
	m.LoopID = types.StringValue(q.LoopID)
	m.RequestText = types.StringValue(q.RequestText)
	m.Priority = types.StringValue(q.Priority)
	m.ProcessingType = types.StringValue(q.ProcessingType)
	m.TimeoutSeconds = requestTimeoutSeconds(q)
	m.Type = types.StringValue(q.Type)
	m.ImageURL = nonEmptyString(q.ImageURL)
	m.ResponseType = types.StringValue(string(q.ResponseType))
	m.ResponseConfig = responseConfigValue(q.ResponseConfig)
	m.DefaultResponse = types.StringNull()
	if text, ok := hitl.AnswerText(q.DefaultResponse); ok {
		m.DefaultResponse = types.StringValue(text)
	}
	m.Context = jsontypes.NewNormalizedNull()
	if !hitl.IsNullJSON(q.Context) {
		m.Context = jsontypes.NewNormalizedValue(compactJSON(q.Context))
	}
	tags := make([]attr.Value, 0, len(q.Tags))
	for _, t := range q.Tags {
		tags = append(tags, types.StringValue(t))
	}
	m.Tags = types.ListValueMust(types.StringType, tags)
	m.CallbackURL = types.StringNull()
	if q.CallbackURL != nil && *q.CallbackURL != "" {
		m.CallbackURL = types.StringValue(*q.CallbackURL)
	}
	m.BroadcastedTo = types.Int64Value(int64(len(q.BroadcastedTo)))
	m.setOutcome(q)
}

// createInput builds the API's create body from a planned request. The
// values were validated at plan time, so conversions here do not fail on
// user input; diagnostics report only framework errors.
func (m *requestModel) createInput(ctx context.Context) (hitl.CreateRequestInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := hitl.CreateRequestInput{
		ProcessingType: m.ProcessingType.ValueString(),
		Type:           m.Type.ValueString(),
		Priority:       m.Priority.ValueString(),
		RequestText:    m.RequestText.ValueString(),
		ImageURL:       m.ImageURL.ValueString(),
		ResponseType:   hitl.ResponseType(m.ResponseType.ValueString()),
		TimeoutSeconds: m.TimeoutSeconds.ValueInt64(),
		CallbackURL:    m.CallbackURL.ValueString(),
		Platform:       hitl.PlatformAPI,
	}
	if !m.Context.IsNull() {
		in.Context = json.RawMessage(m.Context.ValueString())
	}
	if !m.DefaultResponse.IsNull() {
		raw, err := hitl.EncodeAnswer(in.ResponseType, m.DefaultResponse.ValueString())
		if err != nil {
			diags.AddAttributeError(pathDefaultResponse, "Invalid default response", err.Error())
			return in, diags
		}
		in.DefaultResponse = raw
	}
	if !m.Tags.IsNull() {
		diags.Append(m.Tags.ElementsAs(ctx, &in.Tags, false)...)
	}
	cfg, d := responseConfigFromObject(ctx, m.ResponseConfig)
	diags.Append(d...)
	in.ResponseConfig = cfg
	return in, diags
}

// responseConfigFromObject converts a known response_config to the API's
// form; a null one is not sent.
func responseConfigFromObject(ctx context.Context, obj types.Object) (*hitl.ResponseConfig, diag.Diagnostics) {
	if obj.IsNull() || obj.IsUnknown() {
		return nil, nil
	}
	var m responseConfigModel
	diags := obj.As(ctx, &m, basetypes.ObjectAsOptions{})
	if diags.HasError() {
		return nil, diags
	}
	cfg := &hitl.ResponseConfig{
		Required:    m.Required.ValueBoolPointer(),
		ScaleMin:    m.ScaleMin.ValueFloat64Pointer(),
		ScaleMax:    m.ScaleMax.ValueFloat64Pointer(),
		ScaleStep:   m.ScaleStep.ValueFloat64Pointer(),
		Placeholder: m.Placeholder.ValueStringPointer(),
		MinLength:   m.MinLength.ValueInt64Pointer(),
		MaxLength:   m.MaxLength.ValueInt64Pointer(),

		MinSelections: m.MinSelections.ValueInt64Pointer(),
		MaxSelections: m.MaxSelections.ValueInt64Pointer(),
		MinValue:      m.MinValue.ValueFloat64Pointer(),
		MaxValue:      m.MaxValue.ValueFloat64Pointer(),
		DecimalPlaces: m.DecimalPlaces.ValueInt64Pointer(),
		Prefix:        m.Prefix.ValueStringPointer(),
		Suffix:        m.Suffix.ValueStringPointer(),
		AllowNegative: m.AllowNegative.ValueBoolPointer(),
		TrueLabel:     m.TrueLabel.ValueStringPointer(),
		FalseLabel:    m.FalseLabel.ValueStringPointer(),
		TrueColor:     m.TrueColor.ValueStringPointer(),
		FalseColor:    m.FalseColor.ValueStringPointer(),
	}
	if !m.Labels.IsNull() && !m.Labels.IsUnknown() {
		diags.Append(m.Labels.ElementsAs(ctx, &cfg.Labels, false)...)
	}
	options, d := responseOptions(ctx, m.Options)
	diags.Append(d...)
	cfg.Options = apiOptions(options)
	if cfg.IsEmpty() {
		return nil, diags
	}
	return cfg, diags
}

// responseConfigValue converts the API's response_config to Terraform;
// an empty one is null.
func responseConfigValue(cfg *hitl.ResponseConfig) types.Object {
	if cfg.IsEmpty() {
		return types.ObjectNull(responseConfigAttrTypes)
	}
	optionType := types.ObjectType{AttrTypes: optionAttrTypes}
	options := types.ListNull(optionType)
	if len(cfg.Options) > 0 {
		elems := make([]attr.Value, 0, len(cfg.Options))
		for _, o := range cfg.Options {
			elems = append(elems, types.ObjectValueMust(optionAttrTypes, map[string]attr.Value{
				"value": types.StringValue(o.Value),
				"label": nonEmptyString(o.Label),
				"color": nonEmptyString(o.Color),
			}))
		}
		options = types.ListValueMust(optionType, elems)
	}
	labels := types.MapNull(types.StringType)
	if len(cfg.Labels) > 0 {
		elems := make(map[string]attr.Value, len(cfg.Labels))
		for k, v := range cfg.Labels {
			elems[k] = types.StringValue(v)
		}
		labels = types.MapValueMust(types.StringType, elems)
	}
	// Built from values that match responseConfigAttrTypes by construction.
	return types.ObjectValueMust(responseConfigAttrTypes, map[string]attr.Value{
		"options":     options,
		"required":    types.BoolPointerValue(cfg.Required),
		"scale_min":   types.Float64PointerValue(cfg.ScaleMin),
		"scale_max":   types.Float64PointerValue(cfg.ScaleMax),
		"scale_step":  types.Float64PointerValue(cfg.ScaleStep),
		"placeholder": types.StringPointerValue(cfg.Placeholder),
		"min_length":  types.Int64PointerValue(cfg.MinLength),
		"max_length":  types.Int64PointerValue(cfg.MaxLength),

		"min_selections": types.Int64PointerValue(cfg.MinSelections),
		"max_selections": types.Int64PointerValue(cfg.MaxSelections),
		"labels":         labels,
		"min_value":      types.Float64PointerValue(cfg.MinValue),
		"max_value":      types.Float64PointerValue(cfg.MaxValue),
		"decimal_places": types.Int64PointerValue(cfg.DecimalPlaces),
		"prefix":         types.StringPointerValue(cfg.Prefix),
		"suffix":         types.StringPointerValue(cfg.Suffix),
		"allow_negative": types.BoolPointerValue(cfg.AllowNegative),
		"true_label":     types.StringPointerValue(cfg.TrueLabel),
		"false_label":    types.StringPointerValue(cfg.FalseLabel),
		"true_color":     types.StringPointerValue(cfg.TrueColor),
		"false_color":    types.StringPointerValue(cfg.FalseColor),
	})
}
