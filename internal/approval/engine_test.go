package approval

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// testGate is an engine whose client talks to a fresh in-process emulator,
// with a loop that has an active reviewer besides its creator.
type testGate struct {
	*Engine
	emu    *emulator.Emulator
	loopID string
}

func newTestGate(t *testing.T, opts ...hitl.Option) *testGate {
	t.Helper()
	g := &testGate{emu: emulator.New(emulator.Config{})}
	srv := httptest.NewServer(g.emu)
	t.Cleanup(srv.Close)
	opts = append([]hitl.Option{hitl.WithBaseURL(srv.URL + "/v1"), hitl.WithRetryWait(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := hitl.New(g.emu.APIKey(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	g.Engine = &Engine{Client: c}
	loop, err := c.CreateLoop(t.Context(), hitl.CreateLoopInput{Name: "Production On-Call", Icon: "shield-check"})
	if err != nil {
		t.Fatal(err)
	}
	g.loopID = loop.Loop.ID
	if _, err := g.emu.AddMember(g.loopID, "oncall@example.com", "active"); err != nil {
		t.Fatal(err)
	}
	return g
}

var deployInput = hitl.CreateRequestInput{
	ProcessingType: "time-sensitive", TimeoutSeconds: 600, Type: "markdown", Priority: "high",
	RequestText: "Deploy v1.6.0?", ResponseType: "single_select", DefaultResponse: json.RawMessage(`"reject"`),
	ResponseConfig: &hitl.ResponseConfig{Options: []hitl.ResponseOption{{Value: "approve"}, {Value: "reject"}}},
}

// send creates a review request and returns its id.
func (g *testGate) send(t *testing.T, in hitl.CreateRequestInput) string {
	t.Helper()
	created, err := g.Client.CreateRequest(t.Context(), g.loopID, in)
	if err != nil {
		t.Fatal(err)
	}
	return created.RequestID
}

func (g *testGate) serverStatus(t *testing.T, id string) hitl.RequestStatus {
	t.Helper()
	q, ok := g.emu.Request(id)
	if !ok {
		t.Fatalf("the server has no request %s", id)
	}
	return hitl.RequestStatus(q.Status)
}

// A reviewer's answer ends the wait with a verdict that names them.
func TestAwaitApprovedAndRejected(t *testing.T) {
	t.Parallel()
	g := newTestGate(t)
	for _, tt := range []struct {
		answer any
		want   Kind
	}{
		{"approve", Approved},
		{map[string]any{"selected_value": "reject"}, Rejected},
	} {
		id := g.send(t, deployInput)
		if err := g.emu.RespondToRequest(id, tt.answer); err != nil {
			t.Fatal(err)
		}
		var seen []hitl.RequestStatus
		out := g.Await(t.Context(), id, g.loopID, time.Minute, []string{"approve"}, func(q *hitl.Request) { seen = append(seen, q.Status) })
		if out.Stopped != nil || out.Verdict == nil || out.Verdict.Kind != tt.want {
			t.Fatalf("answer %v: outcome %+v", tt.answer, out)
		}
		if detail := out.Verdict.AnswerDetail(nil); !strings.Contains(detail, "Reviewer owner@example.com (user ") {
			t.Errorf("answer detail %q does not name the reviewer", detail)
		}
		if len(seen) != 1 || seen[0] != hitl.StatusCompleted {
			t.Errorf("observed %v", seen)
		}
	}
}

// A wait that ends without an answer, by its own limit or the caller's,
// cancels the request on the server.
func TestAwaitCancelsAbandonedRequest(t *testing.T) {
	t.Parallel()
	g := newTestGate(t)

	claimed := g.send(t, deployInput)
	if err := g.emu.ClaimRequest(claimed); err != nil {
		t.Fatal(err)
	}
	out := g.Await(t.Context(), claimed, g.loopID, 700*time.Millisecond, []string{"approve"}, nil)
	if !errors.Is(out.Stopped, ErrWaitTimeout) || out.Request == nil || out.Request.Status != hitl.StatusClaimed ||
		out.Cancel.Status != hitl.StatusCancelled || out.CancelErr != nil {
		t.Fatalf("outcome %+v", out)
	}
	if s := g.serverStatus(t, claimed); s != hitl.StatusCancelled {
		t.Errorf("after wait_timeout the request is %s on the server", s)
	}

	// Ctrl-C: the caller's context ends, the cancel still goes through.
	interrupted := g.send(t, deployInput)
	ctx, cancel := context.WithCancel(t.Context())
	out = g.Await(ctx, interrupted, g.loopID, time.Hour, []string{"approve"}, func(*hitl.Request) { cancel() })
	if !errors.Is(out.Stopped, context.Canceled) || out.Cancel.Status != hitl.StatusCancelled {
		t.Fatalf("interrupted outcome %+v", out)
	}
	if s := g.serverStatus(t, interrupted); s != hitl.StatusCancelled {
		t.Errorf("after an interrupt the request is %s on the server", s)
	}

	// The operation's deadline comes before wait_timeout.
	late := g.send(t, deployInput)
	ctx, cancel = context.WithTimeout(t.Context(), 700*time.Millisecond)
	defer cancel()
	out = g.Await(ctx, late, g.loopID, time.Hour, []string{"approve"}, nil)
	if !errors.Is(out.Stopped, context.DeadlineExceeded) || out.Cancel.Status != hitl.StatusCancelled {
		t.Fatalf("deadline outcome %+v", out)
	}
	if s := g.serverStatus(t, late); s != hitl.StatusCancelled {
		t.Errorf("after the deadline the request is %s on the server", s)
	}
}

// Server errors while waiting do not end the wait: the answer still counts.
func TestWaitOutlastsServerErrors(t *testing.T) {
	t.Parallel()
	g := newTestGate(t, hitl.WithMaxRetries(0))
	g.poll = func(time.Duration, time.Duration) time.Duration { return 20 * time.Millisecond }
	id := g.send(t, deployInput)
	if err := g.emu.RespondToRequest(id, "approve"); err != nil {
		t.Fatal(err)
	}
	g.emu.SetFaults(emulator.Faults{ServerErrorRate: 1})
	g.emu.ResetCalls()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		for ctx.Err() == nil && g.emu.TotalCalls() < 3 {
			time.Sleep(10 * time.Millisecond)
		}
		g.emu.SetFaults(emulator.Faults{})
	}()
	q, err := g.Wait(ctx, id, time.Minute, nil)
	if err != nil || q == nil || q.Status != hitl.StatusCompleted {
		t.Fatalf("Wait = %+v, %v", q, err)
	}
	if n := g.emu.TotalCalls(); n < 4 {
		t.Errorf("%d polls, want the 3 failures and a success", n)
	}
}

// A request that is gone (its loop was deleted) ends the wait at once, and
// there is nothing to cancel.
func TestAwaitStopsOnGoneRequest(t *testing.T) {
	t.Parallel()
	g := newTestGate(t)
	id := g.send(t, deployInput)
	g.emu.DeleteLoop(g.loopID)
	out := g.Await(t.Context(), id, g.loopID, time.Minute, []string{"approve"}, nil)
	if !hitl.IsRequestNotFoundAnswer(out.Stopped) || out.Request != nil || !out.Cancel.Gone {
		t.Fatalf("outcome %+v", out)
	}
}

// Cancel-then-confirm: a cancel refused because the request was answered
// meanwhile, a cancel whose answer was lost, and a request gone with its
// loop are each settled by reading back.
func TestCancelConfirms(t *testing.T) {
	t.Parallel()
	g := newTestGate(t, hitl.WithMaxRetries(1))

	answered := g.send(t, deployInput)
	if err := g.emu.RespondToRequest(answered, "approve"); err != nil {
		t.Fatal(err)
	}
	c, err := g.Cancel(t.Context(), answered, g.loopID)
	if err != nil || c.Status != hitl.StatusCompleted || c.Request == nil || c.Request.ID != answered {
		t.Errorf("cancelling an answered request: %+v, %v", c, err)
	}

	lost := g.send(t, deployInput)
	g.emu.SetFaults(emulator.Faults{DropAfterWriteRate: 1})
	c, err = g.Cancel(t.Context(), lost, g.loopID)
	g.emu.SetFaults(emulator.Faults{})
	if err != nil || c.Status != hitl.StatusCancelled {
		t.Errorf("cancelling with a lost answer: %+v, %v", c, err)
	}
	if s := g.serverStatus(t, lost); s != hitl.StatusCancelled {
		t.Errorf("the request is %s on the server", s)
	}

	pending := g.send(t, deployInput)
	c, err = g.Cancel(t.Context(), pending, g.loopID)
	if err != nil || c.Status != hitl.StatusCancelled || g.serverStatus(t, pending) != hitl.StatusCancelled {
		t.Errorf("cancelling a pending request: %+v, %v", c, err)
	}

	g.emu.DeleteLoop(g.loopID)
	c, err = g.Cancel(t.Context(), pending, g.loopID)
	if err != nil || !c.Gone {
		t.Errorf("cancelling a request gone with its loop: %+v, %v", c, err)
	}
}

// A create whose answer was lost made a request; Candidates finds it, and
// only it.
func TestCandidatesAfterLostCreateAnswer(t *testing.T) {
	t.Parallel()
	g := newTestGate(t, hitl.WithMaxRetries(0))
	other := deployInput
	other.RequestText = "Deploy v1.5.0?"
	g.send(t, other)
	started := time.Now()
	g.emu.SetFaults(emulator.Faults{DropAfterWriteRate: 1})
	_, err := g.Client.CreateRequest(t.Context(), g.loopID, deployInput)
	g.emu.SetFaults(emulator.Faults{})
	if !hitl.IsUncertain(err) {
		t.Fatalf("create with a dropped answer: %v, want an uncertain outcome", err)
	}
	found, err := Candidates(t.Context(), g.Client, g.loopID, deployInput, started, func(string, time.Time) bool { return true })
	if err != nil || len(found) != 1 {
		t.Fatalf("Candidates = %v, %v; want the one request made", found, err)
	}
	for _, q := range found {
		if q.RequestText != deployInput.RequestText {
			t.Errorf("candidate %+v", q)
		}
	}
}

// SendContext survives the caller's cancellation but not its deadline, and
// refuses to start once the caller has ended.
func TestSendContext(t *testing.T) {
	t.Parallel()
	parent, cancel := context.WithTimeout(t.Context(), time.Hour)
	sendCtx, cancelSend, err := SendContext(parent, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer cancelSend()
	cancel()
	if sendCtx.Err() != nil {
		t.Errorf("the send context ended with its parent: %v", sendCtx.Err())
	}
	if d, ok := sendCtx.Deadline(); !ok || time.Until(d) > time.Minute {
		t.Errorf("the send context's deadline is %v, want within a minute", d)
	}
	if _, _, err := SendContext(parent, time.Minute); !errors.Is(err, ErrNotSent) {
		t.Errorf("SendContext after an interrupt: %v, want ErrNotSent", err)
	}
}

// A review request's create that an interrupt finds waiting to retry makes
// no new attempt: what has not been sent is not sent.
func TestSendContextStopsRetriesAtInterrupt(t *testing.T) {
	t.Parallel()
	g := newTestGate(t)
	g.emu.SetFaults(emulator.Faults{RateLimitRate: 1, RetryAfter: time.Second})
	parent, interrupt := context.WithCancel(t.Context())
	sendCtx, cancelSend, err := SendContext(parent, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer cancelSend()
	time.AfterFunc(100*time.Millisecond, interrupt) // Ctrl-C while the client waits out the 429
	_, err = g.Client.CreateRequest(sendCtx, g.loopID, deployInput)
	if !errors.Is(err, hitl.ErrInterrupted) {
		t.Errorf("create after the interrupt: %v, want hitl.ErrInterrupted", err)
	}
	if n := g.emu.Calls()["POST /api/loops/{id}/requests"]; n != 1 {
		t.Errorf("%d create attempts, want 1: none after the interrupt", n)
	}
}
