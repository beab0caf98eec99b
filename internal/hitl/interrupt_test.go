package hitl

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

// A write seen through after an interrupt finishes the attempt in flight
// but starts no other: a server error that would be retried until the
// deadline is reported after one attempt.
func TestInterruptStopsRetries(t *testing.T) {
	c, n := scriptedServer(t, answer(http.StatusServiceUnavailable, `{"error":true,"msg":"Service Unavailable"}`))
	name := "B"

	// Not interrupted: retried up to max_retries (3).
	done := make(chan struct{})
	if _, err := c.UpdateLoop(WithInterrupt(context.Background(), done), "65f1234567890abcdef12345", UpdateLoopInput{Name: &name}); err == nil {
		t.Fatal("update succeeded against a failing server")
	}
	if got := n.Load(); got != 4 {
		t.Fatalf("%d attempts before the interrupt, want 4", got)
	}

	// Interrupted: the one attempt, no retry.
	n.Store(0)
	close(done)
	_, err := c.UpdateLoop(WithInterrupt(context.Background(), done), "65f1234567890abcdef12345", UpdateLoopInput{Name: &name})
	if !IsServerError(err) {
		t.Fatalf("error = %v, want the server error of the one attempt", err)
	}
	if got := n.Load(); got != 1 {
		t.Fatalf("%d attempts after the interrupt, want 1", got)
	}
	if errors.Is(err, ErrInterrupted) {
		t.Fatalf("error = %v: the answer that came should be reported, not the interrupt", err)
	}

	// WithoutInterrupt lifts the mark: retried as before the interrupt.
	n.Store(0)
	_, err = c.UpdateLoop(WithoutInterrupt(WithInterrupt(context.Background(), done)), "65f1234567890abcdef12345", UpdateLoopInput{Name: &name})
	if err == nil {
		t.Fatal("update succeeded against a failing server")
	}
	if got := n.Load(); got != 4 {
		t.Fatalf("%d attempts without the interrupt's mark, want 4", got)
	}
}
