package emulator

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

const (
	minTimeoutSeconds      = 60
	maxTimeoutSeconds      = 86400
	deferredTimeoutSeconds = 30 * 24 * 60 * 60
	maxRequestTextChars    = 2000
)

var (
	processingTypes = []string{"time-sensitive", "deferred"}
	contentTypes    = []string{"markdown", "image"}
	priorities      = []string{"low", "medium", "high", "critical"}
	responseTypes   = []string{"single_select", "multi_select", "rating", "text", "number", "boolean"}
	platforms       = []string{"n8n", "zapier", "web_portal", "api", "mobile", "webhook"}
)

// requestInput is a validated create-request body.
type requestInput struct {
	processingType  string
	typ             string
	priority        string
	requestText     string
	imageURL        string
	responseType    string
	responseConfig  json.RawMessage
	defaultResponse json.RawMessage
	context         json.RawMessage
	tags            []string
	callbackURL     string
	platform        string
	platformVersion string
	// timeoutSeconds is the request's time to answer: as given, or the
	// deferred default. timeoutGiven says whether the body set it; the
	// request object echoes only what was submitted.
	timeoutSeconds int
	timeoutGiven   bool
}

// parseRequestInput decodes and validates a create-request body. Wrong JSON
// types are "Invalid request body"; wrong values are "Validation failed",
// reported one at a time in the order the fields are documented.
func parseRequestInput(r *http.Request) (requestInput, *apiError) {
	var in requestInput
	m, aerr := decodeObject(r)
	if aerr != nil {
		return in, aerr
	}
	given := map[string]bool{}
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"processing_type", &in.processingType},
		{"type", &in.typ},
		{"priority", &in.priority},
		{"request_text", &in.requestText},
		{"image_url", &in.imageURL},
		{"response_type", &in.responseType},
		{"callback_url", &in.callbackURL},
		{"platform", &in.platform},
		{"platform_version", &in.platformVersion},
	} {
		s, ok, aerr := stringField(m, f.name)
		if aerr != nil {
			return in, aerr
		}
		*f.dst, given[f.name] = s, ok
	}
	timeout, hasTimeout, aerr := intField(m, "timeout_seconds")
	if aerr != nil {
		return in, aerr
	}
	if in.context, aerr = objectField(m, "context"); aerr != nil {
		return in, aerr
	}
	if in.responseConfig, aerr = objectField(m, "response_config"); aerr != nil {
		return in, aerr
	}
	if raw := m["tags"]; !isNull(raw) {
		if err := json.Unmarshal(raw, &in.tags); err != nil {
			return in, invalidBody("tags must be an array of strings")
		}
	}
	if raw := m["default_response"]; !isNull(raw) {
		in.defaultResponse = raw
	}

	if aerr := checkEnum("processing_type", in.processingType, given["processing_type"], processingTypes); aerr != nil {
		return in, aerr
	}
	if aerr := checkEnum("type", in.typ, given["type"], contentTypes); aerr != nil {
		return in, aerr
	}
	if in.typ == "image" && in.imageURL == "" {
		return in, fieldRequired("image_url")
	}
	if aerr := checkEnum("priority", in.priority, given["priority"], priorities); aerr != nil {
		return in, aerr
	}
	if !given["request_text"] {
		return in, fieldRequired("request_text")
	}
	if !between(in.requestText, 1, maxRequestTextChars) {
		return in, validationFailed("request_text must be between 1 and 2000 characters")
	}
	if aerr := checkEnum("response_type", in.responseType, given["response_type"], responseTypes); aerr != nil {
		return in, aerr
	}
	switch {
	case hasTimeout && (timeout < minTimeoutSeconds || timeout > maxTimeoutSeconds):
		return in, validationFailed("timeout_seconds must be between 60 and 86400")
	case hasTimeout:
		in.timeoutSeconds, in.timeoutGiven = timeout, true
	case in.processingType == "time-sensitive":
		return in, validationFailed("timeout_seconds is required for time-sensitive requests")
	default:
		in.timeoutSeconds = deferredTimeoutSeconds
	}
	if given["platform"] && !slices.Contains(platforms, in.platform) {
		return in, validationFailed("platform must be one of: " + strings.Join(platforms, ", "))
	}
	if in.callbackURL != "" && !validCallbackURL(in.callbackURL) {
		return in, validationFailed("callback_url must be a valid URL")
	}
	if msg := checkResponseConfig(in.responseType, in.responseConfig); msg != "" {
		return in, &apiError{status: http.StatusBadRequest, msg: "Invalid response configuration", data: msg}
	}
	if in.responseConfig == nil {
		in.responseConfig = json.RawMessage(`{}`)
	}
	if in.defaultResponse != nil {
		if msg := checkAnswer(in.responseType, in.responseConfig, in.defaultResponse); msg != "" {
			return in, validationFailed("default_response: " + msg)
		}
	}
	return in, nil
}

func checkEnum(field, value string, given bool, allowed []string) *apiError {
	if !given {
		return fieldRequired(field)
	}
	if !slices.Contains(allowed, value) {
		return validationFailed(field + " must be one of: " + strings.Join(allowed, ", "))
	}
	return nil
}

func validCallbackURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// intField returns a whole-number field and whether it was given.
func intField(m map[string]json.RawMessage, name string) (int, bool, *apiError) {
	raw := m[name]
	if isNull(raw) {
		return 0, false, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, false, invalidBody(name + " must be an integer")
	}
	return int(f), true, nil
}

// objectField returns a field that must be a JSON object, or nil when absent.
func objectField(m map[string]json.RawMessage, name string) (json.RawMessage, *apiError) {
	raw := m[name]
	if isNull(raw) {
		return nil, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, invalidBody(name + " must be an object")
	}
	return raw, nil
}

// numberPair reads two optional numeric settings with their defaults.
func numberPair(cfg map[string]any, loName, hiName string, loDefault, hiDefault float64) (lo, hi float64, msg string) {
	lo, hi = loDefault, hiDefault
	for _, f := range []struct {
		name string
		dst  *float64
	}{{loName, &lo}, {hiName, &hi}} {
		v, present := cfg[f.name]
		if !present || v == nil {
			continue
		}
		n, ok := v.(float64)
		if !ok {
			return 0, 0, f.name + " must be a number"
		}
		*f.dst = n
	}
	return lo, hi, ""
}

func validOption(o any) bool {
	switch v := o.(type) {
	case string:
		return v != ""
	case map[string]any:
		value, _ := v["value"].(string)
		label, _ := v["label"].(string)
		if c, present := v["color"]; present && c != nil {
			if _, ok := c.(string); !ok {
				return false
			}
		}
		return value != "" && label != ""
	}
	return false
}
