package emulator_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// rateHeaders returns an answer's three rate limit headers.
func rateHeaders(t *testing.T, r *result) (limit, remaining int, reset time.Time) {
	t.Helper()
	var err error
	if limit, err = strconv.Atoi(r.header.Get("X-RateLimit-Limit")); err != nil {
		t.Fatalf("X-RateLimit-Limit %q", r.header.Get("X-RateLimit-Limit"))
	}
	if remaining, err = strconv.Atoi(r.header.Get("X-RateLimit-Remaining")); err != nil {
		t.Fatalf("X-RateLimit-Remaining %q", r.header.Get("X-RateLimit-Remaining"))
	}
	secs, err := strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64)
	if err != nil {
		t.Fatalf("X-RateLimit-Reset %q", r.header.Get("X-RateLimit-Reset"))
	}
	return limit, remaining, time.Unix(secs, 0).UTC()
}

// Every API answer carries the budget, counted from the window's first
// call; over an enforced budget calls are refused as documented, without a
// Retry-After and without effect, until the window ends.
func TestHourlyLimitEnforced(t *testing.T) {
	f, clock := newClockFixture(t, emulator.Config{HourlyLimit: 3, RateLimitWindow: 20 * time.Second})
	start := clock.Now()
	wantReset := start.Add(20 * time.Second)
	for i := range 3 {
		res := f.do(http.MethodPost, "/v1/api/loops", map[string]any{"name": "L" + strconv.Itoa(i), "icon": "star"})
		res.expect(t, http.StatusCreated, "Loop created successfully with QR code")
		limit, remaining, reset := rateHeaders(t, res)
		if limit != 3 || remaining != 2-i || !reset.Equal(wantReset) {
			t.Fatalf("call %d: headers %d/%d/%v, want 3/%d/%v", i+1, limit, remaining, reset, 2-i, wantReset)
		}
		clock.Advance(time.Second)
	}
	res := f.do(http.MethodPost, "/v1/api/loops", map[string]any{"name": "over", "icon": "star"})
	res.expect(t, http.StatusTooManyRequests, "API rate limit exceeded")
	if res.header.Get("Retry-After") != "" {
		t.Errorf("Retry-After %q; the API documents none", res.header.Get("Retry-After"))
	}
	var data map[string]int
	if err := json.Unmarshal(res.env.Data, &data); err != nil || data["usage_count"] != 3 || data["usage_limit"] != 3 || data["remaining"] != 0 || len(data) != 3 {
		t.Errorf("429 data %s, want usage_count 3, usage_limit 3, remaining 0", res.env.Data)
	}
	if _, remaining, reset := rateHeaders(t, res); remaining != 0 || !reset.Equal(wantReset) {
		t.Errorf("429 headers: remaining %d, reset %v", remaining, reset)
	}
	f.do(http.MethodGet, "/v1/test", nil).expect(t, http.StatusTooManyRequests, "API rate limit exceeded")
	if n := len(f.emu.Loops()); n != 3 {
		t.Errorf("%d loops, want 3: a refused create must have no effect", n)
	}

	// The window ends 20 s after its first call; the next call opens a
	// new one.
	clock.Advance(17 * time.Second)
	res = f.do(http.MethodGet, "/v1/test", nil)
	res.expect(t, http.StatusOK, "API key is valid")
	var d struct {
		RateLimit struct {
			Limit     int    `json:"limit"`
			Remaining int    `json:"remaining"`
			ResetAt   string `json:"reset_at"`
		} `json:"rate_limit"`
	}
	res.data(t, &d)
	limit, remaining, reset := rateHeaders(t, res)
	if limit != 3 || remaining != 2 || !reset.Equal(clock.Now().Add(20*time.Second)) {
		t.Errorf("new window headers %d/%d/%v", limit, remaining, reset)
	}
	if d.RateLimit.Limit != limit || d.RateLimit.Remaining != remaining || d.RateLimit.ResetAt != reset.Format(time.RFC3339) {
		t.Errorf("GET /test body %+v disagrees with its headers %d/%d/%v", d.RateLimit, limit, remaining, reset)
	}

	// The control endpoint starts a fresh window, and is not charged.
	f.do(http.MethodGet, "/v1/api/loops", nil).expect(t, http.StatusOK, "Loops retrieved successfully")
	f.do(http.MethodPost, "/v1/_emulator/rate-limit/reset", nil).expect(t, http.StatusOK, "Rate limit window reset")
	if _, remaining, _ := rateHeaders(t, f.do(http.MethodGet, "/v1/api/loops", nil)); remaining != 2 {
		t.Errorf("remaining after a reset and one call = %d, want 2", remaining)
	}
}

// Without HourlyLimit the budget is reported, never enforced.
func TestHourlyLimitReportedOnly(t *testing.T) {
	f := newFixture(t, emulator.Config{RateLimit: 2})
	f.emu.UseBudget(5)
	res := f.do(http.MethodGet, "/v1/api/loops", nil)
	res.expect(t, http.StatusOK, "Loops retrieved successfully")
	if limit, remaining, _ := rateHeaders(t, res); limit != 2 || remaining != 0 {
		t.Errorf("headers %d/%d, want 2/0", limit, remaining)
	}
}
