package emulator_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func TestListen(t *testing.T) {
	emu := emulator.New(emulator.Config{})
	base, shutdown, err := emu.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = shutdown(context.Background())
		}
	})
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+/v1$`).MatchString(base) || strings.HasSuffix(base, ":0/v1") {
		t.Fatalf("base URL %q", base)
	}

	req, _ := http.NewRequest(http.MethodGet, base+"/test", nil)
	req.Header.Set("Authorization", "Bearer "+emu.APIKey())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /test: %d", resp.StatusCode)
	}

	if err := shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	stopped = true
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatal("the server still answers after shutdown")
	}
}

func TestListenLocalhost(t *testing.T) {
	base, shutdown, err := emulator.New(emulator.Config{}).Listen("localhost:0")
	if err != nil {
		t.Skipf("localhost does not resolve to loopback here: %v", err)
	}
	defer func() { _ = shutdown(context.Background()) }()
	if !strings.HasPrefix(base, "http://127.0.0.1:") && !strings.HasPrefix(base, "http://[::1]:") {
		t.Fatalf("base URL %q", base)
	}
}

func TestListenRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.10:0", "10.0.0.1:8080", "127.0.0.1"} {
		base, shutdown, err := emulator.New(emulator.Config{}).Listen(addr)
		if err == nil {
			_ = shutdown(context.Background())
			t.Errorf("Listen(%q) succeeded with %s", addr, base)
		}
	}
}
