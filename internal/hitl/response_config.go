package hitl

import (
	"encoding/json"
	"errors"
)

// ResponseConfig configures the answer reviewers give, under the names the
// API's response-type pages document. Which fields apply depends on the
// response type:
//   - single_select: Options, Required;
//   - multi_select: Options, Required, MinSelections, MaxSelections;
//   - rating: ScaleMin, ScaleMax, ScaleStep, Labels, Required;
//   - text: Placeholder, MinLength, MaxLength, Required;
//   - number: MinValue, MaxValue, DecimalPlaces, Prefix, Suffix,
//     AllowNegative, Required;
//   - boolean: TrueLabel, FalseLabel, TrueColor, FalseColor, Required.
//
// Nil fields are not sent.
type ResponseConfig struct {
	Options       []ResponseOption  `json:"options,omitempty"`
	Required      *bool             `json:"required,omitempty"`
	MinSelections *int64            `json:"min_selections,omitempty"`
	MaxSelections *int64            `json:"max_selections,omitempty"`
	ScaleMin      *float64          `json:"scale_min,omitempty"`
	ScaleMax      *float64          `json:"scale_max,omitempty"`
	ScaleStep     *float64          `json:"scale_step,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
	Placeholder   *string           `json:"placeholder,omitempty"`
	MinLength     *int64            `json:"min_length,omitempty"`
	MaxLength     *int64            `json:"max_length,omitempty"`
	MinValue      *float64          `json:"min_value,omitempty"`
	MaxValue      *float64          `json:"max_value,omitempty"`
	DecimalPlaces *int64            `json:"decimal_places,omitempty"`
	Prefix        *string           `json:"prefix,omitempty"`
	Suffix        *string           `json:"suffix,omitempty"`
	AllowNegative *bool             `json:"allow_negative,omitempty"`
	TrueLabel     *string           `json:"true_label,omitempty"`
	FalseLabel    *string           `json:"false_label,omitempty"`
	TrueColor     *string           `json:"true_color,omitempty"`
	FalseColor    *string           `json:"false_color,omitempty"`
}

// IsEmpty reports whether no field is set.
func (c *ResponseConfig) IsEmpty() bool {
	return c == nil || (len(c.Options) == 0 && len(c.Labels) == 0 && c.Required == nil &&
		c.MinSelections == nil && c.MaxSelections == nil &&
		c.ScaleMin == nil && c.ScaleMax == nil && c.ScaleStep == nil &&
		c.Placeholder == nil && c.MinLength == nil && c.MaxLength == nil &&
		c.MinValue == nil && c.MaxValue == nil && c.DecimalPlaces == nil && c.Prefix == nil && c.Suffix == nil &&
		c.AllowNegative == nil &&
		c.TrueLabel == nil && c.FalseLabel == nil && c.TrueColor == nil && c.FalseColor == nil)
}

// ResponseOption is one choice of a select. The API takes an option either
// as a plain string or as a {value, label, color} object: an option with
// neither Label nor Color is sent as its value alone, and one with a Color
// but no Label gets its value as label, because the object form requires one.
type ResponseOption struct {
	Value string
	Label string
	Color string
}

type optionObject struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Color string `json:"color,omitempty"`
}

// MarshalJSON sends the plain-string form when it says everything.
func (o ResponseOption) MarshalJSON() ([]byte, error) {
	if o.Label == "" && o.Color == "" {
		return json.Marshal(o.Value)
	}
	label := o.Label
	if label == "" {
		label = o.Value
	}
	return json.Marshal(optionObject{Value: o.Value, Label: label, Color: o.Color})
}

// UnmarshalJSON accepts both forms.
func (o *ResponseOption) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*o = ResponseOption{Value: s}
		return nil
	}
	var obj optionObject
	if err := json.Unmarshal(b, &obj); err != nil {
		return errors.New("an option is neither a string nor a {value, label} object")
	}
	*o = ResponseOption(obj)
	return nil
}
