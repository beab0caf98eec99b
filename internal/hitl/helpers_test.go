package hitl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// serve starts a test server for h and returns its root URL (the API is
// under root+"/v1").
func serve(t testing.TB, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// newTestClient returns a client for base that retries within
// milliseconds; opts come after, so they may override that.
func newTestClient(t testing.TB, apiKey, base string, opts ...Option) *Client {
	t.Helper()
	opts = append([]Option{WithBaseURL(base), WithRetryWait(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := New(apiKey, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newStubClient returns a client for a server that answers with h.
func newStubClient(t testing.TB, h http.HandlerFunc, opts ...Option) *Client {
	t.Helper()
	return newTestClient(t, "hitl_test_key", serve(t, h)+"/v1", opts...)
}

// newRecordedClient returns a client talking to a fresh emulator, and the
// recorder of what it sent.
func newRecordedClient(t testing.TB, cfg emulator.Config, opts ...Option) (*Client, *emulator.Emulator, *recordingHandler) {
	t.Helper()
	e := emulator.New(cfg)
	rec := &recordingHandler{next: e}
	return newTestClient(t, e.APIKey(), serve(t, rec)+"/v1", opts...), e, rec
}

// newEmulatorClient returns a client talking to a fresh emulator.
func newEmulatorClient(t testing.TB, cfg emulator.Config, opts ...Option) (*Client, *emulator.Emulator) {
	t.Helper()
	e := emulator.New(cfg)
	return newTestClient(t, e.APIKey(), serve(t, e)+"/v1", opts...), e
}

// recordingHandler wraps the emulator to capture what the client sent.
type recordingHandler struct {
	next     http.Handler
	requests []recordedRequest
}

type recordedRequest struct {
	method, path, body string
	header             http.Header
}

func (h *recordingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body strings.Builder
	if r.Body != nil {
		buf := make([]byte, 4096)
		for {
			n, err := r.Body.Read(buf)
			body.Write(buf[:n])
			if err != nil {
				break
			}
		}
		r.Body.Close()
	}
	h.requests = append(h.requests, recordedRequest{r.Method, r.URL.Path, body.String(), r.Header.Clone()})
	r.Body = http.NoBody
	if body.Len() > 0 {
		r.Body = readCloser{strings.NewReader(body.String())}
	}
	h.next.ServeHTTP(w, r)
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

func createLoops(t testing.TB, c *Client, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		created, err := c.CreateLoop(context.Background(), CreateLoopInput{Name: fmt.Sprintf("loop %d", i), Icon: "star"})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = created.Loop.ID
	}
	return ids
}

func answer(status int, body string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}
