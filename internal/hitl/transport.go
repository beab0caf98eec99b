package hitl

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unicode"
)

// envelope is the wrapper around every API response.
type envelope struct {
	Error *bool           `json:"error"`
	Msg   string          `json:"msg"`
	Data  json.RawMessage `json:"data"`
}

// writeCounter moves every time this client starts or finishes a write, so
// a cache can tell whether anything it holds may be stale.
type writeCounter struct{ n atomic.Uint64 }

func (w *writeCounter) bump()         { w.n.Add(1) }
func (w *writeCounter) value() uint64 { return w.n.Load() }

// attempt is the outcome of one HTTP exchange.
type attempt struct {
	status     int
	body       []byte
	retryAfter time.Duration
	// sent is false when the request certainly never reached the server
	// (for example, the connection was refused), which makes even a create
	// safe to repeat.
	sent bool
	err  error
	// rate holds the answer's rate limit headers, and at when it came.
	rate RateLimit
	at   time.Time
}

// do performs one API call, retrying where that is safe, and decodes the
// envelope's data into out (which may be nil).
//
// A failure worth retrying (see retryReason) is retried with exponential
// backoff and jitter, never sooner than the server's Retry-After, for as
// long as the operation may last: until the next wait would pass ctx's
// deadline (or, without one, the client's retry window), or until the
// optional cap on retries is reached.
//
// Two failures are treated apart. A 429 that says the key's budget is spent
// (X-RateLimit-Remaining: 0 and a reset time, no Retry-After) waits for the
// reset when the deadline allows and otherwise fails at once with a
// *RateLimitError. Refused connections before the client has ever had an
// answer are tried firstContactAttempts times within about a second and
// then fail with an *UnreachableError; later calls refused the same way
// fail at once, until an answer arrives. Once ctx is done no new attempt
// starts; a caller that must finish a call after a cancellation (such as
// the lookup that decides whether a sent create took effect) passes a
// context detached from it.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	_, err := c.doRate(ctx, method, path, body, out)
	return err
}

// doRate is do that also returns the rate limit headers of the answer it
// decoded (not Known when there was none, or they were absent).
func (c *Client) doRate(ctx context.Context, method, path string, body, out any) (RateLimit, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return RateLimit{}, fmt.Errorf("encoding %s %s request: %w", method, path, err)
		}
	}
	write := method != http.MethodGet
	if write {
		c.writes.bump()
		defer c.writes.bump()
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(c.retryWindow)
	}
	// A call seen through after an interrupt makes no new attempt (interrupt.go).
	retryCtx, stopRetries := retryContext(ctx)
	defer stopRetries()

	// The last answer the server gave, for a read whose deadline expires
	// during a later attempt: the API's own error explains more than the
	// timeout does. A write cut short is reported as such instead, since
	// the server may have performed it.
	var answered *attempt
	for try := 0; ; try++ {
		if spent, ok := c.rate.spentAnswer(); ok {
			// An earlier answer said the budget is spent until a reset
			// still ahead: this call would be refused too.
			wait := time.Until(spent.rate.Reset) + resetJitter()
			if retryCtx.Err() != nil || time.Until(deadline) < wait {
				err := c.finish(method, path, spent, write, nil)
				if rl, ok := AsBudgetSpent(err); ok {
					rl.NotSent, rl.At = true, time.Now()
				}
				return spent.rate, err
			}
			c.logInfo(ctx, "HITL API request budget spent; waiting for it to reset", map[string]any{
				"method": method, "path": path, "limit": spent.rate.Limit,
				"reset_at": spent.rate.Reset.UTC().Format(time.RFC3339), "wait": wait.Round(time.Second).String(),
			})
			notifyBudgetWait(ctx, BudgetWait{Method: method, Path: path, Limit: spent.rate.Limit, Reset: spent.rate.Reset})
			if !sleepCtx(retryCtx, wait) {
				return RateLimit{}, c.finish(method, path, attempt{err: context.Cause(retryCtx)}, write, out)
			}
		}
		a := c.send(ctx, method, path, payload)
		if a.err == nil {
			answered = &a
		} else if ctx.Err() != nil && !write && answered != nil {
			return answered.rate, c.finish(method, path, *answered, write, out)
		}
		if budgetSpent(a) && a.retryAfter == 0 {
			// The API did not perform the call. Wait for the budget's
			// reset if the operation lasts that long; otherwise say so at
			// once, since no retry can succeed before it.
			wait := max(time.Until(a.rate.Reset), 0) + resetJitter()
			if retryCtx.Err() != nil || (c.maxRetries >= 0 && try >= c.maxRetries) || time.Until(deadline) < wait {
				return a.rate, c.finish(method, path, a, write, out)
			}
			c.logInfo(ctx, "HITL API request budget spent; waiting for it to reset", map[string]any{
				"method": method, "path": path, "limit": a.rate.Limit,
				"reset_at": a.rate.Reset.UTC().Format(time.RFC3339), "wait": wait.Round(time.Second).String(),
			})
			notifyBudgetWait(ctx, BudgetWait{Method: method, Path: path, Limit: a.rate.Limit, Reset: a.rate.Reset})
			if !sleepCtx(retryCtx, wait) {
				return a.rate, c.finish(method, path, a, write, out)
			}
			continue
		}
		if a.err != nil && !a.sent && isConnRefused(a.err) && !c.contacted.Load() {
			// Nothing has ever answered at this address: far more likely
			// a wrong base URL than an outage. Try briefly, then report it
			// once; other calls that are refused too fail at once.
			if retryCtx.Err() != nil {
				return RateLimit{}, c.finish(method, path, a, write, out)
			}
			if c.unreachable.Load() || try+1 >= firstContactAttempts || (c.maxRetries >= 0 && try >= c.maxRetries) {
				c.unreachable.Store(true)
				return RateLimit{}, &UnreachableError{BaseURL: c.baseURL.String(), URL: c.callURL(path), Method: method, Attempts: try + 1, Err: a.err}
			}
			wait := c.backoff(try, 0)
			c.logWarn(ctx, "retrying HITL API request", map[string]any{
				"method": method, "path": path, "attempt": try + 1, "reason": retryReason(method, a), "wait_ms": wait.Milliseconds(),
			})
			if !sleepCtx(retryCtx, wait) {
				return RateLimit{}, c.finish(method, path, attempt{err: context.Cause(retryCtx), sent: a.sent}, write, out)
			}
			continue
		}
		reason := retryReason(method, a)
		if a.err != nil && a.sent && checkBeforeResend(ctx) {
			reason = "" // the caller checks the outcome before sending again
		}
		if reason == "" || (c.maxRetries >= 0 && try >= c.maxRetries) || retryCtx.Err() != nil {
			return a.rate, c.finish(method, path, a, write, out)
		}
		wait := c.backoff(try, a.retryAfter)
		if time.Until(deadline) < wait {
			// Waiting would outlive the operation's deadline; report the
			// failure we have instead of a less useful timeout.
			c.logger.Debug(ctx, "not retrying HITL API request: the operation's deadline comes first", map[string]any{
				"method": method, "path": path, "attempts": try + 1, "reason": reason, "wait_ms": wait.Milliseconds(),
			})
			return a.rate, c.finish(method, path, a, write, out)
		}
		c.logWarn(ctx, "retrying HITL API request", map[string]any{
			"method": method, "path": path, "attempt": try + 1, "reason": reason, "wait_ms": wait.Milliseconds(),
		})
		timer := time.NewTimer(wait)
		select {
		case <-retryCtx.Done():
			timer.Stop()
			if !write && answered != nil {
				return answered.rate, c.finish(method, path, *answered, write, out)
			}
			return RateLimit{}, c.finish(method, path, attempt{err: context.Cause(retryCtx), sent: a.sent}, write, out)
		case <-timer.C:
		}
	}
}

// send performs one HTTP exchange and reads at most maxResponseBytes+1 of
// the body.
func (c *Client) send(ctx context.Context, method, path string, payload []byte) attempt {
	var a attempt
	var reqBody io.Reader
	if payload != nil {
		reqBody = bytes.NewReader(payload)
	}
	// The transport reports from its own goroutine once the whole request
	// is on the wire; before that the server cannot have acted on it.
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) { wrote.Store(info.Err == nil) },
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), method, c.baseURL.String()+path, reqBody)
	if err != nil {
		a.err = err
		return a
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	start := time.Now()
	resp, err := c.httpClient.Do(req)
	a.sent = wrote.Load()
	if err != nil {
		a.err = stripURL(err)
		c.logger.Debug(ctx, "HITL API request failed", map[string]any{
			"method": method, "path": path, "error": a.err.Error(), "duration_ms": time.Since(start).Milliseconds(),
		})
		return a
	}
	defer resp.Body.Close()
	a.sent = true // an answer came, so the request arrived
	c.contacted.Store(true)
	a.status = resp.StatusCode
	a.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
	a.rate, a.at = parseRateLimit(resp.Header), time.Now()
	a.body, a.err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if a.err != nil {
		a.err = stripURL(a.err)
	}
	c.rate.record(a)
	c.logger.Debug(ctx, "HITL API request", map[string]any{
		"method": method, "path": path, "status": resp.StatusCode, "duration_ms": time.Since(start).Milliseconds(),
	})
	return a
}

// retryReason says why a failed attempt may be repeated, or "" when it must
// not be. Creates (POST) are repeated only when the server certainly did not
// act on them: a 429, or a request that never left this machine.
func retryReason(method string, a attempt) string {
	idempotent := method != http.MethodPost
	switch {
	case a.err != nil && permanentTransportError(a.err):
		return ""
	case a.err != nil && !a.sent:
		return "connection error before the request was sent: " + a.err.Error()
	case a.err != nil && idempotent:
		return "connection error: " + a.err.Error()
	case a.err != nil:
		return ""
	case a.status == http.StatusTooManyRequests:
		return "rate limited (429)"
	case idempotent && (a.status == 500 || a.status == 502 || a.status == 503 || a.status == 504):
		return fmt.Sprintf("server error (%d)", a.status)
	}
	return ""
}

// permanentTransportError reports whether a transport failure will not go
// away by trying again: a host name that does not exist, or a server
// certificate that is not trusted. Both are configuration errors.
func permanentTransportError(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return true
	}
	var verifyErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuthority) ||
		errors.As(err, &hostnameErr) || errors.As(err, &invalidCert)
}

// backoff returns the wait before retry number try+1: exponential with
// jitter, never shorter than the server's Retry-After.
func (c *Client) backoff(try int, retryAfter time.Duration) time.Duration {
	wait := c.retryWaitMin << min(try, 20)
	if wait > c.retryWaitMax || wait <= 0 {
		wait = c.retryWaitMax
	}
	// Half fixed, half random, so that parallel resources that failed
	// together do not retry in lock step.
	wait = wait/2 + rand.N(wait/2+1)
	if retryAfter >= wait {
		// Never sooner than the server asked; spread the retries of
		// requests that were limited together a little after it.
		wait = retryAfter + rand.N(c.retryWaitMin/2+1)
	}
	return wait
}

// RetryWait returns how long to wait before attempt number try+1 of an
// operation that failed try times: the client's backoff, for callers that
// repeat whole operations (such as a create whose outcome was checked).
func (c *Client) RetryWait(try int) time.Duration { return c.backoff(try, 0) }

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
	if a.status == http.StatusTooManyRequests && a.rate.Known && a.rate.Remaining == 0 && errors.As(err, &apiErr) {
		return &RateLimitError{APIError: apiErr, Limit: a.rate.Limit, Reset: a.rate.Reset, At: a.at}
	}
	return err
}

// firstContactAttempts is how many times a call is tried when its
// connections are refused and the client has never reached the API.
const firstContactAttempts = 3

// isConnRefused reports whether a transport error is a refused connection.
func isConnRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// sleepCtx waits for d and reports true, or false if ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
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

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// stripURL drops the "Get \"https://...\":" prefix that net/http adds to
// transport errors: it is noise in a diagnostic that already names the call.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
