package hitl

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func TestParseRateLimit(t *testing.T) {
	h := func(limit, remaining, reset string) http.Header {
		out := http.Header{}
		for k, v := range map[string]string{headerRateLimit: limit, headerRateRemaining: remaining, headerRateReset: reset} {
			if v != "" {
				out.Set(k, v)
			}
		}
		return out
	}
	tests := []struct {
		name   string
		header http.Header
		want   RateLimit
	}{
		{"documented", h("100", "85", "1642237200"), RateLimit{Limit: 100, Remaining: 85, Reset: time.Unix(1642237200, 0).UTC(), Known: true}},
		{"spent", h("100", "0", " 1642237200 "), RateLimit{Limit: 100, Remaining: 0, Reset: time.Unix(1642237200, 0).UTC(), Known: true}},
		{"none", http.Header{}, RateLimit{}},
		{"no reset", h("100", "85", ""), RateLimit{}},
		{"no remaining", h("100", "", "1642237200"), RateLimit{}},
		{"reset as a date", h("100", "85", "Sat, 15 Jan 2022 09:00:00 GMT"), RateLimit{}},
		{"negative", h("100", "-1", "1642237200"), RateLimit{}},
	}
	for _, tt := range tests {
		if got := parseRateLimit(tt.header); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestRateStateKeepsLatest(t *testing.T) {
	var s rateState
	r1, r2 := time.Unix(1000, 0), time.Unix(2000, 0)
	s.update(RateLimit{Limit: 10, Remaining: 5, Reset: r1, Known: true})
	s.update(RateLimit{Limit: 10, Remaining: 7, Reset: r1, Known: true}) // an earlier answer arriving late
	s.update(RateLimit{})                                                // an answer without headers
	if got := s.get(); got.Remaining != 5 || !got.Reset.Equal(r1) {
		t.Errorf("after a late answer: %+v, want remaining 5", got)
	}
	s.update(RateLimit{Limit: 10, Remaining: 9, Reset: r2, Known: true}) // a new window
	s.update(RateLimit{Limit: 10, Remaining: 0, Reset: r1, Known: true}) // the old one, late
	if got := s.get(); got.Remaining != 9 || !got.Reset.Equal(r2) {
		t.Errorf("after a new window: %+v, want remaining 9 until %v", got, r2)
	}
}

// The client remembers the budget of the latest answers, and GET /test's
// figures agree with its headers.
func TestRateLimitRemembered(t *testing.T) {
	c, e := newEmulatorClient(t, emulator.Config{RateLimit: 50})
	if rl := c.RateLimit(); rl.Known {
		t.Fatalf("before any call: %+v", rl)
	}
	e.UseBudget(10)
	if _, err := c.ListLoops(t.Context()); err != nil {
		t.Fatal(err)
	}
	rl := c.RateLimit()
	if !rl.Known || rl.Limit != 50 || rl.Remaining != 39 || time.Until(rl.Reset) < 59*time.Minute || time.Until(rl.Reset) > time.Hour {
		t.Fatalf("after one call: %+v", rl)
	}
	info, err := c.CheckKey(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	rl = c.RateLimit()
	if want := (KeyRateLimit{Limit: 50, Remaining: 38, ResetAt: rl.Reset.Format(time.RFC3339)}); info.RateLimit != want || rl.Remaining != 38 {
		t.Errorf("CheckKey rate limit %+v, client %+v; want %+v", info.RateLimit, rl, want)
	}
}

// A spent budget whose reset comes after the deadline fails at once, with
// one call, and says when it resets.
func TestBudgetSpentFailsAtOnce(t *testing.T) {
	c, e := newEmulatorClient(t, emulator.Config{HourlyLimit: 5})
	e.UseBudget(5)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	_, err := c.CreateLoop(ctx, CreateLoopInput{Name: "A", Icon: "star"})
	rl, ok := AsBudgetSpent(err)
	if !ok || !IsRateLimited(err) || IsTransient(err) || IsUncertain(err) {
		t.Fatalf("error = %v, want a *RateLimitError", err)
	}
	msg := err.Error()
	for _, want := range []string{"429", "API rate limit exceeded", "budget of 5 requests is spent until " + rl.Reset.Format("2006-01-02 15:04:05 UTC"), "(in 60 minutes)"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	if n := e.TotalCalls(); n != 1 {
		t.Errorf("%d calls, want 1: no retry can succeed before the reset", n)
	}
	if n := len(e.Loops()); n != 0 {
		t.Errorf("%d loops created", n)
	}
}

// A reset within the deadline is waited for: the call is sent once more
// after it, the wait is reported to the context's notifier and logged.
func TestBudgetWaitsForResetWithinDeadline(t *testing.T) {
	var mu sync.Mutex
	var infos []string
	c, e := newEmulatorClient(t, emulator.Config{HourlyLimit: 1, RateLimitWindow: 2 * time.Second},
		WithLogger(levelLogger{info: func(msg string) { mu.Lock(); infos = append(infos, msg); mu.Unlock() }}))
	if _, err := c.CreateLoop(t.Context(), CreateLoopInput{Name: "A", Icon: "star"}); err != nil {
		t.Fatal(err)
	}
	var waits []BudgetWait
	ctx := WithBudgetWaitNotifier(t.Context(), func(w BudgetWait) { waits = append(waits, w) })
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if _, err := c.CreateLoop(ctx, CreateLoopInput{Name: "B", Icon: "star"}); err != nil {
		t.Fatalf("second create: %v", err)
	}
	if got := e.Calls()["POST /api/loops"]; got != 3 {
		t.Errorf("%d POSTs, want 3: two creates and one refused before the reset", got)
	}
	if len(waits) != 1 || waits[0].Method != "POST" || waits[0].Path != "/api/loops" || waits[0].Limit != 1 || waits[0].Reset.IsZero() {
		t.Errorf("notified waits %+v", waits)
	}
	if len(infos) != 1 || !strings.Contains(infos[0], "budget spent") {
		t.Errorf("info logs %q", infos)
	}
	if n := len(e.Loops()); n != 2 {
		t.Errorf("%d loops, want 2", n)
	}
}

// A Retry-After, when sent, is honoured even when the reset is far away;
// a 429 without the budget headers keeps the usual backoff.
func TestRateLimitedRetryAfterAndPlain429(t *testing.T) {
	spent := func(w http.ResponseWriter) {
		w.Header().Set(headerRateLimit, "100")
		w.Header().Set(headerRateRemaining, "0")
		w.Header().Set(headerRateReset, strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
		w.Header().Set("Retry-After", "1")
		answer(429, `{"error":true,"msg":"API rate limit exceeded","data":{"usage_count":100,"usage_limit":100,"remaining":0}}`)(w)
	}
	c, calls := scriptedServer(t, spent, answer(200, okLoop))
	if _, err := c.GetLoop(t.Context(), "65f1234567890abcdef12345"); err != nil || calls.Load() != 2 {
		t.Errorf("with Retry-After: error %v after %d calls, want success after 2", err, calls.Load())
	}
	plain := answer(429, `{"error":true,"msg":"Rate limit exceeded"}`)
	c, calls = scriptedServer(t, plain, plain, answer(200, okLoop))
	if _, err := c.GetLoop(t.Context(), "65f1234567890abcdef12345"); err != nil || calls.Load() != 3 {
		t.Errorf("without headers: error %v after %d calls, want success after 3", err, calls.Load())
	}
}

// closedPort returns the address of a port where connections are refused.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// Refused connections before any answer are a wrong address: the first call
// gives up after a few quick attempts, later ones at once. After an answer,
// refused connections are an outage and are retried as usual.
func TestUnreachableBeforeFirstAnswer(t *testing.T) {
	addr := closedPort(t)
	var warns atomic.Int32
	c, err := New("hitl_test_key", WithBaseURL("http://"+addr+"/v1"),
		WithLogger(levelLogger{warn: func(string) { warns.Add(1) }}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	_, err = c.ListLoops(ctx)
	var u *UnreachableError
	if !errors.As(err, &u) || u.Attempts != firstContactAttempts || IsTransient(err) {
		t.Fatalf("error = %#v, want *UnreachableError after %d attempts", err, firstContactAttempts)
	}
	for _, want := range []string{"cannot reach the HITL API at http://" + addr + "/v1", "GET http://" + addr + "/v1/api/loops", "connection refused", "tried 3 times"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if warns.Load() != firstContactAttempts-1 {
		t.Errorf("%d retries logged at WARN, want %d", warns.Load(), firstContactAttempts-1)
	}
	_, err = c.GetLoop(ctx, "65f1234567890abcdef12345")
	if !errors.As(err, &u) || u.Attempts != 1 {
		t.Errorf("second call: %v, want *UnreachableError after one attempt", err)
	}
}

func TestOutageAfterFirstAnswerIsRetried(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { answer(200, okLoop)(w) }))
	c, err := New("hitl_test_key", WithBaseURL(srv.URL+"/v1"), WithRetryWait(time.Millisecond, 2*time.Millisecond), WithMaxRetries(5))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetLoop(t.Context(), "65f1234567890abcdef12345"); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	var retries atomic.Int32
	c.logger = levelLogger{warn: func(string) { retries.Add(1) }}
	_, err = c.GetLoop(t.Context(), "65f1234567890abcdef12345")
	if err == nil || IsUnreachable(err) || retries.Load() != 5 {
		t.Errorf("error %v after %d retries, want a connection error after 5", err, retries.Load())
	}
}

// Once the context is cancelled no new attempt starts; a context detached
// from it (as for the lookup after a sent create) still works.
func TestCancelStopsRetries(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	c, calls := scriptedServer(t, func(w http.ResponseWriter) {
		cancel()
		answer(503, `{"error":true,"msg":"Service unavailable"}`)(w)
	}, answer(200, okLoop))
	_, err := c.GetLoop(ctx, "65f1234567890abcdef12345")
	if err == nil || calls.Load() != 1 {
		t.Errorf("error %v after %d calls, want a failure after 1", err, calls.Load())
	}
	if _, err := c.GetLoop(context.WithoutCancel(ctx), "65f1234567890abcdef12345"); err != nil {
		t.Errorf("detached context: %v", err)
	}
}

// levelLogger records Info and Warn messages.
type levelLogger struct{ info, warn func(msg string) }

func (levelLogger) Debug(context.Context, string, map[string]any) {}
func (l levelLogger) Info(_ context.Context, msg string, _ map[string]any) {
	if l.info != nil {
		l.info(msg)
	}
}
func (l levelLogger) Warn(_ context.Context, msg string, _ map[string]any) {
	if l.warn != nil {
		l.warn(msg)
	}
}

// Probe reports a refused address once, with no request; a listening
// address is fine.
func TestProbe(t *testing.T) {
	addr := closedPort(t)
	c, err := New("hitl_test_key", WithBaseURL("http://"+addr+"/v1"), WithRetryWait(time.Millisecond, 2*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Probe(t.Context())
	var u *UnreachableError
	if !errors.As(err, &u) || u.Attempts != firstContactAttempts || !strings.Contains(err.Error(), "cannot reach the HITL API at http://"+addr+"/v1: dial tcp") {
		t.Errorf("Probe = %v, want an *UnreachableError", err)
	}
	ok, e := newEmulatorClient(t, emulator.Config{})
	if err := ok.Probe(t.Context()); err != nil || e.TotalCalls() != 0 {
		t.Errorf("Probe of a listening emulator = %v after %d calls, want nil after none", err, e.TotalCalls())
	}
}

// After an answer that the budget is spent, calls are not sent until the
// reset: they fail at once when it is after their deadline.
func TestBudgetSpentRemembered(t *testing.T) {
	c, e := newEmulatorClient(t, emulator.Config{HourlyLimit: 1})
	e.UseBudget(1)
	if _, err := c.ListLoops(t.Context()); !IsRateLimited(err) {
		t.Fatalf("first call: %v", err)
	}
	_, err := c.GetLoop(t.Context(), "65f1234567890abcdef12345")
	rl, ok := AsBudgetSpent(err)
	if !ok || !rl.NotSent || !strings.Contains(err.Error(), "GET "+c.baseURL.String()+"/api/loops/65f1234567890abcdef12345 was not sent: the HITL API answered an earlier call 429") {
		t.Errorf("second call: %v", err)
	}
	if n := e.TotalCalls(); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
	// A fresh window, seen in any answer, lifts it.
	e.ResetRateLimit()
	c.rate.record(attempt{status: 200, rate: RateLimit{Limit: 1, Remaining: 1, Reset: time.Now().Add(2 * time.Hour), Known: true}})
	if _, err := c.ListLoops(t.Context()); err != nil {
		t.Errorf("after the reset: %v", err)
	}
}
