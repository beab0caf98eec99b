package emulator

import (
	"net/http"
	"strconv"
	"time"
)

// The API's request budget: each key may make Limit calls per window (100
// an hour), the window starting with the first call after the previous one
// ended. Every authenticated API answer carries X-RateLimit-Limit,
// X-RateLimit-Remaining and X-RateLimit-Reset (Unix seconds, when the
// window ends). The budget is always counted and reported; it is enforced
// only when Config.HourlyLimit is set, and then a call over budget is
// answered 429 "API rate limit exceeded" without a Retry-After and without
// any side effect, and does not count.

const defaultRateLimitWindow = time.Hour

// budget is the outcome of charging one call to its key.
type budget struct {
	limit, used int
	reset       time.Time
	exceeded    bool
}

// chargeLocked charges one API call to key, starting a new window when the
// previous one has ended. A call over an enforced budget is not charged.
func (e *Emulator) chargeLocked(key *apiKey) budget {
	b := e.budgetLocked(key)
	if e.hourlyLimit > 0 && b.used >= e.hourlyLimit {
		b.used = min(b.used, e.hourlyLimit) // UseBudget may have charged more
		b.exceeded = true
		return b
	}
	key.windowCalls++
	b.used++
	return b
}

// budgetLocked returns key's budget in its window, starting a new window
// when the previous one has ended.
func (e *Emulator) budgetLocked(key *apiKey) budget {
	e.windowLocked(key, e.clock())
	return budget{limit: e.reportedLimitLocked(), used: key.windowCalls, reset: key.windowStart.Add(e.window)}
}

// windowLocked starts a new window for key when none is running at now.
func (e *Emulator) windowLocked(key *apiKey, now time.Time) {
	if key.windowStart.IsZero() || !now.Before(key.windowStart.Add(e.window)) {
		key.windowStart, key.windowCalls = now, 0
	}
}

func (e *Emulator) reportedLimitLocked() int {
	if e.hourlyLimit > 0 {
		return e.hourlyLimit
	}
	return e.rateLimit
}

func (b budget) remaining() int { return max(0, b.limit-b.used) }

// setHeaders writes the three rate limit headers.
func (b budget) setHeaders(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(b.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(b.remaining()))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(b.reset.Unix(), 10))
}

// writeExceeded answers a call over budget as the API documents it.
func (b budget) writeExceeded(w http.ResponseWriter) {
	writeError(w, http.StatusTooManyRequests, "API rate limit exceeded", map[string]any{
		"usage_count": b.used, "usage_limit": b.limit, "remaining": 0,
	})
}

// SetHourlyLimit enforces a budget of n calls per window for every key;
// zero stops enforcing it (the budget is still reported). The calls already
// made in the current window count.
func (e *Emulator) SetHourlyLimit(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.hourlyLimit = max(n, 0)
}

// ResetRateLimit ends every key's window, as if it had run out: the next
// call starts a fresh one with the whole budget.
func (e *Emulator) ResetRateLimit() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, k := range e.keys {
		k.windowStart, k.windowCalls = time.Time{}, 0
	}
}

// UseBudget charges n calls to the owner's key in the current window (one
// is started if none runs), as if another tool had made them; the call
// counters are not affected. With an enforced limit, the key then has
// limit-n calls left.
func (e *Emulator) UseBudget(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	key := e.keys[e.ownerKey]
	e.windowLocked(key, e.clock())
	key.windowCalls += n
}
