package provider

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// fastRetryProvider is a provider whose client waits between 5 ms and
// 100 ms between retries instead of 500 ms to 30 s, so that tests with many
// injected faults stay short. The API's Retry-After is honoured all the
// same.
func fastRetryProvider() provider.Provider {
	return &HITLProvider{version: "test", clientOptions: []hitl.Option{hitl.WithRetryWait(5*time.Millisecond, 100*time.Millisecond)}}
}

// With a fifth of all calls failing with a server error and a fifth rate
// limited, and no max_retries, 20 loops are applied, planned without
// changes and destroyed, ten times with fixed seeds (so that a failure
// reproduces): retries last until the operation's deadline, not a fixed
// count, and creates are never repeated blindly.
//
// Each run is what a pipeline does: terraform apply, plan and destroy,
// run through the CLI directly. (terraform-plugin-testing would add six
// plans and shows to each run, which cost more than the runs themselves.)
// Most of a run is spent waiting out the emulator's one-second
// Retry-After, so the ten runs go concurrently within this one parallel
// test: their waits overlap instead of each holding one of the -parallel
// slots that the other tests need.
func TestAccLoopResource_faultStreaks(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var worst time.Duration
	var worstSeed int64
	t.Cleanup(func() {
		if worstSeed != 0 {
			t.Logf("slowest run: seed %d, %s", worstSeed, worst.Round(time.Millisecond))
		}
	})
	var wg sync.WaitGroup
	defer wg.Wait()
	for seed := int64(1); seed <= 10; seed++ {
		wg.Add(1)
		go t.Run(fmt.Sprintf("seed_%d", seed), func(t *testing.T) {
			defer wg.Done()
			s := newTestServer(t, emulator.Config{Seed: seed, Faults: emulator.Faults{
				ServerErrorRate: 0.2, RateLimitRate: 0.2, RetryAfter: time.Second,
			}})
			cli := initCLIWith(t, manyLoopsConfig(s, 20), fastRetryProvider())
			start := time.Now()

			cli.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
			if n := len(s.Loops()); n != 20 {
				t.Fatalf("after apply the server holds %d loops, want 20", n)
			}
			if err := stateMatchesServer(s, cli.state()); err != nil {
				t.Fatalf("after apply: %v", err)
			}

			// Refresh and plan: nothing to do.
			if out, code := cli.run("plan", "-detailed-exitcode", "-no-color", "-input=false"); code != 0 {
				t.Fatalf("plan exited with %d, want 0 (no changes):\n%s", code, out)
			}

			cli.mustRun("destroy", "-auto-approve", "-no-color", "-input=false")
			if loops := s.Loops(); len(loops) != 0 {
				t.Fatalf("destroy left %d loops on the server, first %s", len(loops), loops[0].ID)
			}
			if err := stateMatchesServer(s, cli.state()); err != nil {
				t.Fatalf("after destroy: %v", err)
			}

			took := time.Since(start)
			t.Logf("seed %d: apply, plan and destroy took %s and %d API calls", seed, took.Round(time.Millisecond), s.TotalCalls())
			mu.Lock()
			if took > worst {
				worst, worstSeed = took, seed
			}
			mu.Unlock()
			// The faults really were injected, into writes too.
			calls := s.Calls()
			if calls["POST /api/loops"] <= 20 || calls["DELETE /api/loops/{id}"] <= 20 {
				t.Fatalf("calls %v: too few failed writes to exercise the retries", calls)
			}
		})
	}
}

// request_timeout below one second and a negative max_retries are refused
// at plan time, before any call to the API.
func TestAccProvider_retrySettingsValidated(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      s.providerBlock(`request_timeout = "1ms"`) + minimalLoop,
				PlanOnly:    true,
				ExpectError: errorText("Duration too short", `request_timeout must be at least 1s; got "1ms".`, "every call would fail"),
			},
			{
				Config:      s.providerBlock(`request_timeout = "999ms"`) + minimalLoop,
				PlanOnly:    true,
				ExpectError: errorText(`request_timeout must be at least 1s; got "999ms".`),
			},
			{
				Config:      s.providerBlock(`max_retries = -1`) + minimalLoop,
				PlanOnly:    true,
				ExpectError: errorText("max_retries", "at least 0"),
			},
			{
				// The smallest accepted values work.
				PreConfig: func() {
					if n := s.TotalCalls(); n != 0 {
						t.Errorf("invalid settings made %d API calls, want none: %v", n, s.Calls())
					}
				},
				Config:            s.providerBlock(`request_timeout = "1s"`, `max_retries = 0`) + minimalLoop,
				ConfigStateChecks: []statecheck.StateCheck{expectLoopCount(s, 1)},
			},
		},
	})
	if n := s.Calls()["POST /api/loops"]; n != 1 {
		t.Errorf("%d creates, want only the one of the valid configuration", n)
	}
}
