package emulator_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// statuses sends n GET /test requests and returns the status codes.
func statuses(t *testing.T, f *fixture, n int) []int {
	t.Helper()
	out := make([]int, 0, n)
	for range n {
		res, err := f.send("Bearer "+f.emu.APIKey(), http.MethodGet, "/v1/test", nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res.status)
	}
	return out
}

func TestFaultsAreReproducible(t *testing.T) {
	faults := emulator.Faults{ServerErrorRate: 0.3, RateLimitRate: 0.2}
	run := func(seed int64) []int {
		return statuses(t, newFixture(t, emulator.Config{Seed: seed, Faults: faults}), 400)
	}
	a, b, c := run(42), run(42), run(43)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave different fault sequences")
	}
	if slices.Equal(a, c) {
		t.Fatal("different seeds gave the same fault sequence")
	}
	if slices.Equal(run(0), run(0)) {
		t.Fatal("two emulators without a seed drew the same fault sequence")
	}

	count := map[int]int{}
	for _, s := range a {
		count[s]++
	}
	server := count[500] + count[502] + count[503]
	if server < 80 || server > 160 {
		t.Errorf("%d of 400 server errors at rate 0.3", server)
	}
	if count[500] == 0 || count[502] == 0 || count[503] == 0 {
		t.Errorf("not every server error code appeared: %v", count)
	}
	if count[429] < 50 || count[429] > 110 {
		t.Errorf("%d of 400 rate limits at rate 0.2", count[429])
	}
	if count[200]+server+count[429] != 400 {
		t.Errorf("unexpected statuses %v", count)
	}
}

// Creating loops between requests does not shift the fault sequence: ids
// come from a stream of their own.
func TestFaultSequenceIndependentOfIDs(t *testing.T) {
	faults := emulator.Faults{ServerErrorRate: 0.5}
	plain := newFixture(t, emulator.Config{Seed: 7, Faults: faults})
	busy := emulator.New(emulator.Config{Seed: 7, Faults: faults})
	for range 5 {
		if _, err := busy.AddMember("none", "x@example.com", "active"); err == nil {
			t.Fatal("AddMember on a missing loop succeeded")
		}
		busy.AddUser("u@example.com")
	}
	if !slices.Equal(statuses(t, plain, 50), statuses(t, serve(t, busy), 50)) {
		t.Fatal("creating accounts changed the fault sequence")
	}
}

func TestServerErrorsHaveNoSideEffect(t *testing.T) {
	f := newFixture(t, emulator.Config{Faults: emulator.Faults{ServerErrorRate: 1}})
	for range 10 {
		res := f.do(http.MethodPost, "/v1/api/loops", map[string]any{"name": "n", "icon": "x"})
		if res.status < 500 || !res.env.Error || res.env.Msg == "" {
			t.Fatalf("got %d %s", res.status, res.raw)
		}
	}
	if n := len(f.emu.Loops()); n != 0 {
		t.Fatalf("faulted creates stored %d loops", n)
	}
	// Authentication still comes first.
	f.doAuth("", http.MethodGet, "/v1/test", nil).expect(t, http.StatusUnauthorized, "API key required")
}

func TestRateLimitFault(t *testing.T) {
	tests := []struct {
		retry time.Duration
		want  string
	}{
		{0, "1"},
		{300 * time.Millisecond, "1"},
		{1500 * time.Millisecond, "2"},
		{3 * time.Second, "3"},
	}
	for _, tc := range tests {
		f := newFixture(t, emulator.Config{Faults: emulator.Faults{RateLimitRate: 1, RetryAfter: tc.retry}})
		res := f.do(http.MethodPost, "/v1/loops", map[string]any{"name": "n", "icon": "x"})
		res.expect(t, http.StatusTooManyRequests, "Rate limit exceeded")
		if got := res.header.Get("Retry-After"); got != tc.want {
			t.Errorf("RetryAfter %v: Retry-After %q, want %q", tc.retry, got, tc.want)
		}
		if n := len(f.emu.Loops()); n != 0 {
			t.Fatalf("rate-limited create stored %d loops", n)
		}
	}
}

func TestMalformedFault(t *testing.T) {
	f := newFixture(t, emulator.Config{Faults: emulator.Faults{MalformedRate: 1}})
	// Writes are not affected by this fault.
	c := f.createLoop("Review")
	res, err := f.send("Bearer "+f.emu.APIKey(), http.MethodGet, "/v1/api/loops/"+c.Loop.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.status != http.StatusOK || len(res.raw) == 0 {
		t.Fatalf("got %d %q", res.status, res.raw)
	}
	if json.Valid(res.raw) {
		t.Fatalf("body is valid JSON: %s", res.raw)
	}
}

func TestDropAfterWritePerformsTheWrite(t *testing.T) {
	f := newFixture(t, emulator.Config{Faults: emulator.Faults{DropAfterWriteRate: 1}})
	for _, prefix := range spellings {
		_, err := f.send("Bearer "+f.emu.APIKey(), http.MethodPost, prefix+"/loops", map[string]any{"name": "n", "icon": "x"})
		if err == nil {
			t.Fatal("the client got an answer to a dropped write")
		}
	}
	loops := f.emu.Loops()
	if len(loops) != 2 {
		t.Fatalf("dropped creates stored %d loops, want 2", len(loops))
	}
	// Reads are answered normally.
	f.do(http.MethodGet, "/v1/api/loops/"+loops[0].ID, nil).expect(t, http.StatusOK, "Loop retrieved successfully")

	name := "renamed"
	if _, err := f.send("Bearer "+f.emu.APIKey(), http.MethodPut, "/v1/api/loops/"+loops[0].ID, map[string]any{"name": name}); err == nil {
		t.Fatal("the client got an answer to a dropped update")
	}
	if l, _ := f.emu.Loop(loops[0].ID); l.Name != name {
		t.Fatalf("dropped update was not performed: %q", l.Name)
	}
	if _, err := f.send("Bearer "+f.emu.APIKey(), http.MethodDelete, "/v1/api/loops/"+loops[0].ID, nil); err == nil {
		t.Fatal("the client got an answer to a dropped delete")
	}
	if _, ok := f.emu.Loop(loops[0].ID); ok {
		t.Fatal("dropped delete was not performed")
	}
}

func TestSetFaultsAtRunTime(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	f.do(http.MethodGet, "/v1/test", nil).expect(t, http.StatusOK, "API key is valid")
	f.emu.SetFaults(emulator.Faults{ServerErrorRate: 1})
	if res := f.do(http.MethodGet, "/v1/test", nil); res.status < 500 {
		t.Fatalf("fault not applied: %d", res.status)
	}
	// Control endpoints are never faulted.
	f.do(http.MethodGet, "/v1/_emulator/calls", nil).expect(t, http.StatusOK, "Calls retrieved")
	f.emu.SetFaults(emulator.Faults{})
	f.do(http.MethodGet, "/v1/test", nil).expect(t, http.StatusOK, "API key is valid")
	if got := f.emu.Calls()["GET /test"]; got != 3 {
		t.Fatalf("GET /test counted %d times, want 3 (faulted calls count)", got)
	}
}

func TestLatency(t *testing.T) {
	const d = 80 * time.Millisecond
	f := newFixture(t, emulator.Config{Latency: d})
	start := time.Now()
	f.doAuth("", http.MethodGet, "/v1/test", nil).expect(t, http.StatusUnauthorized, "API key required")
	if el := time.Since(start); el < d {
		t.Fatalf("answered after %v, want at least %v", el, d)
	}
	f.emu.SetLatency(0)
	start = time.Now()
	f.do(http.MethodGet, "/v1/test", nil)
	if el := time.Since(start); el >= d {
		t.Fatalf("SetLatency(0) still delayed %v", el)
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	loop := f.createLoop("Shared").Loop.ID
	f.emu.SetFaults(emulator.Faults{ServerErrorRate: 0.1, DropAfterWriteRate: 0.1, MalformedRate: 0.1})
	done := make(chan struct{})
	for i := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 20 {
				key := "Bearer " + f.emu.APIKey()
				_, _ = f.send(key, http.MethodPost, "/v1/api/loops", map[string]any{"name": "n", "icon": "x"})
				_, _ = f.send(key, http.MethodGet, "/v1/api/loops", nil)
				_, _ = f.send(key, http.MethodPut, "/v1/api/loops/"+loop, map[string]any{"description": "d"})
				_, _ = f.send(key, http.MethodPost, "/v1/api/loops/"+loop+"/requests", validRequest())
				_, _ = f.send(key, http.MethodGet, "/v1/api/requests?limit=5", nil)
				if i%2 == 0 {
					f.emu.SetFaults(emulator.Faults{ServerErrorRate: 0.2})
					_ = f.emu.Requests()
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	if got := f.emu.TotalCalls(); got != 1+8*20*5 {
		t.Fatalf("TotalCalls() = %d, want %d", got, 1+8*20*5)
	}
}
