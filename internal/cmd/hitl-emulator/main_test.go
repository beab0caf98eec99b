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
	if err != nil || o.addr != "127.0.0.1:8080" || o.seed != 1 || o.autoRespond != nil || o.autoDelay != 2*time.Second || o.keyFromCaller {
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
	o, _ = parseFlags([]string{"-auto-respond", ""}, io.Discard, noEnv)
	if o.autoRespond == nil || *o.autoRespond != "" {
		t.Fatal("an explicitly empty -auto-respond is not a value")
	}
	for _, args := range [][]string{
		{"-fail-rate", "1.5"},
		{"-malformed-rate", "-0.1"},
		{"-drop-after-write-rate", "NaN"},
		{"-latency", "-1s"},
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
