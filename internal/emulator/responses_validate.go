package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The settings of each response type, as the vendor's response-type pages
// (responses/*.mdx) document them, and the checks of answers that the
// pages' "Validation Rules" list. A create body and an answer that pass
// here are ones the documentation says the API accepts.

const (
	maxOptions          = 20
	maxTextLength       = 5000
	maxDecimalPlaces    = 10
	maxBooleanLabel     = 100
	defaultDecimals     = 2
	defaultRatingMin    = 1
	defaultRatingMax    = 5
	defaultBooleanTrue  = "True"
	defaultBooleanFalse = "False"
)

var hexColor = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// checkResponseConfig returns why a response_config does not fit its
// response type, or "" when it does. The documented create body carries a
// response_config with every response type, and every documented example
// sends one, so an absent one is refused where the type has settings; an
// empty object is enough where no setting is required (rating, text).
func checkResponseConfig(responseType string, raw json.RawMessage) string {
	cfg := map[string]any{}
	if raw != nil {
		_ = json.Unmarshal(raw, &cfg) // objectField already checked it.
	}
	switch responseType {
	case "rating", "text", "number":
		if raw == nil {
			return "response_config object required for " + responseType + " response type"
		}
	}
	if v, present := cfg["required"]; present && v != nil {
		if _, ok := v.(bool); !ok {
			return "required must be a boolean"
		}
	}
	switch responseType {
	case "single_select", "multi_select":
		opts, ok := cfg["options"].([]any)
		if !ok || len(opts) == 0 {
			return "options array required for select response type"
		}
		if len(opts) > maxOptions {
			return fmt.Sprintf("options must have between 1 and %d items", maxOptions)
		}
		for _, o := range opts {
			if !validOption(o) {
				return "each option must be a non-empty string or an object with value and label"
			}
		}
		if responseType == "multi_select" {
			return checkSelections(cfg, len(opts))
		}
	case "rating":
		lo, hi, msg := numberPair(cfg, "scale_min", "scale_max", defaultRatingMin, defaultRatingMax)
		if msg != "" {
			return msg
		}
		if lo >= hi {
			return "scale_min must be less than scale_max"
		}
		if step, present := cfg["scale_step"]; present {
			if s, ok := step.(float64); !ok || s <= 0 {
				return "scale_step must be a number greater than 0"
			}
		}
		if labels, present := cfg["labels"]; present && labels != nil {
			m, ok := labels.(map[string]any)
			if !ok {
				return "labels must be an object of scale values to labels"
			}
			for k, v := range m {
				n, err := strconv.ParseFloat(k, 64)
				if _, isString := v.(string); err != nil || !isString {
					return "labels must map scale values (numbers) to label strings"
				}
				if n < lo || n > hi {
					return fmt.Sprintf("labels key %s is outside the scale", k)
				}
			}
		}
	case "number":
		if v, present := cfg["max_value"]; !present || v == nil {
			return "max_value is required for number response type"
		}
		lo, hi, msg := numberPair(cfg, "min_value", "max_value", 0, 0)
		if msg != "" {
			return msg
		}
		if lo > hi {
			return "min_value must be less than or equal to max_value"
		}
		if _, msg := wholeSetting(cfg, "decimal_places", 0, maxDecimalPlaces, defaultDecimals); msg != "" {
			return msg
		}
		for _, name := range []string{"prefix", "suffix"} {
			if v, present := cfg[name]; present && v != nil {
				if _, ok := v.(string); !ok {
					return name + " must be a string"
				}
			}
		}
		allowNegative, present := cfg["allow_negative"].(bool)
		if v, given := cfg["allow_negative"]; given && v != nil && !present {
			return "allow_negative must be a boolean"
		}
		if lo < 0 && !allowNegative {
			return "min_value must not be negative unless allow_negative is true"
		}
	case "text":
		lo, hi, msg := numberPair(cfg, "min_length", "max_length", 0, maxTextLength)
		if msg != "" {
			return msg
		}
		if hi < 1 || hi > maxTextLength {
			return fmt.Sprintf("max_length must be between 1 and %d", maxTextLength)
		}
		if lo < 0 {
			return "min_length must not be negative"
		}
		if lo > hi {
			return "min_length must be less than or equal to max_length"
		}
	case "boolean":
		for _, name := range []string{"true_label", "false_label"} {
			if v, present := cfg[name]; present && v != nil {
				s, ok := v.(string)
				if !ok || !between(s, 1, maxBooleanLabel) {
					return fmt.Sprintf("%s must be between 1 and %d characters", name, maxBooleanLabel)
				}
			}
		}
		for _, name := range []string{"true_color", "false_color"} {
			if v, present := cfg[name]; present && v != nil {
				if s, ok := v.(string); !ok || !hexColor.MatchString(s) {
					return name + " must be a hex color such as #16a34a"
				}
			}
		}
	}
	return ""
}

// checkSelections checks a multi_select's min_selections and
// max_selections against each other and the number of options.
func checkSelections(cfg map[string]any, options int) string {
	lo, msg := wholeSetting(cfg, "min_selections", 0, options, 0)
	if msg != "" {
		return msg
	}
	hi, msg := wholeSetting(cfg, "max_selections", 1, options, options)
	if msg != "" {
		return msg
	}
	if lo > hi {
		return "min_selections must be less than or equal to max_selections"
	}
	return ""
}

// wholeSetting reads an optional whole-number setting within [lo, hi].
func wholeSetting(cfg map[string]any, name string, lo, hi, def int) (int, string) {
	v, present := cfg[name]
	if !present || v == nil {
		return def, ""
	}
	f, ok := v.(float64)
	if !ok || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, fmt.Sprintf("%s must be a whole number between %d and %d", name, lo, hi)
	}
	return int(f), ""
}

// checkAnswer returns why raw cannot answer a request of this response
// type and configuration, or "" when it can. Besides the plain value, the
// wrapped forms the API returns ({"selected_value": ...},
// {"boolean": ...}, ...) are accepted.
func checkAnswer(responseType string, rawCfg, raw json.RawMessage) string {
	cfg := map[string]any{}
	_ = json.Unmarshal(rawCfg, &cfg)
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "the answer is not JSON"
	}
	if m, ok := v.(map[string]any); ok {
		for _, key := range []string{"selected_value", "selected_values", "rating", "number", "boolean"} {
			if inner, found := m[key]; found {
				v = inner
				break
			}
		}
	}
	switch responseType {
	case "single_select":
		s, ok := v.(string)
		if !ok || !slices.Contains(optionValues(cfg), s) {
			return "the answer must be the value of one of the options: " + strings.Join(optionValues(cfg), ", ")
		}
	case "multi_select":
		list, ok := v.([]any)
		if !ok {
			return "the answer must be a list of option values"
		}
		values := optionValues(cfg)
		seen := map[string]bool{}
		for _, e := range list {
			s, ok := e.(string)
			if !ok || !slices.Contains(values, s) {
				return "every selected value must be the value of one of the options: " + strings.Join(values, ", ")
			}
			if seen[s] {
				return "the answer selects " + s + " twice"
			}
			seen[s] = true
		}
		lo, _ := wholeSetting(cfg, "min_selections", 0, len(values), 0)
		hi, _ := wholeSetting(cfg, "max_selections", 1, len(values), len(values))
		if len(list) < lo || len(list) > hi {
			return fmt.Sprintf("the answer must select between %d and %d options", lo, hi)
		}
	case "rating":
		n, ok := v.(float64)
		lo, hi, _ := numberPair(cfg, "scale_min", "scale_max", defaultRatingMin, defaultRatingMax)
		if !ok || n < lo || n > hi {
			return fmt.Sprintf("the answer must be a number from %s to %s", formatNumber(lo), formatNumber(hi))
		}
	case "number":
		n, ok := v.(float64)
		if !ok {
			return "the answer must be a number"
		}
		lo, hi, _ := numberPair(cfg, "min_value", "max_value", 0, math.Inf(1))
		if allow, _ := cfg["allow_negative"].(bool); n < 0 && !allow {
			return "negative numbers are not allowed unless allow_negative is true"
		}
		if n < lo || n > hi {
			return fmt.Sprintf("the answer must be between %s and %s", formatNumber(lo), formatNumber(hi))
		}
		places, _ := wholeSetting(cfg, "decimal_places", 0, maxDecimalPlaces, defaultDecimals)
		if decimals(n) > places {
			return fmt.Sprintf("the answer has more than %d decimal places", places)
		}
	case "text":
		s, ok := v.(string)
		if !ok {
			return "the answer must be a string"
		}
		lo, hi, _ := numberPair(cfg, "min_length", "max_length", 0, maxTextLength)
		if n := float64(utf8.RuneCountInString(s)); n < lo || n > hi {
			return fmt.Sprintf("the answer must have between %s and %s characters", formatNumber(lo), formatNumber(hi))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return "the answer must be true or false"
		}
	}
	return ""
}

// recordedAnswer is the response_data the API stores for an answer. A
// boolean answer is kept in the documented form, {"boolean": true,
// "boolean_label": "Approve"}; other answers as given.
func recordedAnswer(responseType string, rawCfg, raw json.RawMessage) json.RawMessage {
	if responseType != "boolean" || raw == nil {
		return raw
	}
	var value bool
	if err := json.Unmarshal(raw, &value); err != nil {
		return raw // Already wrapped, or not a boolean.
	}
	var cfg struct {
		TrueLabel  string `json:"true_label"`
		FalseLabel string `json:"false_label"`
	}
	_ = json.Unmarshal(rawCfg, &cfg)
	label := cmpOr(cfg.FalseLabel, defaultBooleanFalse)
	if value {
		label = cmpOr(cfg.TrueLabel, defaultBooleanTrue)
	}
	out, _ := json.Marshal(map[string]any{"boolean": value, "boolean_label": label})
	return out
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func optionValues(cfg map[string]any) []string {
	opts, _ := cfg["options"].([]any)
	var out []string
	for _, o := range opts {
		switch x := o.(type) {
		case string:
			out = append(out, x)
		case map[string]any:
			if s, ok := x["value"].(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// decimals counts the digits after the decimal point of n's shortest form.
func decimals(n float64) int {
	s := strconv.FormatFloat(n, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

func formatNumber(f float64) string {
	if math.IsInf(f, 0) {
		return "any"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
