package hitl

import (
	"context"
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
	// Method and Path say which call failed: Path is relative to the base
	// URL, such as "/api/loops/{id}".
	Method, Path string
	// URL is the full address of the call (scheme, host and path, never
	// the query), so that a wrong base URL is visible at a glance.
	URL string
	// Envelope is true when the body was the API's JSON envelope, rather
	// than, say, an HTML page from a web server or proxy that is not the
	// HITL API.
	Envelope bool
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HITL API answered %d", e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		fmt.Fprintf(&b, " %s", text)
	}
	if e.Method != "" {
		fmt.Fprintf(&b, " to %s %s", e.Method, e.where())
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if d := e.DetailText(); d != "" {
		fmt.Fprintf(&b, " (%s)", d)
	}
	return b.String()
}

func (e *APIError) where() string { return callAddress(e.URL, e.Path) }

// callAddress is the full URL of a call when known, else its path.
func callAddress(fullURL, path string) string {
	if fullURL != "" {
		return fullURL
	}
	return path
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

// The API's messages for objects that do not exist, and for a loop that
// has nobody to ask.
const (
	LoopNotFoundMessage    = "Loop not found"
	RequestNotFoundMessage = "Request not found"
	NoActiveMembersMessage = "No active members found in the loop"
)

// The predicates below classify one answer of the API. An answer that an
// object is not found (IsLoopNotFoundAnswer, IsRequestNotFoundAnswer,
// IsMemberNotFoundAnswer) is what a single call heard, not proof that the
// object is gone: only the functions that also ask the object's list
// (ReadLoop, ConfirmLoopGone, ReadRequest, ConfirmRequestGone,
// LoopSnapshot.Get) return a *GoneError, checked with IsConfirmedGone.

// IsNotFound reports whether err is any 404. A 404 alone does not prove
// that an object is gone: a wrong base URL makes every route answer 404.
// Use IsConfirmedGone to decide that, and IsEndpointNotFound to recognise
// a wrong URL.
func IsNotFound(err error) bool { return statusIs(err, http.StatusNotFound) }

// IsLoopNotFoundAnswer reports whether err is the API's own answer that the
// loop a call names does not exist: a 404 to a call under /api/loops/{id}
// whose JSON envelope says "Loop not found". It is never true for the loop
// list, for an HTML page, or for a 404 with another message. It does not
// prove that the loop is gone; see IsConfirmedGone.
func IsLoopNotFoundAnswer(err error) bool {
	return isObjectNotFound(err, "/api/loops/", LoopNotFoundMessage)
}

// IsRequestNotFoundAnswer reports whether err is the API's own answer that
// the review request a call names does not exist: a 404 to a call under
// /api/requests/{id} whose JSON envelope says "Request not found". It does
// not prove that the request is gone; see IsConfirmedGone.
func IsRequestNotFoundAnswer(err error) bool {
	return isObjectNotFound(err, "/api/requests/", RequestNotFoundMessage)
}

// IsEndpointNotFound reports whether err is a 404 that is not the API's
// answer about a loop, a request or a member: the server does not know the URL at
// all, which almost always means the base URL is wrong (for example, its
// /v1 is missing, or it points at another web server).
func IsEndpointNotFound(err error) bool {
	return IsNotFound(err) && !IsLoopNotFoundAnswer(err) && !IsRequestNotFoundAnswer(err) && !IsMemberNotFoundAnswer(err)
}

// IsNoActiveMembers reports whether err is the API's refusal to create a
// review request in a loop that nobody has joined yet.
func IsNoActiveMembers(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Message == NoActiveMembersMessage
}

func isObjectNotFound(err error, pathPrefix, message string) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound || !apiErr.Envelope {
		return false
	}
	rest, ok := strings.CutPrefix(apiErr.Path, pathPrefix)
	if !ok || rest == "" || strings.HasPrefix(rest, "?") {
		return false
	}
	return strings.EqualFold(strings.TrimSpace(apiErr.Message), message)
}

// IsUnauthorized reports whether the API rejected the API key (401).
func IsUnauthorized(err error) bool { return statusIs(err, http.StatusUnauthorized) }

// IsForbidden reports whether the key may not act on the object (403).
func IsForbidden(err error) bool { return statusIs(err, http.StatusForbidden) }

// IsValidation reports whether the API rejected the request body (400).
func IsValidation(err error) bool { return statusIs(err, http.StatusBadRequest) }

// IsRateLimited reports whether the key has used up its request budget (429).
func IsRateLimited(err error) bool { return statusIs(err, http.StatusTooManyRequests) }

// IsPermanentAPIError reports whether err is an answer of the API that
// asking again will not change: a 4xx other than a rate limit, such as a
// refused key or a request that is not found. It is false for errors that
// are not answers of the API (a lost connection, a malformed body).
func IsPermanentAPIError(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && !IsRateLimited(err)
}

// IsServerError reports whether the API failed with a 5xx status.
func IsServerError(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode >= 500
}

// IsTransient reports whether err may go away by trying again later: a rate
// limit, a server error, or a failure to reach the API. It is false for the
// API's answers about the request itself and for malformed answers, and for
// the errors that the client reports at once because retrying within the
// operation cannot help: a spent budget (RateLimitError) and an address
// where nothing ever answered (UnreachableError).
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || IsUnreachable(err) {
		return false
	}
	if _, spent := AsBudgetSpent(err); spent {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode == http.StatusTooManyRequests || apiErr.StatusCode >= 500
	}
	var respErr *ResponseError
	return !errors.As(err, &respErr)
}

// ResponseError means the server answered, but not with a well-formed API
// envelope: an HTML error page from a proxy, truncated JSON, fields of the
// wrong type, or a body larger than the client is willing to read.
type ResponseError struct {
	StatusCode   int
	Method, Path string
	// URL is the full address of the call, without its query.
	URL    string
	Reason string
	// Snippet is the start of the body, for diagnosis.
	Snippet string
}

func (e *ResponseError) Error() string {
	msg := fmt.Sprintf("unexpected response from HITL API to %s %s (HTTP %d): %s", e.Method, callAddress(e.URL, e.Path), e.StatusCode, e.Reason)
	if e.Snippet != "" {
		msg += fmt.Sprintf("; the body starts with %q", e.Snippet)
	}
	return msg
}

// UncertainError means a write was sent but no answer came back (a timeout
// or a dropped connection), so the server may or may not have performed it.
type UncertainError struct {
	Method, Path string
	// URL is the full address of the call, without its query.
	URL string
	Err error
}

func (e *UncertainError) Error() string {
	return fmt.Sprintf("%s %s was sent but no response arrived, so it is unknown whether the API performed it: %v",
		e.Method, callAddress(e.URL, e.Path), e.Err)
}

func (e *UncertainError) Unwrap() error { return e.Err }

// IsUncertain reports whether err is an UncertainError.
func IsUncertain(err error) bool {
	var u *UncertainError
	return errors.As(err, &u)
}

// UnreachableError means that nothing accepted a connection at the API's
// address on any attempt, before this client had ever reached the API: the
// base URL's host or port is almost certainly wrong. A client that has had
// an answer retries refused connections until the deadline instead, as an
// outage.
type UnreachableError struct {
	// BaseURL is the API root the client was configured with; URL is the
	// full address of the call, and Method its method (both empty for
	// Probe, which sends no request).
	BaseURL, URL string
	Method       string
	Attempts     int
	Err          error
}

func (e *UnreachableError) Error() string {
	attempts := "once"
	if e.Attempts > 1 {
		attempts = fmt.Sprintf("%d times", e.Attempts)
	}
	if e.Method == "" {
		return fmt.Sprintf("cannot reach the HITL API at %s: %v (tried %s)", e.BaseURL, e.Err, attempts)
	}
	return fmt.Sprintf("cannot reach the HITL API at %s: %s %s: %v (tried %s)", e.BaseURL, e.Method, e.URL, e.Err, attempts)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// IsUnreachable reports whether err is an UnreachableError.
func IsUnreachable(err error) bool {
	var u *UnreachableError
	return errors.As(err, &u)
}
