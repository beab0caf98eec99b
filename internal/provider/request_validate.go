package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// Plan-time checks of hitl_request that involve more than one attribute.
// The API would refuse most of these configurations too, but only during
// apply, after other resources may already have changed; here they fail
// the plan, and none of them calls the API.

var (
	pathTimeoutSeconds  = path.Root("timeout_seconds")
	pathImageURL        = path.Root("image_url")
	pathResponseConfig  = path.Root("response_config")
	pathDefaultResponse = path.Root("default_response")
	pathApproveValues   = path.Root("approve_values")
)

// responseConfigFields says which response_config attributes each response
// type takes; any other set attribute is an error.
var responseConfigFields = map[string][]string{
	responseSingleSelect: {"options", "required"},
	responseMultiSelect:  {"options", "required", "min_selections", "max_selections"},
	responseRating:       {"scale_min", "scale_max", "scale_step", "labels", "required"},
	responseText:         {"placeholder", "min_length", "max_length", "required"},
	responseNumber:       {"min_value", "max_value", "decimal_places", "prefix", "suffix", "allow_negative", "required"},
	responseBoolean:      {"true_label", "false_label", "true_color", "false_color", "required"},
}

func (r *RequestResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg requestResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(cfg.validateTimeout()...)
	resp.Diagnostics.Append(cfg.validateImage()...)
	rc, options, diags := cfg.validateResponseConfig(ctx)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(cfg.validateAnswers(ctx, rc, options)...)
}

// validateTimeout requires timeout_seconds for time-sensitive requests,
// which is what processing_type defaults to.
func (m *requestResourceModel) validateTimeout() diag.Diagnostics {
	var diags diag.Diagnostics
	if m.ProcessingType.IsUnknown() || m.TimeoutSeconds.IsUnknown() || !m.TimeoutSeconds.IsNull() {
		return diags
	}
	processing := m.ProcessingType.ValueString()
	if m.ProcessingType.IsNull() {
		processing = requestDefaultProcessingType
	}
	if processing == processingTimeSensitive {
		diags.AddAttributeError(pathTimeoutSeconds, "Missing timeout_seconds",
			fmt.Sprintf("A time-sensitive request needs a deadline, and processing_type is %q%s. Set timeout_seconds "+
				"to how long reviewers have to answer (%d to %d seconds), or set processing_type = %q for a request "+
				"without urgency, which the API gives 30 days.", processing, defaultNote(m.ProcessingType),
				requestTimeoutMinSecs, requestTimeoutMaxSecs, processingDeferred))
	}
	return diags
}

func defaultNote(v types.String) string {
	if v.IsNull() {
		return " (the default)"
	}
	return ""
}

// validateImage requires image_url for image requests and refuses it for
// markdown ones, where the API would ignore it.
func (m *requestResourceModel) validateImage() diag.Diagnostics {
	var diags diag.Diagnostics
	if m.Type.IsUnknown() || m.ImageURL.IsUnknown() {
		return diags
	}
	typ := m.Type.ValueString()
	if m.Type.IsNull() {
		typ = requestDefaultType
	}
	switch {
	case typ == contentImage && m.ImageURL.IsNull():
		diags.AddAttributeError(pathImageURL, "Missing image_url",
			`A request with type = "image" shows reviewers an image: set image_url to its http(s) URL.`)
	case typ != contentImage && !m.ImageURL.IsNull():
		diags.AddAttributeError(pathImageURL, "image_url without an image request",
			fmt.Sprintf(`image_url is only used when type = "image", and type is %q%s. Set type = "image", or remove image_url.`,
				typ, defaultNote(m.Type)))
	}
	return diags
}

// validateResponseConfig checks response_config against response_type. It
// returns the known configuration and options for the answer checks; nil
// when they are null or not known yet.
func (m *requestResourceModel) validateResponseConfig(ctx context.Context) (*responseConfigModel, []responseOptionModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	if m.ResponseType.IsUnknown() || m.ResponseType.IsNull() || m.ResponseConfig.IsUnknown() {
		return nil, nil, diags
	}
	responseType := m.ResponseType.ValueString()
	allowed, documented := responseConfigFields[responseType]
	if !documented {
		return nil, nil, diags // The attribute's OneOf validator reports it.
	}
	isSelect := responseType == responseSingleSelect || responseType == responseMultiSelect
	if m.ResponseConfig.IsNull() {
		if isSelect {
			diags.AddAttributeError(pathResponseConfig, "Missing options",
				fmt.Sprintf("A %s request asks reviewers to pick among options: add response_config { options = [{ value = \"approve\" }, "+
					"{ value = \"reject\" }] } with the choices.", responseType))
		}
		if responseType == responseNumber {
			diags.AddAttributeError(pathResponseConfig, "Missing max_value",
				"A number request needs the largest answer it accepts: add response_config = { max_value = 100 } "+
					"(min_value defaults to 0).")
		}
		return nil, nil, diags
	}

	var rc responseConfigModel
	diags.Append(m.ResponseConfig.As(ctx, &rc, basetypes.ObjectAsOptions{})...)
	if diags.HasError() {
		return nil, nil, diags
	}
	for name, v := range rc.fields() {
		if v.IsNull() || v.IsUnknown() || slices.Contains(allowed, name) {
			continue
		}
		diags.AddAttributeError(pathResponseConfig.AtName(name), "Setting does not apply to the response type",
			fmt.Sprintf("response_config.%s is a setting of %s requests, but response_type is %q, which takes only %s. "+
				"Remove it, or change response_type.", name, responseTypesTaking(name), responseType, strings.Join(allowed, " and ")))
	}

	var options []responseOptionModel
	if !rc.Options.IsUnknown() {
		var d diag.Diagnostics
		options, d = responseOptions(ctx, rc.Options)
		diags.Append(d...)
	}
	switch responseType {
	case responseSingleSelect, responseMultiSelect:
		if rc.Options.IsUnknown() {
			break
		}
		if len(options) == 0 {
			diags.AddAttributeError(pathResponseConfig.AtName("options"), "Missing options",
				fmt.Sprintf("A %s request asks reviewers to pick among options, so response_config.options must list at least one: "+
					"options = [{ value = \"approve\" }, { value = \"reject\" }].", responseType))
		}
		diags.Append(validateOptionValues(responseType, options, pathResponseConfig.AtName("options"))...)
	case responseRating:
		if known(rc.ScaleMin) && known(rc.ScaleMax) && rc.ScaleMin.ValueFloat64() >= rc.ScaleMax.ValueFloat64() {
			diags.AddAttributeError(pathResponseConfig.AtName("scale_max"), "Invalid rating scale",
				fmt.Sprintf("scale_min (%s) must be less than scale_max (%s).", formatFloat(rc.ScaleMin), formatFloat(rc.ScaleMax)))
		}
		if known(rc.ScaleStep) && rc.ScaleStep.ValueFloat64() <= 0 {
			diags.AddAttributeError(pathResponseConfig.AtName("scale_step"), "Invalid rating step",
				fmt.Sprintf("scale_step must be greater than 0, such as 1 or 0.5; got %s.", formatFloat(rc.ScaleStep)))
		}
	case responseText:
		if known(rc.MinLength) && known(rc.MaxLength) && rc.MinLength.ValueInt64() > rc.MaxLength.ValueInt64() {
			diags.AddAttributeError(pathResponseConfig.AtName("max_length"), "Invalid text length limits",
				fmt.Sprintf("min_length (%d) must not be greater than max_length (%d).", rc.MinLength.ValueInt64(), rc.MaxLength.ValueInt64()))
		}
	}
	diags.Append(validateTypeSettings(responseType, &rc, options)...)
	return &rc, options, diags
}

// validateOptionValues checks the values of a select's options: each
// unique, and without commas for multi_select. optionsPath is where the
// options list is in the configuration.
func validateOptionValues(responseType string, options []responseOptionModel, optionsPath path.Path) diag.Diagnostics {
	var diags diag.Diagnostics
	seen := map[string]bool{}
	for i, o := range options {
		if o.Value.IsUnknown() || o.Value.IsNull() {
			continue
		}
		v := o.Value.ValueString()
		p := optionsPath.AtListIndex(i).AtName("value")
		if seen[v] {
			diags.AddAttributeError(p, "Duplicate option value",
				fmt.Sprintf("Two options have the value %q, so an answer could not tell them apart. Give each option its own value.", v))
		}
		seen[v] = true
		if responseType == responseMultiSelect && strings.Contains(v, ",") {
			diags.AddAttributeError(p, "Comma in a multi_select option value",
				fmt.Sprintf("The option value %q contains a comma. response shows a multi_select answer as the chosen values "+
					"joined with commas, so values must not contain any; put the text with the comma in label instead.", v))
		}
	}
	return diags
}

// validateAnswers checks default_response and approve_values against the
// response type: a gate that waits for an answer no reviewer can give would
// always fail.
func (m *requestResourceModel) validateAnswers(ctx context.Context, rc *responseConfigModel, options []responseOptionModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if !m.ApproveValues.IsNull() && !m.WaitForResponse.IsUnknown() && !m.WaitForResponse.ValueBool() {
		diags.AddAttributeError(pathApproveValues, "approve_values needs wait_for_response",
			"approve_values decides whether the apply goes on, which it can only do with the answer in hand. "+
				"Set wait_for_response = true, or remove approve_values.")
	}
	if m.ResponseType.IsUnknown() || m.ResponseType.IsNull() {
		return diags
	}
	responseType := m.ResponseType.ValueString()
	if _, documented := responseConfigFields[responseType]; !documented {
		return diags
	}
	if known(m.DefaultResponse) {
		if problem := answerProblem(responseType, rc, options, m.DefaultResponse.ValueString()); problem != "" {
			diags.AddAttributeError(pathDefaultResponse, "Invalid default response",
				problem+" The default response is recorded as the answer when nobody responds in time, so it must be one "+
					"a reviewer could give.")
		}
	}
	if known(m.ApproveValues) {
		var values []types.String
		diags.Append(m.ApproveValues.ElementsAs(ctx, &values, false)...)
		for i, v := range values {
			if !known(v) {
				continue
			}
			if problem := answerProblem(responseType, rc, options, v.ValueString()); problem != "" {
				diags.AddAttributeError(pathApproveValues.AtListIndex(i), "Answer no reviewer can give",
					problem+" An approval gate waiting for it would never open; correct the value.")
			}
		}
	}
	return diags
}

// answerProblem says why text, written the way `response` shows answers,
// cannot be an answer to this request, or "" when it can or when that is
// not known yet.
func answerProblem(responseType string, rc *responseConfigModel, options []responseOptionModel, text string) string {
	if _, err := hitl.EncodeAnswer(hitl.ResponseType(responseType), text); err != nil {
		return strings.ToUpper(err.Error()[:1]) + err.Error()[1:] + "."
	}
	switch responseType {
	case responseSingleSelect, responseMultiSelect:
		if !optionValuesKnown(options) || len(options) == 0 {
			return ""
		}
		parts := []string{text}
		if responseType == responseMultiSelect {
			parts = hitl.SplitMultiAnswer(text)
		}
		for _, p := range parts {
			if problem := optionProblem(options, p); problem != "" {
				return problem
			}
		}
		if responseType == responseMultiSelect {
			return selectionCountProblem(rc, text, len(parts))
		}
	case responseRating:
		if rc != nil {
			return outOfRange(text, rc.ScaleMin, rc.ScaleMax, "scale_min", "scale_max")
		}
	case responseNumber:
		return numberAnswerProblem(rc, text)
	case responseText:
		if rc == nil {
			return ""
		}
		n := int64(utf8.RuneCountInString(text))
		if known(rc.MinLength) && n < rc.MinLength.ValueInt64() {
			return fmt.Sprintf("%q is shorter than min_length (%d characters).", text, rc.MinLength.ValueInt64())
		}
		if known(rc.MaxLength) && n > rc.MaxLength.ValueInt64() {
			return fmt.Sprintf("%q is longer than max_length (%d characters).", text, rc.MaxLength.ValueInt64())
		}
	}
	return ""
}

// optionValuesKnown reports whether every option's value is known.
func optionValuesKnown(options []responseOptionModel) bool {
	for _, o := range options {
		if o.Value.IsUnknown() {
			return false
		}
	}
	return true
}

// optionProblem says why value is not the value of one of the options, or
// "" when it is. An answer records the option's value, never its label, so
// a label is refused with the value to write instead.
func optionProblem(options []responseOptionModel, value string) string {
	for _, o := range options {
		if o.Value.ValueString() == value {
			return ""
		}
	}
	for _, o := range options {
		if !o.Label.IsUnknown() && !o.Label.IsNull() && o.Label.ValueString() == value {
			return fmt.Sprintf("%q is the label of the option whose value is %q. Answers are recorded as option values, "+
				"never labels: write %q.", value, o.Value.ValueString(), o.Value.ValueString())
		}
	}
	return fmt.Sprintf("%q is not the value of any option; the option values are %s.", value, quoteAll(optionValues(options)))
}

func optionValues(options []responseOptionModel) []string {
	out := make([]string, 0, len(options))
	for _, o := range options {
		out = append(out, o.Value.ValueString())
	}
	return out
}

func outOfRange(text string, lo, hi types.Float64, loName, hiName string) string {
	f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil {
		return "" // EncodeAnswer has accepted it as a JSON number.
	}
	if known(lo) && f < lo.ValueFloat64() {
		return fmt.Sprintf("%s is below %s (%s).", text, loName, formatFloat(lo))
	}
	if known(hi) && f > hi.ValueFloat64() {
		return fmt.Sprintf("%s is above %s (%s).", text, hiName, formatFloat(hi))
	}
	return ""
}

// fields lists response_config's attributes by name.
func (rc *responseConfigModel) fields() map[string]interface {
	IsNull() bool
	IsUnknown() bool
} {
	return map[string]interface {
		IsNull() bool
		IsUnknown() bool
	}{
		"options": rc.Options, "required": rc.Required,
		"scale_min": rc.ScaleMin, "scale_max": rc.ScaleMax, "scale_step": rc.ScaleStep,
		"placeholder": rc.Placeholder, "min_length": rc.MinLength, "max_length": rc.MaxLength,
		"min_selections": rc.MinSelections, "max_selections": rc.MaxSelections, "labels": rc.Labels,
		"min_value": rc.MinValue, "max_value": rc.MaxValue, "decimal_places": rc.DecimalPlaces,
		"prefix": rc.Prefix, "suffix": rc.Suffix, "allow_negative": rc.AllowNegative,
		"true_label": rc.TrueLabel, "false_label": rc.FalseLabel, "true_color": rc.TrueColor, "false_color": rc.FalseColor,
	}
}

// responseTypesTaking names the response types that take a setting.
func responseTypesTaking(field string) string {
	var names []string
	for _, rt := range requestResponseTypes {
		if slices.Contains(responseConfigFields[rt], field) {
			names = append(names, rt)
		}
	}
	return strings.Join(names, " and ")
}
