package hitl

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The API allows each key a budget of requests per window (100 an hour) and
// reports it on every answer in three headers. A call over budget is
// answered 429 "API rate limit exceeded", without a Retry-After: the reset
// header says when calls are accepted again, which can be most of an hour
// away.
const (
	headerRateLimit     = "X-RateLimit-Limit"
	headerRateRemaining = "X-RateLimit-Remaining"
	headerRateReset     = "X-RateLimit-Reset"
)

// RateLimit is the API key's request budget as the API last reported it.
type RateLimit struct {
	// Limit is the number of requests allowed per window (100 an hour).
	Limit int
	// Remaining is how many of them are left in the current window.
	Remaining int
	// Reset is when the current window ends and the budget is renewed.
	Reset time.Time
	// Known is false until an answer carried the three headers.
	Known bool
}

// parseRateLimit reads the three rate limit headers. All of them must be
// present and well formed for the result to be Known.
func parseRateLimit(h http.Header) RateLimit {
	limit, err1 := strconv.Atoi(strings.TrimSpace(h.Get(headerRateLimit)))
	remaining, err2 := strconv.Atoi(strings.TrimSpace(h.Get(headerRateRemaining)))
	reset, err3 := strconv.ParseInt(strings.TrimSpace(h.Get(headerRateReset)), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || limit < 0 || remaining < 0 || reset <= 0 {
		return RateLimit{}
	}
	return RateLimit{Limit: limit, Remaining: remaining, Reset: time.Unix(reset, 0).UTC(), Known: true}
}

// rateState holds the latest figures a client has seen.
type rateState struct {
	mu sync.Mutex
	rl RateLimit
	// spent is the latest answer that said the budget is spent (without a
	// Retry-After, which takes precedence), until an answer shows budget
	// again or a later window: calls in the meantime wait for the reset,
	// or fail, without being sent.
	spent *attempt
}

// spentAnswer returns the remembered answer that said the budget is spent,
// while its reset is still ahead.
func (s *rateState) spentAnswer() (attempt, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spent == nil || !time.Now().Before(s.spent.rate.Reset) {
		return attempt{}, false
	}
	return *s.spent, true
}

// record remembers an answer's figures, and whether it said the budget is
// spent.
func (s *rateState) record(a attempt) {
	s.update(a.rate)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case budgetSpent(a) && a.retryAfter == 0:
		s.spent = &a
	case a.rate.Known && s.spent != nil && (a.rate.Remaining > 0 || a.rate.Reset.After(s.spent.rate.Reset)):
		s.spent = nil
	}
}

// update records the figures of one answer. Answers to concurrent calls
// arrive in any order: within one window the lowest remaining count is the
// latest, and a window that ends later is newer than one that ends earlier.
func (s *rateState) update(rl RateLimit) {
	if !rl.Known {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !s.rl.Known || rl.Reset.After(s.rl.Reset):
		s.rl = rl
	case rl.Reset.Equal(s.rl.Reset):
		s.rl.Limit = rl.Limit
		s.rl.Remaining = min(s.rl.Remaining, rl.Remaining)
	}
}

func (s *rateState) get() RateLimit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rl
}

// RateLimit returns the API key's request budget as the latest answer to
// this client reported it (Known is false before the first answer). It
// costs no request.
func (c *Client) RateLimit() RateLimit { return c.rate.get() }

// budgetSpent reports whether an answer is the API's 429 for a spent
// budget that says when it resets.
func budgetSpent(a attempt) bool {
	return a.err == nil && a.status == http.StatusTooManyRequests && a.rate.Known && a.rate.Remaining == 0
}

// resetJitter spreads the retries of calls that waited for the same reset,
// and covers the header's rounding to whole seconds.
func resetJitter() time.Duration {
	return 500*time.Millisecond + rand.N(time.Second)
}

// BudgetWait describes a wait for the API key's budget to be renewed.
type BudgetWait struct {
	// Method and Path name the call that waits.
	Method, Path string
	// Limit is the budget per window.
	Limit int
	// Reset is when the budget is renewed; the call is sent again shortly
	// after it.
	Reset time.Time
}

type budgetNotifierKey struct{}

// WithBudgetWaitNotifier returns a context whose calls report to notify
// before they wait for the API key's budget to be renewed, for example to
// show it in a progress message. notify is called from the waiting call's
// goroutine and must return quickly.
func WithBudgetWaitNotifier(ctx context.Context, notify func(BudgetWait)) context.Context {
	return context.WithValue(ctx, budgetNotifierKey{}, notify)
}

func notifyBudgetWait(ctx context.Context, w BudgetWait) {
	if notify, ok := ctx.Value(budgetNotifierKey{}).(func(BudgetWait)); ok && notify != nil {
		notify(w)
	}
}

// RateLimitError is the API's 429 for a spent budget, when waiting for its
// reset would outlast the operation's deadline. It wraps the *APIError, so
// IsRateLimited is true for it.
type RateLimitError struct {
	*APIError
	// Limit is the budget per window; Reset is when it is renewed.
	Limit int
	Reset time.Time
	// At is when the answer arrived, which "in 41 minutes" counts from.
	At time.Time
	// NotSent is true when this call was not sent because an earlier
	// call's answer said the budget is spent; the APIError is that answer,
	// with this call's method and path.
	NotSent bool
}

func (e *RateLimitError) Error() string {
	answer := e.APIError.Error()
	if e.NotSent {
		answer = fmt.Sprintf("%s %s was not sent: the HITL API answered an earlier call 429 %s: %s",
			e.Method, e.where(), http.StatusText(http.StatusTooManyRequests), e.Message)
	}
	return fmt.Sprintf("%s; the API key's budget of %d requests is spent until %s (%s)",
		answer, e.Limit, e.Reset.UTC().Format("2006-01-02 15:04:05 UTC"), inDuration(e.Reset.Sub(e.At)))
}

func (e *RateLimitError) Unwrap() error { return e.APIError }

// AsBudgetSpent returns the RateLimitError in err's chain, if there is one.
func AsBudgetSpent(err error) (*RateLimitError, bool) {
	var rl *RateLimitError
	ok := errors.As(err, &rl)
	return rl, ok
}

// inDuration renders a wait as "in 41 minutes", rounding up.
func inDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "now"
	case d < time.Minute:
		return plural(int((d+time.Second-1)/time.Second), "second")
	case d < 2*time.Hour:
		return plural(int((d+time.Minute-1)/time.Minute), "minute")
	default:
		return plural(int((d+time.Hour-1)/time.Hour), "hour")
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "in 1 " + unit
	}
	return fmt.Sprintf("in %d %ss", n, unit)
}
