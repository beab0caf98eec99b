package hitl

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
)

// envelope is the wrapper around every API response.
type envelope struct {
	Error *bool           `json:"error"`
	Msg   string          `json:"msg"`
	Data  json.RawMessage `json:"data"`
}

// callURL is the full address of a call without its query: what error
// messages show, so that a wrong base URL is visible at a glance. The base
// URL never holds credentials or a query (see ParseBaseURL).
func (c *Client) callURL(path string) string {
	path, _, _ = strings.Cut(path, "?")
	return c.baseURL.String() + path
}

// finish turns the last attempt into the method's result.
func (c *Client) finish(method, path string, a attempt, write bool, out any) error {
	full := c.callURL(path)
	if a.err != nil {
		if write && a.sent {
			return &UncertainError{Method: method, Path: path, URL: full, Err: a.err}
		}
		return fmt.Errorf("%s %s: %w", method, full, a.err)
	}
	if len(a.body) > maxResponseBytes {
		return &ResponseError{StatusCode: a.status, Method: method, Path: path, URL: full,
			Reason: fmt.Sprintf("the body is larger than %d MiB", maxResponseBytes>>20)}
	}
	err := decode(method, path, full, a, out)
	var apiErr *APIError
	if budgetSpent(a) && errors.As(err, &apiErr) {
		return &RateLimitError{APIError: apiErr, Limit: a.rate.Limit, Reset: a.rate.Reset, At: a.at}
	}
	return err
}

// decode reads an envelope, mapping failures to *APIError and malformed
// answers to *ResponseError.
func decode(method, path, full string, a attempt, out any) error {
	ok := a.status >= 200 && a.status < 300
	var env envelope
	if err := json.Unmarshal(a.body, &env); err != nil {
		if !ok {
			// Proxies answer 502s with HTML; the status is what matters.
			return &APIError{StatusCode: a.status, Method: method, Path: path, URL: full,
				Message: http.StatusText(a.status), Details: "the response body was not JSON: " + snippet(a.body), RetryAfter: a.retryAfter}
		}
		return &ResponseError{StatusCode: a.status, Method: method, Path: path, URL: full,
			Reason: "the body is not a valid JSON envelope (" + err.Error() + ")", Snippet: snippet(a.body)}
	}
	if !ok || (env.Error != nil && *env.Error) {
		apiErr := &APIError{StatusCode: a.status, Method: method, Path: path, URL: full, Message: env.Msg,
			RetryAfter: a.retryAfter, Envelope: env.Error != nil}
		if len(env.Data) > 0 && string(env.Data) != "null" {
			var details any
			if json.Unmarshal(env.Data, &details) == nil {
				apiErr.Details = details
			}
		}
		if apiErr.Message == "" {
			apiErr.Message = "the API reported an error without a message"
		}
		return apiErr
	}
	if out == nil {
		return nil
	}
	if len(env.Data) == 0 || string(env.Data) == "null" {
		return &ResponseError{StatusCode: a.status, Method: method, Path: path, URL: full, Reason: `the envelope has no "data"`, Snippet: snippet(a.body)}
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		return &ResponseError{StatusCode: a.status, Method: method, Path: path, URL: full, Reason: "the data does not have the documented shape (" + err.Error() + ")", Snippet: snippet(a.body)}
	}
	if v, ok := out.(interface{ validate() error }); ok {
		if err := v.validate(); err != nil {
			return &ResponseError{StatusCode: a.status, Method: method, Path: path, URL: full, Reason: err.Error()}
		}
	}
	return nil
}

// snippet returns the start of a body as printable text.
func snippet(body []byte) string {
	const maxLen = 80
	s := string(body)
	if len(s) > maxLen {
		s = s[:maxLen] + "…"
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, s)
}
