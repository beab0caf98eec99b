package provider

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// When the API key's hourly budget runs out while the action waits, the
// progress output says so and when it is renewed, and the wait goes on
// after the reset instead of failing.
func TestApprovalActionSaysWhenItWaitsForTheBudget(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, emulator.Config{HourlyLimit: 100, RateLimitWindow: 3 * time.Second})
	loopID := s.createLoop(t)
	c, err := hitl.New(s.APIKey(), hitl.WithBaseURL(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	a := &ApprovalAction{progressEvery: approvalProgressEvery}
	a.data = &providerData{client: c, loops: directLoopReader{client: c}}

	var mu sync.Mutex
	var messages []string
	diags := invokeApproval(context.Background(), t, a, map[string]tftypes.Value{
		"loop_id":      tftypes.NewValue(tftypes.String, loopID),
		"request_text": tftypes.NewValue(tftypes.String, "Deploy?"),
		"wait_timeout": tftypes.NewValue(tftypes.String, "20s"),
	}, func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		messages = append(messages, msg)
		switch {
		case strings.HasPrefix(msg, "Sent request"):
			s.UseBudget(100) // Another tool spends what is left of the hour.
		case strings.Contains(msg, "budget"):
			// Answered while the action waits for the reset: the first
			// poll after it sees the approval.
			if err := s.RespondToRequest(onlyRequestID(t, s), "approve"); err != nil {
				t.Error(err)
			}
		}
	})
	if diags.HasError() {
		t.Fatalf("diagnostics %v", diags)
	}
	mu.Lock()
	defer mu.Unlock()
	var said bool
	for _, m := range messages {
		if strings.Contains(m, "The API key's budget of 100 requests per hour is spent; waiting until ") &&
			strings.Contains(m, " UTC (in ") {
			said = true
		}
	}
	if !said {
		t.Errorf("progress %q does not say that the action waits for the budget", messages)
	}
}

// onlyRequestID returns the id of the one review request on the server.
func onlyRequestID(t *testing.T, s *testServer) string {
	t.Helper()
	rs := s.Requests()
	if len(rs) != 1 {
		t.Fatalf("%d requests on the server, want 1", len(rs))
	}
	return rs[0].ID
}
