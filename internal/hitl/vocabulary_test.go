package hitl

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// A single call's "Loop not found" is an answer, not a confirmation: only
// the functions that also ask the list return a *GoneError.
func TestConfirmedGoneOnlyFromTheConfirmingPath(t *testing.T) {
	ctx := context.Background()
	c, e := newEmulatorClient(t, emulator.Config{})
	id := createLoops(t, c, 1)[0]
	e.DeleteLoop(id)

	_, raw := c.GetLoop(ctx, id)
	if !IsLoopNotFoundAnswer(raw) || IsConfirmedGone(raw) {
		t.Errorf("GetLoop(deleted) error = %v: want a not-found answer that is not confirmed", raw)
	}
	confirmed := c.ConfirmLoopGone(ctx, id, raw)
	var gone *GoneError
	if !errors.As(confirmed, &gone) || gone.Kind != "loop" || gone.ID != id || !IsLoopNotFoundAnswer(confirmed) {
		t.Errorf("ConfirmLoopGone = %#v, want a *GoneError for loop %s wrapping the answer", confirmed, id)
	}
	if confirmed.Error() != raw.Error() {
		t.Errorf("GoneError message %q, want the API's answer %q", confirmed, raw)
	}
	if _, err := c.ReadLoop(ctx, id); !IsConfirmedGone(err) {
		t.Errorf("ReadLoop(deleted) error = %v, want IsConfirmedGone", err)
	}
}

func TestAnswerPredicates(t *testing.T) {
	api := func(status int, msg string) error {
		return fmt.Errorf("creating: %w", &APIError{StatusCode: status, Message: msg, Path: "/api/loops/abc/requests", Envelope: true})
	}
	tests := []struct {
		name                 string
		err                  error
		noMembers, permanent bool
	}{
		{"no active members", api(400, NoActiveMembersMessage), true, true},
		{"validation", api(400, "Validation failed"), false, true},
		{"not found", api(404, LoopNotFoundMessage), false, true},
		{"rate limited", api(429, "Too many requests"), false, false},
		{"server error", api(503, "Unavailable"), false, false},
		{"not an answer", &UncertainError{Method: "POST", Path: "/api/loops", Err: errors.New("EOF")}, false, false},
		{"nil", nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsNoActiveMembers(tt.err); got != tt.noMembers {
				t.Errorf("IsNoActiveMembers = %v", got)
			}
			if got := IsPermanentAPIError(tt.err); got != tt.permanent {
				t.Errorf("IsPermanentAPIError = %v", got)
			}
			if tt.permanent && IsTransient(tt.err) {
				t.Error("both IsPermanentAPIError and IsTransient")
			}
		})
	}
}
