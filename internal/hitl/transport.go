package hitl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"
)

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
			if !c.waitForBudget(ctx, retryCtx, method, path, spent.rate, wait) {
				return RateLimit{}, c.finish(method, path, attempt{err: context.Cause(retryCtx)}, write, out)
			}
		}
		a := c.send(ctx, method, path, payload)
		lastTry := c.maxRetries >= 0 && try >= c.maxRetries
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
			if retryCtx.Err() != nil || lastTry || time.Until(deadline) < wait {
				return a.rate, c.finish(method, path, a, write, out)
			}
			if !c.waitForBudget(ctx, retryCtx, method, path, a.rate, wait) {
				return a.rate, c.finish(method, path, a, write, out)
			}
			continue
		}
		if a.err != nil && !a.sent && isConnRefused(a.err) && !c.contacted.Load() && retryCtx.Err() == nil &&
			(c.unreachable.Load() || try+1 >= firstContactAttempts || lastTry) {
			// Nothing has ever answered at this address: far more likely
			// a wrong base URL than an outage. After a few quick tries
			// (retried below like any refused connection), report it once;
			// other calls that are refused too fail at once.
			c.unreachable.Store(true)
			return RateLimit{}, &UnreachableError{BaseURL: c.baseURL.String(), URL: c.callURL(path), Method: method, Attempts: try + 1, Err: a.err}
		}
		reason := retryReason(method, a)
		if a.err != nil && a.sent && checkBeforeResend(ctx) {
			reason = "" // the caller checks the outcome before sending again
		}
		if reason == "" || lastTry || retryCtx.Err() != nil {
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
		if !sleepCtx(retryCtx, wait) {
			if !write && answered != nil {
				return answered.rate, c.finish(method, path, *answered, write, out)
			}
			return RateLimit{}, c.finish(method, path, attempt{err: context.Cause(retryCtx), sent: a.sent}, write, out)
		}
	}
}

// waitForBudget logs a wait for the budget's reset and reports it to the
// context's notifier (WithBudgetWaitNotifier), then waits; it is false when
// retryCtx ends first.
func (c *Client) waitForBudget(ctx, retryCtx context.Context, method, path string, rl RateLimit, wait time.Duration) bool {
	c.logInfo(ctx, "HITL API request budget spent; waiting for it to reset", map[string]any{
		"method": method, "path": path, "limit": rl.Limit,
		"reset_at": rl.Reset.UTC().Format(time.RFC3339), "wait": wait.Round(time.Second).String(),
	})
	notifyBudgetWait(ctx, BudgetWait{Method: method, Path: path, Limit: rl.Limit, Reset: rl.Reset})
	return sleepCtx(retryCtx, wait)
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

// stripURL drops the "Get \"https://...\":" prefix that net/http adds to
// transport errors: it is noise in a diagnostic that already names the call.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
