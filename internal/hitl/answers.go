package hitl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// IsNullJSON reports whether raw is absent or the JSON literal null.
func IsNullJSON(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// AnswerText renders an answer (a response_data or default_response value)
// as one string, the way a configuration compares it:
//   - a string is itself;
//   - a number is its decimal form, such as "4" or "4.5";
//   - true and false are "true" and "false";
//   - a list is its elements rendered this way and joined with commas,
//     such as "grammar,accuracy";
//   - an object with one of the keys the response-type pages document
//     ("selected_value", "selected_values", "rating", "number",
//     "boolean") is that value rendered this way, since the API may wrap
//     an answer like that: {"boolean": true, "boolean_label": "Deploy"}
//     is "true";
//   - any other object is its compact JSON.
//
// ok is false when raw is absent or null: there is no answer.
func AnswerText(raw json.RawMessage) (text string, ok bool) {
	if IsNullJSON(raw) {
		return "", false
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return string(bytes.TrimSpace(raw)), true
	}
	return answerValueText(v, true), true
}

func answerValueText(v any, top bool) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		if f, err := strconv.ParseFloat(x.String(), 64); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		if top {
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = answerValueText(e, false)
			}
			return strings.Join(parts, ",")
		}
	case map[string]any:
		if top {
			for _, key := range answerKeys {
				if inner, found := x[key]; found {
					return answerValueText(inner, true)
				}
			}
		}
	}
	b, _ := json.Marshal(v) // v came from JSON, so it encodes.
	return string(b)
}

// answerKeys are the keys under which the API's response_data objects
// carry the answer itself, beside its label or formatted value.
var answerKeys = []string{"selected_value", "selected_values", "boolean", "number", "rating"}

// EncodeAnswer is the inverse of AnswerText for an answer written by hand,
// such as a default response: it returns the JSON value that a response of
// responseType carries.
//   - rating and number: a JSON number; text must be one, such as "4.5";
//   - multi_select: a list of strings; text is the option values separated
//     by commas, such as "grammar,accuracy" (spaces around them are
//     ignored);
//   - boolean: JSON true or false; text must be "true" or "false";
//   - single_select, text and anything else: text as a JSON string.
func EncodeAnswer(responseType ResponseType, text string) (json.RawMessage, error) {
	switch responseType {
	case ResponseRating, ResponseNumber:
		t := strings.TrimSpace(text)
		var f float64
		if err := json.Unmarshal([]byte(t), &f); err != nil {
			return nil, fmt.Errorf("%q is not a number; a %s answer is a number such as 4 or 4.5", text, responseType)
		}
		return json.RawMessage(t), nil
	case ResponseBoolean:
		switch strings.TrimSpace(text) {
		case "true":
			return json.RawMessage("true"), nil
		case "false":
			return json.RawMessage("false"), nil
		}
		return nil, fmt.Errorf("%q is not a boolean; a boolean answer is true or false", text)
	case ResponseMultiSelect:
		values := SplitMultiAnswer(text)
		for _, v := range values {
			if v == "" {
				return nil, fmt.Errorf("%q has an empty option value; separate option values with single commas, such as \"a,b\"", text)
			}
		}
		return json.Marshal(values)
	default:
		return json.Marshal(text)
	}
}

// SplitMultiAnswer splits a multi_select answer written as comma-separated
// option values, trimming spaces around each.
func SplitMultiAnswer(text string) []string {
	parts := strings.Split(text, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}
