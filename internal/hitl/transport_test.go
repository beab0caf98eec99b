package hitl

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// scriptedServer answers request n with answers[n] (the last one repeats)
// and counts requests.
func scriptedServer(t *testing.T, answers ...func(w http.ResponseWriter)) (*Client, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	c := newStubClient(t, func(w http.ResponseWriter, _ *http.Request) {
		i := int(n.Add(1)) - 1
		answers[min(i, len(answers)-1)](w)
	}, WithMaxRetries(3))
	return c, &n
}

const okLoop = `{"error":false,"msg":"Loop retrieved successfully","data":{"loop":{"id":"65f1234567890abcdef12345","name":"A","icon":"star"}}}`

func TestHostileResponses(t *testing.T) {
	huge := `{"error":false,"msg":"","data":{"loop":{"id":"x","name":"` + strings.Repeat("a", maxResponseBytes) + `"}}}`
	tests := []struct {
		name   string
		answer func(http.ResponseWriter)
		check  func(t *testing.T, err error)
	}{
		{"HTML error page", answer(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"), func(t *testing.T, err error) {
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 || !strings.Contains(err.Error(), "not JSON") || !strings.Contains(err.Error(), "502 Bad Gateway") {
				t.Errorf("error = %v", err)
			}
		}},
		{"HTML with 200", answer(200, "<html>maintenance</html>"), expectResponseError("not a valid JSON envelope")},
		{"truncated JSON", answer(200, `{"error":false,"msg":"ok","data":{"loop":{"id":"65f1`), expectResponseError("not a valid JSON envelope")},
		{"wrong types", answer(200, `{"error":false,"msg":"ok","data":{"loop":{"id":42,"name":["A"]}}}`), expectResponseError("documented shape")},
		{"error true with 200", answer(200, `{"error":true,"msg":"Something went wrong","data":"quota exceeded"}`), func(t *testing.T, err error) {
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.Message != "Something went wrong" || apiErr.DetailText() != "quota exceeded" {
				t.Errorf("error = %#v", err)
			}
		}},
		{"no data", answer(200, `{"error":false,"msg":"ok"}`), expectResponseError(`no "data"`)},
		{"missing id", answer(200, `{"error":false,"msg":"ok","data":{"loop":{"name":"A"}}}`), expectResponseError(`has no "id"`)},
		{"enormous body", answer(200, huge), expectResponseError("larger than 10 MiB")},
		{"empty body", answer(200, ""), expectResponseError("not a valid JSON envelope")},
		{"error without message", answer(400, `{"error":true}`), func(t *testing.T, err error) {
			if !IsValidation(err) || !strings.Contains(err.Error(), "without a message") {
				t.Errorf("error = %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := scriptedServer(t, tt.answer)
			loop, err := c.GetLoop(context.Background(), "65f1234567890abcdef12345")
			if err == nil {
				t.Fatalf("GetLoop = %+v, want an error", loop)
			}
			if strings.Contains(err.Error(), "hitl_test_key") {
				t.Errorf("error contains the API key: %v", err)
			}
			tt.check(t, err)
		})
	}
}

func expectResponseError(reason string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var respErr *ResponseError
		if !errors.As(err, &respErr) || !strings.Contains(err.Error(), reason) {
			t.Errorf("error = %v (%T), want *ResponseError mentioning %q", err, err, reason)
		}
	}
}

func TestRetries(t *testing.T) {
	tooMany := func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "0")
		answer(429, `{"error":true,"msg":"Rate limit exceeded"}`)(w)
	}
	tests := []struct {
		name      string
		post      bool
		answers   []func(http.ResponseWriter)
		wantErr   func(error) bool
		wantCalls int32
	}{
		{"GET retried on 500 then succeeds", false, []func(http.ResponseWriter){answer(500, `{"error":true,"msg":"boom"}`), answer(503, "unavailable"), answer(200, okLoop)}, nil, 3},
		{"GET retried on 429", false, []func(http.ResponseWriter){tooMany, answer(200, okLoop)}, nil, 2},
		{"GET gives up after max retries", false, []func(http.ResponseWriter){answer(502, "bad gateway")}, func(err error) bool { return statusIs(err, 502) }, 4},
		{"GET not retried on 404", false, []func(http.ResponseWriter){answer(404, `{"error":true,"msg":"Loop not found"}`)}, IsNotFound, 1},
		{"POST not retried on 500", true, []func(http.ResponseWriter){answer(500, `{"error":true,"msg":"boom"}`), answer(201, okLoop)}, func(err error) bool { return statusIs(err, 500) }, 1},
		{"POST retried on 429", true, []func(http.ResponseWriter){tooMany, answer(201, `{"error":false,"msg":"ok","data":{"loop":{"id":"65f1234567890abcdef12345"},"invite_code":"ABC123DEF"}}`)}, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, calls := scriptedServer(t, tt.answers...)
			var err error
			if tt.post {
				_, err = c.CreateLoop(context.Background(), CreateLoopInput{Name: "A", Icon: "star"})
			} else {
				_, err = c.GetLoop(context.Background(), "65f1234567890abcdef12345")
			}
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !tt.wantErr(err) {
				t.Errorf("error = %v", err)
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("%d calls, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestRetryHonoursRetryAfterAndDeadline(t *testing.T) {
	c, calls := scriptedServer(t, func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "3600")
		answer(429, `{"error":true,"msg":"Rate limit exceeded"}`)(w)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := c.GetLoop(ctx, "65f1234567890abcdef12345")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !IsRateLimited(err) || apiErr.RetryAfter != time.Hour {
		t.Errorf("error = %#v, want the 429 with its Retry-After", err)
	}
	// A one-hour wait cannot fit in the deadline, so there is no retry.
	if calls.Load() != 1 {
		t.Errorf("%d calls, want 1", calls.Load())
	}
}

func TestCreateRetriedWhenConnectionRefused(t *testing.T) {
	// Reserve a port, then close it so that connecting is refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var logged []string
	c, err := New("hitl_test_key", WithBaseURL("http://"+addr+"/v1"), WithRetryWait(time.Millisecond, 2*time.Millisecond),
		WithMaxRetries(2), WithLogger(loggerFunc(func(msg string, f map[string]any) {
			if msg == "retrying HITL API request" {
				reason, _ := f["reason"].(string)
				logged = append(logged, reason)
			}
		})))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateLoop(context.Background(), CreateLoopInput{Name: "A", Icon: "star"})
	// Nothing ever answered there, so the create ends as unreachable
	// (never uncertain: it was not sent) when its retries run out.
	if !IsUnreachable(err) || IsUncertain(err) {
		t.Errorf("error = %v, want an *UnreachableError", err)
	}
	if len(logged) != 2 || !strings.Contains(logged[0], "before the request was sent") {
		t.Errorf("retries logged: %q", logged)
	}
}

type loggerFunc func(msg string, fields map[string]any)

func (f loggerFunc) Debug(_ context.Context, msg string, fields map[string]any) { f(msg, fields) }

func TestDroppedCreateIsUncertain(t *testing.T) {
	c, e := newEmulatorClient(t, emulator.Config{Faults: emulator.Faults{DropAfterWriteRate: 1}})
	_, err := c.CreateLoop(context.Background(), CreateLoopInput{Name: "A", Icon: "star"})
	var u *UncertainError
	if !errors.As(err, &u) || u.Method != "POST" {
		t.Fatalf("error = %v, want *UncertainError", err)
	}
	if n := len(e.Loops()); n != 1 {
		t.Errorf("the server holds %d loops; the dropped create should have made exactly 1 (never retried)", n)
	}
}

func TestFaultyServerIsSurvived(t *testing.T) {
	// Reads and updates are idempotent, so they succeed through 5xx and 429.
	c, e := newEmulatorClient(t, emulator.Config{Seed: 7}, WithMaxRetries(10))
	ctx := context.Background()
	created, err := c.CreateLoop(ctx, CreateLoopInput{Name: "A", Icon: "star"})
	if err != nil {
		t.Fatal(err)
	}
	e.SetFaults(emulator.Faults{ServerErrorRate: 0.4, RateLimitRate: 0.05, RetryAfter: time.Second})
	for i := range 20 {
		if _, err := c.GetLoop(ctx, created.Loop.ID); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	name := "B"
	if _, err := c.UpdateLoop(ctx, created.Loop.ID, UpdateLoopInput{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if e.TotalCalls() <= 22 {
		t.Errorf("only %d calls for 22 operations at a 45%% fault rate: faults were not injected", e.TotalCalls())
	}
}

func TestBackoffGrowsAndIsBounded(t *testing.T) {
	c := &Client{retryWaitMin: 100 * time.Millisecond, retryWaitMax: time.Second}
	for try := range 10 {
		w := c.backoff(try, 0)
		want := min(100*time.Millisecond<<try, time.Second)
		if w < want/2 || w > want {
			t.Errorf("backoff(%d) = %s, want within [%s, %s]", try, w, want/2, want)
		}
	}
	for range 20 {
		if w := c.backoff(0, 5*time.Second); w < 5*time.Second || w > 5*time.Second+50*time.Millisecond {
			t.Errorf("backoff with Retry-After 5s = %s, want 5s plus at most half the minimum wait", w)
		}
	}
}

// Without a cap, retries go on for as long as the operation may last: until
// the next wait would pass the context's deadline, which the error then
// does not hide behind a timeout.
func TestRetriesLastUntilTheDeadline(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		answer(503, `{"error":true,"msg":"Service unavailable"}`)(w)
	}))
	t.Cleanup(srv.Close)
	c, err := New("hitl_test_key", WithBaseURL(srv.URL+"/v1"), WithRetryWait(time.Millisecond, 2*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxRetries() != -1 {
		t.Errorf("MaxRetries() = %d by default, want -1 (no cap)", c.MaxRetries())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = c.GetLoop(ctx, "65f1234567890abcdef12345")
	if !statusIs(err, 503) {
		t.Errorf("error = %v, want the last 503", err)
	}
	// Five attempts was the old fixed count; a 300 ms deadline with waits
	// of at most 2 ms allows far more.
	if got := n.Load(); got <= 5 {
		t.Errorf("%d attempts before the deadline, want more than 5", got)
	}

	// Without a deadline, the retry window bounds the retries.
	n.Store(0)
	c, err = New("hitl_test_key", WithBaseURL(srv.URL+"/v1"), WithRetryWait(time.Millisecond, 2*time.Millisecond),
		WithRetryWindow(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetLoop(context.Background(), "65f1234567890abcdef12345"); !statusIs(err, 503) {
		t.Errorf("error = %v, want the last 503", err)
	}
	if got := n.Load(); got <= 5 {
		t.Errorf("%d attempts within the retry window, want more than 5", got)
	}
}

func TestPermanentTransportErrorsAreNotRetried(t *testing.T) {
	noHost := &net.DNSError{Err: "no such host", Name: "api.hitl.example", IsNotFound: true}
	if !permanentTransportError(fmt.Errorf("dial: %w", noHost)) {
		t.Error("an unknown host is retried")
	}
	if reason := retryReason(http.MethodGet, attempt{err: noHost}); reason != "" {
		t.Errorf("retryReason(unknown host) = %q, want none", reason)
	}
	temporary := &net.DNSError{Err: "server misbehaving", Name: "api.hitl.sh", IsTemporary: true}
	if reason := retryReason(http.MethodGet, attempt{err: temporary}); reason == "" {
		t.Error("a temporary DNS failure is not retried")
	}
}
