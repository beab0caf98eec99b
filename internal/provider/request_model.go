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
// common: the request's attributes and the mapping between Terraform
// values and the API's request object (their limits and descriptions are
// in request_docs.go).

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
