package emulator_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func TestGeneratedAPIKeyFormat(t *testing.T) {
	a, b := emulator.New(emulator.Config{}), emulator.New(emulator.Config{})
	re := regexp.MustCompile(`^hitl_[0-9a-f]{40}$`)
	if !re.MatchString(a.APIKey()) {
		t.Fatalf("generated key %q does not match %s", a.APIKey(), re)
	}
	if a.APIKey() == b.APIKey() {
		t.Fatal("two emulators generated the same key")
	}
	if got := emulator.New(emulator.Config{APIKey: "fixed"}).APIKey(); got != "fixed" {
		t.Fatalf("APIKey() = %q, want the configured key", got)
	}
}

func TestAuthentication(t *testing.T) {
	f := newFixture(t, emulator.Config{APIKey: "hitl_secret"})
	tests := []struct {
		name   string
		auth   string
		status int
		msg    string
	}{
		{"missing", "", http.StatusUnauthorized, "API key required"},
		{"wrong scheme", "Basic hitl_secret", http.StatusUnauthorized, "Invalid API key format"},
		{"no token", "Bearer", http.StatusUnauthorized, "Invalid API key format"},
		{"empty token", "Bearer ", http.StatusUnauthorized, "Invalid API key format"},
		{"token with space", "Bearer hitl_secret extra", http.StatusUnauthorized, "Invalid API key format"},
		{"bare token", "hitl_secret", http.StatusUnauthorized, "Invalid API key format"},
		{"unknown key", "Bearer hitl_other", http.StatusUnauthorized, "Invalid API key"},
		{"valid", "Bearer hitl_secret", http.StatusOK, "API key is valid"},
		{"scheme is case-insensitive", "bearer hitl_secret", http.StatusOK, "API key is valid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := f.doAuth(tc.auth, http.MethodGet, "/v1/test", nil)
			res.expect(t, tc.status, tc.msg)
			if strings.Contains(string(res.raw), "hitl_secret") {
				t.Fatalf("answer echoes the key: %s", res.raw)
			}
		})
	}
}

// Authentication comes before routing, so an unknown path with a bad key
// is a 401, not a 404.
func TestAuthBeforeRouting(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	f.doAuth("", http.MethodGet, "/v1/api/nothing", nil).expect(t, http.StatusUnauthorized, "API key required")
	f.doAuth("Bearer nope", http.MethodPost, "/v1/api/loops", map[string]any{}).expect(t, http.StatusUnauthorized, "Invalid API key")
	if got := len(f.emu.Loops()); got != 0 {
		t.Fatalf("unauthenticated create stored %d loops", got)
	}
}

func TestTestEndpoint(t *testing.T) {
	f, clock := newClockFixture(t, emulator.Config{
		Email:       "me@example.com",
		RateLimit:   5,
		Permissions: []string{"loops:read"},
	})
	type testData struct {
		APIKeyID      string `json:"api_key_id"`
		UserID        string `json:"user_id"`
		Email         string `json:"email"`
		AccountStatus string `json:"account_status"`
		RateLimit     struct {
			Limit     int    `json:"limit"`
			Remaining int    `json:"remaining"`
			ResetAt   string `json:"reset_at"`
		} `json:"rate_limit"`
		Permissions []string `json:"permissions"`
	}
	get := func() testData {
		t.Helper()
		res := f.do(http.MethodGet, "/v1/test", nil)
		res.expect(t, http.StatusOK, "API key is valid")
		var d testData
		res.data(t, &d)
		return d
	}

	d := get()
	if d.Email != "me@example.com" || d.AccountStatus != "active" || d.RateLimit.Limit != 5 {
		t.Fatalf("unexpected data %+v", d)
	}
	if !isID(d.APIKeyID) || !isID(d.UserID) || d.APIKeyID == d.UserID {
		t.Fatalf("ids %q, %q are not two distinct 24-hex ids", d.APIKeyID, d.UserID)
	}
	if len(d.Permissions) != 1 || d.Permissions[0] != "loops:read" {
		t.Fatalf("permissions %v", d.Permissions)
	}
	if d.RateLimit.Remaining != 4 {
		t.Fatalf("remaining after one call = %d, want 4", d.RateLimit.Remaining)
	}
	if want := "2024-03-15T11:30:00Z"; d.RateLimit.ResetAt != want { // an hour after the first call
		t.Fatalf("reset_at = %q, want %q", d.RateLimit.ResetAt, want)
	}

	// Failed calls count against the key too, and remaining stops at zero.
	f.do(http.MethodGet, "/v1/api/loops/000000000000000000000000", nil)
	for range 6 {
		d = get()
	}
	if d.RateLimit.Remaining != 0 {
		t.Fatalf("remaining = %d, want 0", d.RateLimit.Remaining)
	}

	// A new window starts afresh.
	clock.Advance(time.Hour)
	if d = get(); d.RateLimit.Remaining != 4 {
		t.Fatalf("remaining in the next hour = %d, want 4", d.RateLimit.Remaining)
	}
}

func TestTestEndpointDefaults(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	res := f.do(http.MethodGet, "/v1/test", nil)
	var d struct {
		Email     string `json:"email"`
		RateLimit struct {
			Limit int `json:"limit"`
		} `json:"rate_limit"`
		Permissions []string `json:"permissions"`
	}
	res.data(t, &d)
	want := "loops:read loops:write requests:read requests:write"
	if d.Email != "owner@example.com" || d.RateLimit.Limit != 100 || strings.Join(d.Permissions, " ") != want {
		t.Fatalf("defaults %+v", d)
	}
}

func TestAddUserKeysAreDistinctAccounts(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	other := f.emu.AddUser("other@example.com")
	if other == f.emu.APIKey() {
		t.Fatal("AddUser returned the owner's key")
	}
	var d struct {
		UserID string `json:"user_id"`
		Email  string `json:"email"`
	}
	f.doKey(other, http.MethodGet, "/v1/test", nil).data(t, &d)
	if d.Email != "other@example.com" {
		t.Fatalf("second key belongs to %q", d.Email)
	}
	var owner struct {
		UserID string `json:"user_id"`
	}
	f.do(http.MethodGet, "/v1/test", nil).data(t, &owner)
	if owner.UserID == d.UserID {
		t.Fatal("second account has the owner's user id")
	}
}

var idPattern = regexp.MustCompile(`^[0-9a-f]{24}$`)

func isID(s string) bool { return idPattern.MatchString(s) }
