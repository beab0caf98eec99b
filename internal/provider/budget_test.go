package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// budgetSpentError is the diagnostic of a call refused by a spent request
// budget whose reset is after the operation's deadline.
func budgetSpentError(summary string) *regexp.Regexp {
	return errorText(summary, "429 Too Many Requests", "API rate limit exceeded", "is spent until",
		"accepts requests again at", "Run the command again after the reset")
}

// An apply of 30 loops with 20 requests left in the hour: 20 loops are
// created, each once, and saved in state; the other creates are refused
// once each and fail at once, saying so. After the reset the next apply
// creates the other 10 and the plan after it is empty.
func TestAccLoopResource_budgetSpentDuringApply(t *testing.T) {
	s := newTestServer(t, emulator.Config{HourlyLimit: 20})
	cfg := manyLoopsConfig(s, 30)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ExpectError: errorText("Error creating loop: API request budget spent", "accepts requests again at",
					"loops that this apply created before the limit are saved in state, and the next apply creates the rest"),
			},
			{
				PreConfig: func() {
					// At most one create per loop: 20 performed, the others
					// refused or not sent once a create was refused, and
					// none retried, since the reset is an hour away.
					if n := s.Calls()["POST /api/loops"]; n < 21 || n > 30 {
						t.Errorf("the server received %d loop creates, want 21 to 30", n)
					}
					names := map[string]bool{}
					for _, l := range s.Loops() {
						if names[l.Name] {
							t.Errorf("loop %q is on the server twice", l.Name)
						}
						names[l.Name] = true
					}
					if len(names) != 20 {
						t.Errorf("%d loops on the server, want 20", len(names))
					}
					s.ResetRateLimit()
				},
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{expectLoopCount(s, 30), expectStateMatchesServer(s)},
			},
			{
				// Room for the destroy.
				PreConfig: func() { s.SetHourlyLimit(0) },
				Config:    cfg,
				PlanOnly:  true,
			},
		},
	})
}

// A reset within the create's deadline is waited for: the apply succeeds,
// and each refused create is sent once more after the reset, no more.
// Five loops with three requests per window cannot be created without
// crossing a reset.
func TestAccLoopResource_budgetResetWithinDeadline(t *testing.T) {
	s := newTestServer(t, emulator.Config{HourlyLimit: 3, RateLimitWindow: 3 * time.Second})
	cfg := manyLoopsConfig(s, 5)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					expectLoopCount(s, 5), expectStateMatchesServer(s),
					stateCheckFunc(func(*tfjson.State) error {
						// 5 loops with 3 requests per window: at least 2
						// creates waited for the reset. Each was refused at
						// most once (a create that starts after a refusal
						// waits without being sent).
						if got := s.Calls()["POST /api/loops"]; got < 5 || got > 7 {
							return fmt.Errorf("the server received %d loop creates, want 5 to 7", got)
						}
						return nil
					}),
				},
			},
		},
	})
}

// A plan with no budget left fails with one refused call, not after the
// read deadline's retries.
func TestAccLoopResource_planWithoutBudget(t *testing.T) {
	s := newTestServer(t, emulator.Config{HourlyLimit: 50})
	cfg := manyLoopsConfig(s, 3)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					s.UseBudget(50)
					s.ResetCalls()
				},
				Config:      cfg,
				PlanOnly:    true,
				ExpectError: budgetSpentError("Error reading loop"),
			},
			{
				PreConfig: func() {
					if n := s.TotalCalls(); n != 1 {
						t.Errorf("the plan made %d calls %v, want 1 (the loop list, refused)", n, s.Calls())
					}
					s.SetHourlyLimit(0)
				},
				Config:   cfg,
				PlanOnly: true,
			},
		},
	})
}

// A wrong port: the plan fails within seconds, with one error that names
// the URL and says what to check, instead of retrying for minutes.
func TestAccProvider_wrongPortFailsFast(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	r := initCLI(t, manyLoopsConfig(s, 5))
	r.mustRun("apply", "-auto-approve", "-no-color")

	wrong := "http://127.0.0.1:1/v1"
	cfg := strings.Replace(manyLoopsConfig(s, 5), s.URL, wrong, 1)
	if err := os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out := r.mustFail("plan", "-no-color")
	t.Logf("the plan failed after %s", time.Since(start).Round(100*time.Millisecond))
	for _, want := range []string{"cannot reach the HITL API at " + wrong, "connection refused", "tried 3 times", "Check `base_url`", "HITL_BASE_URL"} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan's output does not contain %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "Error: "); n != 1 {
		t.Errorf("the plan printed %d errors, want 1:\n%s", n, out)
	}
	if err := os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(manyLoopsConfig(s, 5)), 0o600); err != nil {
		t.Fatal(err)
	}
	r.mustRun("destroy", "-auto-approve", "-no-color")
}

// A loop create refused by a spent budget counts the loops this provider
// process created or adopted before it, and only those: review requests
// are not loops.
func TestLoopCreateDiagnostic_countsClaimedLoops(t *testing.T) {
	err := &hitl.RateLimitError{APIError: &hitl.APIError{StatusCode: 429, Method: "POST"}, Limit: 20,
		Reset: time.Now().Add(time.Hour), At: time.Now()}
	d := &providerData{}
	d.requestClaims.claim("request-1")
	for _, want := range []struct {
		claim  string
		detail string
	}{
		{"", "The loops that this apply created before the limit are saved in state"},
		{"loop-1", "The loop that this apply created before the limit is saved in state"},
		{"loop-2", "The 2 loops that this apply created before the limit are saved in state"},
		{"loop-2", "The 2 loops that this apply created before the limit are saved in state"},
	} {
		if want.claim != "" {
			d.loopClaims.claim(want.claim)
		}
		if got := d.loopCreateDiagnostic(err).Detail(); !strings.Contains(got, want.detail) {
			t.Errorf("after claiming %q, the detail is:\n%s\nwant it to contain %q", want.claim, got, want.detail)
		}
	}
}
