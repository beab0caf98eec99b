package emulator_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// With an answer delay, a write takes effect before it is answered: a
// client that gives up in between has made the loop without hearing so.
func TestAnswerDelay(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	f.emu.SetAnswerDelay(time.Hour)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.srv.URL+"/v1/api/loops", strings.NewReader(`{"name":"Late","icon":"eye"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.emu.APIKey())
	req.Header.Set("Content-Type", "application/json")
	go func() {
		// Give up as soon as the loop exists, long before the answer.
		for len(f.emu.Loops()) == 0 && ctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("the create was answered (%d) before the client gave up", resp.StatusCode)
	}
	if loops := f.emu.Loops(); len(loops) != 1 || loops[0].Name != "Late" {
		t.Fatalf("loops on the server: %+v, want the one whose answer was lost", loops)
	}

	// Reads are not delayed; a write whose client waits gets its answer.
	f.emu.SetAnswerDelay(time.Millisecond)
	if res := f.do(http.MethodGet, "/v1/api/loops", nil); res.status != http.StatusOK {
		t.Fatalf("list: %d", res.status)
	}
	res := f.do(http.MethodPost, "/v1/api/loops", map[string]any{"name": "On time", "icon": "eye"})
	if res.status != http.StatusCreated && res.status != http.StatusOK {
		t.Fatalf("create with a short answer delay: %d %s", res.status, res.raw)
	}
	if n := len(f.emu.Loops()); n != 2 {
		t.Fatalf("%d loops, want 2", n)
	}
}
