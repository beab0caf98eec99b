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

func TestGoneClassification(t *testing.T) {
	notFound := func(path, msg string, envelope bool) error {
		return &APIError{StatusCode: 404, Method: "GET", Path: path, Message: msg, Envelope: envelope}
	}
	tests := []struct {
		name                 string
		err                  error
		loop, request, wrong bool
	}{
		{"the API's answer for a loop", notFound("/api/loops/abc", "Loop not found", true), true, false, false},
		{"the API's answer for a loop, sent requests", notFound("/api/loops/abc/requests", "Loop not found", true), true, false, false},
		{"the API's answer for a request", notFound("/api/requests/abc", "Request not found", true), false, true, false},
		{"a 404 from the loop list", notFound("/api/loops", "Loop not found", true), false, false, true},
		{"a 404 from the request list", notFound("/api/requests?loop_id=abc", "Request not found", true), false, false, true},
		{"an unknown route", notFound("/api/loops/abc", "Not found", true), false, false, true},
		{"an HTML page", notFound("/api/loops/abc", "Loop not found", false), false, false, true},
		{"a request message for a loop", notFound("/api/loops/abc", "Request not found", true), false, false, true},
		{"a 403", &APIError{StatusCode: 403, Path: "/api/loops/abc", Message: "Loop not found", Envelope: true}, false, false, false},
		{"wrapped", fmt.Errorf("reading: %w", notFound("/api/loops/abc", "loop not found ", true)), true, false, false},
		{"nil", nil, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsLoopNotFoundAnswer(tt.err); got != tt.loop {
				t.Errorf("IsLoopNotFoundAnswer = %v", got)
			}
			if got := IsRequestNotFoundAnswer(tt.err); got != tt.request {
				t.Errorf("IsRequestNotFoundAnswer = %v", got)
			}
			if got := IsEndpointNotFound(tt.err); got != tt.wrong {
				t.Errorf("IsEndpointNotFound = %v", got)
			}
		})
	}
}

// htmlNotFound is a plain web server that answers every request with an
// HTML 404 page, as a base URL pointing at the wrong host would.
func htmlNotFound(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A loop is gone only when the API says so for it and the list agrees. A
// wrong base URL (the emulator without /v1, or another web server) answers
// 404 to everything, and that is an error naming the full URL, never a
// deleted loop.
func TestReadLoopGoneOnlyWhenTheAPISaysSo(t *testing.T) {
	ctx := context.Background()
	e := emulator.New(emulator.Config{})
	root := serve(t, e)
	good := newTestClient(t, e.APIKey(), root+"/v1")
	ids := createLoops(t, good, 2)
	e.DeleteLoop(ids[1])

	if l, err := good.ReadLoop(ctx, ids[0]); err != nil || l.ID != ids[0] {
		t.Fatalf("ReadLoop(existing) = %+v, %v", l, err)
	}
	if _, err := good.ReadLoop(ctx, ids[1]); !IsConfirmedGone(err) {
		t.Errorf("ReadLoop(deleted) error = %v, want IsConfirmedGone", err)
	}
	if _, err := good.NewLoopSnapshot(time.Minute).Get(ctx, ids[1]); !IsConfirmedGone(err) {
		t.Errorf("snapshot Get(deleted) error = %v, want IsConfirmedGone", err)
	}

	for name, base := range map[string]string{"without /v1": root, "HTML 404 server": htmlNotFound(t) + "/v1"} {
		t.Run(name, func(t *testing.T) {
			c := newTestClient(t, e.APIKey(), base, WithRetryWait(time.Millisecond, 2*time.Millisecond))
			check := func(what string, err error, wantURL string) {
				t.Helper()
				if err == nil || IsLoopNotFoundAnswer(err) || IsConfirmedGone(err) || !IsEndpointNotFound(err) {
					t.Errorf("%s: error = %v, want a 404 that is not IsLoopNotFoundAnswer", what, err)
				}
				if err != nil && !strings.Contains(err.Error(), wantURL) {
					t.Errorf("%s: error %q does not name the URL %s", what, err, wantURL)
				}
				if err != nil && strings.Contains(err.Error(), e.APIKey()) {
					t.Errorf("%s: error contains the API key", what)
				}
			}
			_, err := c.ReadLoop(ctx, ids[0])
			check("ReadLoop", err, base+"/api/loops/"+ids[0])
			_, err = c.ReadLoop(ctx, ids[1])
			check("ReadLoop(deleted)", err, base+"/api/loops/"+ids[1])
			_, err = c.NewLoopSnapshot(time.Minute).Get(ctx, ids[0])
			check("snapshot Get", err, base+"/api/loops")
			err = c.DeleteLoop(ctx, ids[0])
			check("DeleteLoop", err, base+"/api/loops/"+ids[0])
			_, err = c.ReadRequest(ctx, "65f1234567890abcdef12345", ids[0])
			check("ReadRequest", err, base+"/api/requests/65f1234567890abcdef12345")
		})
	}
	if n := len(e.Loops()); n != 1 {
		t.Errorf("the server holds %d loops, want 1: a call through a wrong URL changed something", n)
	}
}

// The list is asked too: when it still holds the loop or request, or fails,
// a "not found" answer is not taken as a deletion.
func TestGoneNeedsTheListToAgree(t *testing.T) {
	const id = "65f1234567890abcdef12345"
	listed := fmt.Sprintf(`{"error":false,"msg":"ok","data":{"loops":[{"id":%q,"name":"A","icon":"star"}],"count":1}}`, id)
	var requestPages int
	c := newStubClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1/api/loops":
			answer(200, listed)(w)
		case r.URL.Path == "/v1/api/requests":
			requestPages++
			// The first page is full of other requests; the second holds it.
			if r.URL.Query().Get("offset") == "" {
				var items []string
				for i := range 100 {
					items = append(items, fmt.Sprintf(`{"id":"%024x","status":"pending"}`, i))
				}
				answer(200, `{"error":false,"msg":"ok","data":{"requests":[`+strings.Join(items, ",")+`],"count":100,"total":101,"has_more":true}}`)(w)
				return
			}
			answer(200, fmt.Sprintf(`{"error":false,"msg":"ok","data":{"requests":[{"id":%q,"status":"pending"}],"count":1,"total":101,"has_more":false}}`, id))(w)
		case strings.HasPrefix(r.URL.Path, "/v1/api/loops/"):
			answer(404, `{"error":true,"msg":"Loop not found"}`)(w)
		default:
			answer(404, `{"error":true,"msg":"Request not found"}`)(w)
		}
	})
	ctx := context.Background()
	if _, err := c.ReadLoop(ctx, id); err == nil || IsConfirmedGone(err) || !strings.Contains(err.Error(), "still holds") {
		t.Errorf("ReadLoop error = %v, want a failure to confirm", err)
	}
	if _, err := c.ReadRequest(ctx, id, ""); err == nil || IsConfirmedGone(err) || !strings.Contains(err.Error(), "still holds") {
		t.Errorf("ReadRequest error = %v, want a failure to confirm", err)
	}
	if requestPages != 2 {
		t.Errorf("%d request pages read, want 2", requestPages)
	}
}
