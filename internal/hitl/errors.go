package hitl

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// APIError is an answer from the API that reports failure: a non-2xx status,
// or a 2xx envelope with "error": true.
type APIError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Message is the envelope's "msg", such as "Validation failed".
	Message string
	// Details is the envelope's "data" when it explains the failure: a
	// string such as "name must be between 1 and 100 characters" or an
	// object such as {"field": "name", "issue": "Field is required"}.
	Details any
	// RetryAfter is the server's Retry-After hint on 429 and 503 answers.
	RetryAfter time.Duration
	// Method and Path say which call failed, without host or query.
	Method, Path string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HITL API answered %d", e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		fmt.Fprintf(&b, " %s", text)
	}
	if e.Method != "" {
		fmt.Fprintf(&b, " to %s %s", e.Method, e.Path)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if d := e.DetailText(); d != "" {
		fmt.Fprintf(&b, " (%s)", d)
	}
	return b.String()
}

// DetailText renders Details as one line: "name must be ..." or
// "field name: Field is required".
func (e *APIError) DetailText() string {
	switch d := e.Details.(type) {
	case nil:
		return ""
	case string:
		return d
	case map[string]any:
		if field, ok := d["field"].(string); ok {
			if issue, ok := d["issue"].(string); ok {
				return fmt.Sprintf("field %s: %s", field, issue)
			}
		}
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s: %v", k, d[k]))
		}
		return strings.Join(parts, ", ")
	default:
		raw, _ := json.Marshal(d)
		return string(raw)
	}
}

func statusIs(err error, codes ...int) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	for _, c := range codes {
		if apiErr.StatusCode == c {
			return true
		}
	}
	return false
}

// IsNotFound reports whether err is a 404 from the API.
func IsNotFound(err error) bool { return statusIs(err, http.StatusNotFound) }

// IsUnauthorized reports whether the API rejected the API key (401).
func IsUnauthorized(err error) bool { return statusIs(err, http.StatusUnauthorized) }

// IsForbidden reports whether the key may not act on the object (403).
func IsForbidden(err error) bool { return statusIs(err, http.StatusForbidden) }

// IsValidation reports whether the API rejected the request body (400).
func IsValidation(err error) bool { return statusIs(err, http.StatusBadRequest) }

// IsRateLimited reports whether the key has used up its request budget (429).
func IsRateLimited(err error) bool { return statusIs(err, http.StatusTooManyRequests) }

// IsServerError reports whether the API failed with a 5xx status.
func IsServerError(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 500
}

// ResponseError means the server answered, but not with a well-formed API
// envelope: an HTML error page from a proxy, truncated JSON, fields of the
// wrong type, or a body larger than the client is willing to read.
type ResponseError struct {
	StatusCode   int
	Method, Path string
	Reason       string
	// Snippet is the start of the body, for diagnosis.
	Snippet string
}

func (e *ResponseError) Error() string {
	msg := fmt.Sprintf("unexpected response from HITL API to %s %s (HTTP %d): %s", e.Method, e.Path, e.StatusCode, e.Reason)
	if e.Snippet != "" {
		msg += fmt.Sprintf("; the body starts with %q", e.Snippet)
	}
	return msg
}

// UncertainError means a write was sent but no answer came back (a timeout
// or a dropped connection), so the server may or may not have performed it.
type UncertainError struct {
	Method, Path string
	Err          error
}

func (e *UncertainError) Error() string {
	return fmt.Sprintf("%s %s was sent but no response arrived, so it is unknown whether the API performed it: %v", e.Method, e.Path, e.Err)
}

func (e *UncertainError) Unwrap() error { return e.Err }

// IsUncertain reports whether err is an UncertainError.
func IsUncertain(err error) bool {
	var u *UncertainError
	return errors.As(err, &u)
}
