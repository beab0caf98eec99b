package provider

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The settings of each response type beyond the original select, rating
// and text ones, with the limits the API's response-type pages document
// (responses/*.mdx), and the plan-time checks of answers against them.

// Documented limits of response settings.
const (
	maxSelectOptions     = 20
	maxTextLength        = 5000
	maxDecimalPlaces     = 10
	maxBooleanLabelChars = 100
	// Defaults the API applies to a number request's unset settings.
	numberDefaultMinValue      = 0
	numberDefaultDecimalPlaces = 2
)

var hexColorRegexp = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

func optionsValidators() []validator.List {
	return []validator.List{listvalidator.SizeBetween(1, maxSelectOptions)}
}

func hexColorValidators() []validator.String {
	return []validator.String{stringvalidator.RegexMatches(hexColorRegexp, "must be a hex color such as #16a34a")}
}

func booleanLabelValidators() []validator.String {
	return []validator.String{stringvalidator.UTF8LengthBetween(1, maxBooleanLabelChars)}
}

func textMaxLengthAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: requestDocs.MaxLength, Optional: true,
		Validators: []validator.Int64{int64validator.Between(1, maxTextLength)},
	}
}

// responseTypeAttributes are the response_config attributes of
// multi_select, rating labels, number and boolean, as the resource takes
// them.
func responseTypeAttributes() map[string]schema.Attribute {
	str := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Optional: true, Validators: v}
	}
	num := func(desc string) schema.Float64Attribute {
		return schema.Float64Attribute{MarkdownDescription: desc, Optional: true}
	}
	whole := func(desc string, v validator.Int64) schema.Int64Attribute {
		return schema.Int64Attribute{MarkdownDescription: desc, Optional: true, Validators: []validator.Int64{v}}
	}
	return map[string]schema.Attribute{
		"min_selections": whole(requestDocs.MinSelections, int64validator.AtLeast(0)),
		"max_selections": whole(requestDocs.MaxSelections, int64validator.Between(1, maxSelectOptions)),
		"labels": schema.MapAttribute{
			MarkdownDescription: requestDocs.Labels, ElementType: types.StringType, Optional: true,
		},
		"min_value":      num(requestDocs.MinValue),
		"max_value":      num(requestDocs.MaxValue),
		"decimal_places": whole(requestDocs.DecimalPlaces, int64validator.Between(0, maxDecimalPlaces)),
		"prefix":         str(requestDocs.Prefix),
		"suffix":         str(requestDocs.Suffix),
		"allow_negative": schema.BoolAttribute{MarkdownDescription: requestDocs.AllowNegative, Optional: true},
		"true_label":     str(requestDocs.TrueLabel, booleanLabelValidators()...),
		"false_label":    str(requestDocs.FalseLabel, booleanLabelValidators()...),
		"true_color":     str(requestDocs.TrueColor, hexColorValidators()...),
		"false_color":    str(requestDocs.FalseColor, hexColorValidators()...),
	}
}

// validateTypeSettings checks the settings of multi_select, rating labels
// and number against each other and the options.
func validateTypeSettings(responseType string, rc *responseConfigModel, options []responseOptionModel) diag.Diagnostics {
	var diags diag.Diagnostics
	switch responseType {
	case responseMultiSelect:
		if known(rc.MinSelections) && known(rc.MaxSelections) && rc.MinSelections.ValueInt64() > rc.MaxSelections.ValueInt64() {
			diags.AddAttributeError(pathResponseConfig.AtName("max_selections"), "Invalid selection limits",
				fmt.Sprintf("min_selections (%d) must not be greater than max_selections (%d).",
					rc.MinSelections.ValueInt64(), rc.MaxSelections.ValueInt64()))
		}
		if !rc.Options.IsUnknown() && len(options) > 0 {
			for _, name := range []string{"min_selections", "max_selections"} {
				v := rc.MinSelections
				if name == "max_selections" {
					v = rc.MaxSelections
				}
				if known(v) && v.ValueInt64() > int64(len(options)) {
					diags.AddAttributeError(pathResponseConfig.AtName(name), "More selections than options",
						fmt.Sprintf("%s is %d, but there are only %d options.", name, v.ValueInt64(), len(options)))
				}
			}
		}
	case responseRating:
		if !known(rc.Labels) {
			break
		}
		for key := range rc.Labels.Elements() {
			f, err := strconv.ParseFloat(key, 64)
			switch {
			case err != nil:
				diags.AddAttributeError(pathResponseConfig.AtName("labels").AtMapKey(key), "Invalid rating label",
					fmt.Sprintf("The keys of labels are rating values, such as \"1\" or \"4.5\"; %q is not a number.", key))
			case (known(rc.ScaleMin) && f < rc.ScaleMin.ValueFloat64()) || (known(rc.ScaleMax) && f > rc.ScaleMax.ValueFloat64()):
				diags.AddAttributeError(pathResponseConfig.AtName("labels").AtMapKey(key), "Invalid rating label",
					fmt.Sprintf("labels has a label for %s, which is outside the scale (scale_min to scale_max).", key))
			}
		}
	case responseNumber:
		if rc.MaxValue.IsNull() {
			diags.AddAttributeError(pathResponseConfig.AtName("max_value"), "Missing max_value",
				"A number request needs the largest answer it accepts: set response_config.max_value (and min_value, which "+
					"defaults to 0).")
		}
		lo := numberMin(rc)
		if known(rc.MaxValue) && lo != nil && *lo > rc.MaxValue.ValueFloat64() {
			diags.AddAttributeError(pathResponseConfig.AtName("max_value"), "Invalid number limits",
				fmt.Sprintf("min_value (%s) must not be greater than max_value (%s).", formatNumber(*lo), formatFloat(rc.MaxValue)))
		}
		if known(rc.MinValue) && rc.MinValue.ValueFloat64() < 0 && !rc.AllowNegative.IsUnknown() && !rc.AllowNegative.ValueBool() {
			diags.AddAttributeError(pathResponseConfig.AtName("min_value"), "Negative min_value",
				fmt.Sprintf("min_value is %s, but negative answers are refused unless allow_negative = true. Set "+
					"allow_negative = true, or a min_value of 0 or more.", formatFloat(rc.MinValue)))
		}
	}
	return diags
}

// numberMin is a number request's smallest answer, with the API's
// default; nil when not known yet.
func numberMin(rc *responseConfigModel) *float64 {
	if rc.MinValue.IsUnknown() {
		return nil
	}
	lo := float64(numberDefaultMinValue)
	if !rc.MinValue.IsNull() {
		lo = rc.MinValue.ValueFloat64()
	}
	return &lo
}

// numberAnswerProblem says why text cannot answer a number request, or ""
// when it can or that is not known yet.
func numberAnswerProblem(rc *responseConfigModel, text string) string {
	f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil {
		return "" // EncodeAnswer has accepted it as a JSON number.
	}
	if rc == nil {
		return "" // A missing response_config is reported on its own; an unknown one is checked at apply.
	}
	if f < 0 && !rc.AllowNegative.IsUnknown() && !rc.AllowNegative.ValueBool() {
		return fmt.Sprintf("%s is negative, which a number request accepts only with allow_negative = true.", text)
	}
	if lo := numberMin(rc); lo != nil && f < *lo {
		return fmt.Sprintf("%s is below min_value (%s%s).", text, formatNumber(*lo), defaultSuffix(rc.MinValue.IsNull()))
	}
	if known(rc.MaxValue) && f > rc.MaxValue.ValueFloat64() {
		return fmt.Sprintf("%s is above max_value (%s).", text, formatFloat(rc.MaxValue))
	}
	if rc.DecimalPlaces.IsUnknown() {
		return ""
	}
	places := int64(numberDefaultDecimalPlaces)
	if !rc.DecimalPlaces.IsNull() {
		places = rc.DecimalPlaces.ValueInt64()
	}
	if d := decimalPlaces(f); d > places {
		return fmt.Sprintf("%s has %d decimal places, and decimal_places allows %d%s.", text, d, places,
			defaultSuffix(rc.DecimalPlaces.IsNull()))
	}
	return ""
}

// selectionCountProblem says why a multi_select answer of n options breaks
// the selection limits, or "".
func selectionCountProblem(rc *responseConfigModel, text string, n int) string {
	if rc == nil {
		return ""
	}
	if known(rc.MinSelections) && int64(n) < rc.MinSelections.ValueInt64() {
		return fmt.Sprintf("%q selects %d options, fewer than min_selections (%d).", text, n, rc.MinSelections.ValueInt64())
	}
	if known(rc.MaxSelections) && int64(n) > rc.MaxSelections.ValueInt64() {
		return fmt.Sprintf("%q selects %d options, more than max_selections (%d).", text, n, rc.MaxSelections.ValueInt64())
	}
	return ""
}

func defaultSuffix(isDefault bool) string {
	if isDefault {
		return ", the default"
	}
	return ""
}

func decimalPlaces(f float64) int64 {
	s := strconv.FormatFloat(math.Abs(f), 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return int64(len(s) - i - 1)
	}
	return 0
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
