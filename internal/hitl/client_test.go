package hitl

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func TestLoopLifecycle(t *testing.T) {
	ctx := context.Background()
	c, e := newEmulatorClient(t, emulator.Config{})

	created, err := c.CreateLoop(ctx, CreateLoopInput{Name: "Contract Review", Description: "Check clauses", Icon: "document-check"})
	if err != nil {
		t.Fatal(err)
	}
	l := created.Loop
	if l.Name != "Contract Review" || l.Description != "Check clauses" || l.Icon != "document-check" {
		t.Errorf("created loop = %+v", l)
	}
	if len(created.InviteCode) != 9 || !strings.HasSuffix(created.JoinURL, "/join/"+created.InviteCode) ||
		!strings.HasPrefix(created.QRCodeBase64, "data:image/png;base64,") || created.QRCodeURL == "" {
		t.Errorf("invite details = %q %q %q %.30q", created.InviteCode, created.JoinURL, created.QRCodeURL, created.QRCodeBase64)
	}
	if l.MemberCount != 1 || len(l.Members) != 1 || l.Members[0].Status != MemberActive || l.Members[0].JoinedAt == nil {
		t.Errorf("creator membership = %+v", l.Members)
	}
	serverLoop, ok := e.Loop(l.ID)
	if !ok || serverLoop.InviteCode != created.InviteCode {
		t.Fatalf("server does not hold loop %s with invite code %s", l.ID, created.InviteCode)
	}

	got, err := c.GetLoop(ctx, l.ID)
	if err != nil || got.ID != l.ID || got.Name != l.Name || got.CreatedAt != l.CreatedAt {
		t.Fatalf("GetLoop = %+v, %v", got, err)
	}

	list, err := c.ListLoops(ctx)
	if err != nil || len(list) != 1 || list[0].ID != l.ID {
		t.Fatalf("ListLoops = %+v, %v", list, err)
	}

	newName := "Contract Review (Legal)"
	updated, err := c.UpdateLoop(ctx, l.ID, UpdateLoopInput{Name: &newName})
	if err != nil {
		t.Fatal(err)
	}
	if updated.ID != l.ID || updated.Name != newName || updated.Description != "Check clauses" || updated.UpdatedAt <= l.UpdatedAt {
		t.Errorf("updated = %+v (created %+v)", updated, l)
	}

	empty := ""
	cleared, err := c.UpdateLoop(ctx, l.ID, UpdateLoopInput{Description: &empty})
	if err != nil || cleared.Description != "" || cleared.Name != newName {
		t.Errorf("clearing the description = %+v, %v", cleared, err)
	}

	if err := c.DeleteLoop(ctx, l.ID); err != nil {
		t.Fatalf("DeleteLoop: %v", err)
	}
	if _, err := c.GetLoop(ctx, l.ID); !IsNotFound(err) {
		t.Errorf("GetLoop after delete: %v, want not found", err)
	}
	if err := c.DeleteLoop(ctx, l.ID); !IsNotFound(err) {
		t.Errorf("second DeleteLoop: %v, want not found", err)
	}
}

func TestCheckKey(t *testing.T) {
	c, _ := newEmulatorClient(t, emulator.Config{Email: "ops@example.com"})
	info, err := c.CheckKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Email != "ops@example.com" || info.AccountStatus != "active" || info.RateLimit.Limit != 100 || len(info.Permissions) != 4 {
		t.Errorf("CheckKey = %+v", info)
	}
}

func TestAPIErrorClasses(t *testing.T) {
	ctx := context.Background()
	c, e := newEmulatorClient(t, emulator.Config{})
	otherKey := e.AddUser("other@example.com")
	other, err := New(otherKey, WithBaseURL(c.baseURL.String()))
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := other.CreateLoop(ctx, CreateLoopInput{Name: "Theirs", Icon: "star"})
	if err != nil {
		t.Fatal(err)
	}
	badKey, err := New("hitl_wrong", WithBaseURL(c.baseURL.String()))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		call    func() error
		is      func(error) bool
		status  int
		message string
		detail  string
	}{
		{"validation with text details", func() error {
			_, err := c.CreateLoop(ctx, CreateLoopInput{Name: strings.Repeat("x", 101), Icon: "star"})
			return err
		}, IsValidation, 400, "Validation failed", "name must be between 1 and 100 characters"},
		{"validation with field details", func() error {
			_, err := c.CreateLoop(ctx, CreateLoopInput{Name: "x"})
			return err
		}, IsValidation, 400, "Validation failed", "field icon: Field is required"},
		{"bad key", func() error { _, err := badKey.ListLoops(ctx); return err }, IsUnauthorized, 401, "Invalid API key", ""},
		{"someone else's loop", func() error { _, err := c.GetLoop(ctx, foreign.Loop.ID); return err }, IsForbidden, 403, "Access denied to this loop", ""},
		{"not the creator", func() error { return c.DeleteLoop(ctx, foreign.Loop.ID) }, IsForbidden, 403, "Only loop creators", ""},
		{"missing loop", func() error { _, err := c.GetLoop(ctx, "65f1234567890abcdef12345"); return err }, IsNotFound, 404, "Loop not found", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v (%T), want *APIError", err, err)
			}
			if !tt.is(err) || apiErr.StatusCode != tt.status || !strings.Contains(apiErr.Message, tt.message) ||
				!strings.Contains(apiErr.DetailText(), tt.detail) {
				t.Errorf("error = %+v, want %d %q %q", apiErr, tt.status, tt.message, tt.detail)
			}
			for _, key := range []string{e.APIKey(), otherKey} {
				if strings.Contains(err.Error(), key) {
					t.Errorf("error text contains an API key: %v", err)
				}
			}
		})
	}
}

func TestRequestsCarryHeadersAndOnlyChangedFields(t *testing.T) {
	c, e, rec := newRecordedClient(t, emulator.Config{}, WithUserAgent("terraform-provider-hitl/1.2.3 Terraform/1.11.4"))
	ctx := context.Background()
	created, err := c.CreateLoop(ctx, CreateLoopInput{Name: "A", Icon: "star"})
	if err != nil {
		t.Fatal(err)
	}
	icon := "flag"
	if _, err := c.UpdateLoop(ctx, created.Loop.ID, UpdateLoopInput{Icon: &icon}); err != nil {
		t.Fatal(err)
	}

	if len(rec.requests) != 2 {
		t.Fatalf("%d requests, want 2", len(rec.requests))
	}
	create, update := rec.requests[0], rec.requests[1]
	if create.method != "POST" || create.path != "/v1/api/loops" || create.body != `{"name":"A","icon":"star"}` {
		t.Errorf("create sent %s %s %s", create.method, create.path, create.body)
	}
	if update.method != "PUT" || update.path != "/v1/api/loops/"+created.Loop.ID || update.body != `{"icon":"flag"}` {
		t.Errorf("update sent %s %s %s", update.method, update.path, update.body)
	}
	for _, r := range rec.requests {
		if got := r.header.Get("Authorization"); got != "Bearer "+e.APIKey() {
			t.Errorf("Authorization = %q", got)
		}
		if got := r.header.Get("User-Agent"); got != "terraform-provider-hitl/1.2.3 Terraform/1.11.4" {
			t.Errorf("User-Agent = %q", got)
		}
		if got := r.header.Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type = %q", got)
		}
	}
}

func TestParseBaseURL(t *testing.T) {
	tests := []struct {
		raw     string
		wantErr string
	}{
		{"https://api.hitl.sh/v1", ""},
		{"https://api.hitl.sh/v1/", ""},
		{"http://127.0.0.1:8080/v1", ""},
		{"http://localhost:8080/v1", ""},
		{"http://[::1]:8080/v1", ""},
		{"http://api.example.com/v1", "clear text"},
		{"http://10.0.0.5/v1", "clear text"},
		{"ftp://api.hitl.sh/v1", "absolute https://"},
		{"api.hitl.sh/v1", "absolute https://"},
		{"https://user:s3cret@api.hitl.sh/v1", "must not contain credentials"},
		{"https://api.hitl.sh/v1?x=1", "query"},
	}
	for _, tt := range tests {
		_, err := ParseBaseURL(tt.raw)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("ParseBaseURL(%q) = %v, want ok", tt.raw, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseBaseURL(%q) = %v, want error containing %q", tt.raw, err, tt.wantErr)
		case err != nil && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("ParseBaseURL error echoes the password: %v", err)
		}
	}
}
