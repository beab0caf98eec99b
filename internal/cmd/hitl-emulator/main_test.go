package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAutoValue(t *testing.T) {
	tests := []struct {
		in   string
		want any
	}{
		{"approve", "approve"},
		{`"approve"`, "approve"},
		{"4.5", 4.5},
		{"true", true},
		{`["a","b"]`, []any{"a", "b"}},
		{`{"selected_value":"Approve"}`, map[string]any{"selected_value": "Approve"}},
		{"not {json", "not {json"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := autoValue(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("autoValue(%q) = %#v, want %#v", tc.in, got, tc.want)
		}
	}
}

func noEnv(string) string { return "" }

func TestParseFlags(t *testing.T) {
	o, err := parseFlags(nil, io.Discard, noEnv)
	if err != nil || o.addr != "127.0.0.1:8080" || o.seed != 0 || o.quiet || o.autoRespond != nil || o.autoDelay != 2*time.Second || o.keyFromCaller {
		t.Fatalf("defaults %+v, %v", o, err)
	}
	o, _ = parseFlags(nil, io.Discard, func(k string) string {
		if k == "HITL_API_KEY" {
			return "from-env"
		}
		return ""
	})
	if o.apiKey != "from-env" || !o.keyFromCaller {
		t.Fatalf("HITL_API_KEY not used: %+v", o)
	}
	if o.hourlyLimit != 0 || o.window != time.Hour {
		t.Errorf("budget defaults: -hourly-limit %d, -rate-limit-window %s", o.hourlyLimit, o.window)
	}
	if o, err = parseFlags([]string{"-hourly-limit", "20", "-rate-limit-window", "20s"}, io.Discard, noEnv); err != nil || o.hourlyLimit != 20 || o.window != 20*time.Second {
		t.Errorf("budget flags: %+v, %v", o, err)
	}
	o, _ = parseFlags([]string{"-auto-respond", ""}, io.Discard, noEnv)
	if o.autoRespond == nil || *o.autoRespond != "" {
		t.Fatal("an explicitly empty -auto-respond is not a value")
	}
	for _, args := range [][]string{
		{"-fail-rate", "1.5"},
		{"-malformed-rate", "-0.1"},
		{"-drop-after-write-rate", "NaN"},
		{"-latency", "-1s"},
		{"-answer-delay", "-1s"},
		{"-hourly-limit", "-1"},
		{"-rate-limit-window", "0s"},
		{"extra"},
	} {
		if _, err := parseFlags(args, io.Discard, noEnv); err == nil {
			t.Errorf("parseFlags(%q) accepted bad input", args)
		}
	}
}

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	urlFile := filepath.Join(t.TempDir(), "url")
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-url-file", urlFile,
			"-auto-respond", "approve", "-auto-respond-delay", "0s"}, w, io.Discard, noEnv)
		_ = w.Close()
	}()

	lines := bufio.NewScanner(out)
	var printed []string
	for len(printed) < 3 && lines.Scan() {
		printed = append(printed, lines.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if len(printed) != 3 {
		t.Fatalf("printed %q", printed)
	}
	baseURL, ok := strings.CutPrefix(printed[0], "HITL emulator listening on ")
	if !ok || !strings.HasPrefix(baseURL, "http://127.0.0.1:") || !strings.HasSuffix(baseURL, "/v1") {
		t.Fatalf("first line %q", printed[0])
	}
	if printed[1] != "export HITL_BASE_URL="+baseURL {
		t.Fatalf("second line %q", printed[1])
	}
	key, ok := strings.CutPrefix(printed[2], "export HITL_API_KEY=")
	if !ok || !strings.HasPrefix(key, "hitl_") {
		t.Fatalf("third line %q", printed[2])
	}
	if b, err := os.ReadFile(urlFile); err != nil || strings.TrimSpace(string(b)) != baseURL {
		t.Fatalf("url file %q, %v", b, err)
	}

	call := func(method, path string, body any) map[string]any {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = strings.NewReader(string(b))
		}
		req, _ := http.NewRequest(method, baseURL+path, rd)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var env struct {
			Data map[string]any `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d, %v", method, path, resp.StatusCode, err)
		}
		return env.Data
	}
	loop, _ := call(http.MethodPost, "/api/loops", map[string]any{"name": "n", "icon": "eye"})["loop"].(map[string]any)
	created := call(http.MethodPost, fmt.Sprintf("/api/loops/%v/requests", loop["id"]), map[string]any{
		"processing_type": "deferred", "type": "markdown", "priority": "low",
		"request_text": "ok?", "response_type": "text", "response_config": map[string]any{},
	})
	got, _ := call(http.MethodGet, fmt.Sprintf("/api/requests/%v", created["request_id"]), nil)["request"].(map[string]any)
	if got["status"] != "completed" || got["response_data"] != "approve" {
		t.Fatalf("auto-responded request %v", got)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after cancellation")
	}
	if _, err := os.Stat(urlFile); !os.IsNotExist(err) {
		t.Fatalf("url file left behind: %v", err)
	}
}

func TestRunDoesNotPrintCallerKey(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out strings.Builder
	env := func(k string) string {
		if k == "HITL_API_KEY" {
			return "hitl_possibly_real"
		}
		return ""
	}
	cancel() // Stop as soon as the banner is printed.
	if err := run(ctx, []string{"-addr", "127.0.0.1:0"}, &out, io.Discard, env); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "hitl_possibly_real") {
		t.Fatalf("printed the caller's key:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "export HITL_BASE_URL=") {
		t.Fatalf("banner missing:\n%s", out.String())
	}
}

func TestRunRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0"} {
		if err := run(context.Background(), []string{"-addr", addr}, io.Discard, io.Discard, noEnv); err == nil {
			t.Errorf("run accepted -addr %s", addr)
		}
	}
}

// lines hands every write to it (one line each, from log.Logger and
// fmt.Fprintf) to a channel, so that a test can wait for a log line that
// the server writes after its answer.
type lines chan string

func (l lines) Write(p []byte) (int, error) {
	l <- string(p)
	return len(p), nil
}

// waitFor returns the lines written up to the first that contains want.
func (l lines) waitFor(t *testing.T, want string) []string {
	t.Helper()
	var got []string
	timeout := time.After(30 * time.Second)
	for {
		select {
		case s := <-l:
			got = append(got, s)
			if strings.Contains(s, want) {
				return got
			}
		case <-timeout:
			t.Fatalf("no line with %q on stderr; got %q", want, got)
		}
	}
}

// startRun runs the emulator with args and the caller's key secret until
// stop is called or the test ends, and returns its base URL and standard
// error. stop returns once the server has shut down, which waits for the
// requests in flight, and so for their log lines.
func startRun(t *testing.T, secret string, args ...string) (baseURL string, stderr lines, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	stderr = make(lines, 100)
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), w, stderr, func(k string) string {
			if k == "HITL_API_KEY" {
				return secret
			}
			return ""
		})
		_ = w.Close()
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	sc := bufio.NewScanner(out)
	if !sc.Scan() {
		t.Fatal("no banner")
	}
	baseURL, ok := strings.CutPrefix(sc.Text(), "HITL emulator listening on ")
	if !ok {
		t.Fatalf("first line %q", sc.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	return baseURL, stderr, stop
}

func get(t *testing.T, url, key string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestRunLogsEveryCall(t *testing.T) {
	const secret = "hitl_secret_key_that_must_stay_out_of_logs"
	baseURL, stderr, _ := startRun(t, secret, "-seed", "9")
	got := stderr.waitFor(t, "seed 9; -seed 9 repeats them")

	if status := get(t, baseURL+"/test", secret); status != http.StatusOK {
		t.Fatalf("GET /test: %d", status)
	}
	got = append(got, stderr.waitFor(t, " GET /v1/test 200 ")...)
	if status := get(t, baseURL+"/api/loops/nosuchloop", secret+"x"); status != http.StatusUnauthorized {
		t.Fatalf("GET with a wrong key: %d", status)
	}
	got = append(got, stderr.waitFor(t, " GET /v1/api/loops/nosuchloop 401 ")...)
	for _, l := range got {
		if strings.Contains(l, secret) {
			t.Fatalf("stderr holds the key: %q", l)
		}
	}
}

func TestRunQuiet(t *testing.T) {
	const secret = "hitl_quiet_key"
	baseURL, stderr, stop := startRun(t, secret, "-quiet")
	// Without -seed, a random seed is drawn and printed.
	seedLine := stderr.waitFor(t, "hitl-emulator: ids, invite codes and faults from seed ")
	if strings.Contains(seedLine[0], "seed 0;") {
		t.Fatalf("no seed was drawn: %q", seedLine)
	}
	for range 3 {
		if status := get(t, baseURL+"/test", secret); status != http.StatusOK {
			t.Fatalf("GET /test: %d", status)
		}
	}
	stop()
	close(stderr)
	for l := range stderr {
		if l != "hitl-emulator: shutting down\n" {
			t.Errorf("-quiet logged %q", l)
		}
	}
}
