package provider

import (
	"fmt"
	"sync"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// fastRetryProviderFactories serve a provider whose client waits between
// 5 ms and 100 ms between retries instead of 500 ms to 30 s, so that tests
// with many injected faults stay short. The API's Retry-After is honoured
// all the same.
func fastRetryProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	p := &HITLProvider{version: "test", clientOptions: []hitl.Option{hitl.WithRetryWait(5*time.Millisecond, 100*time.Millisecond)}}
	return map[string]func() (tfprotov6.ProviderServer, error){
		"hitl": providerserver.NewProtocol6WithError(p),
	}
}

// With a fifth of all calls failing with a server error and a fifth rate
// limited, and no max_retries, 20 loops are applied, planned without
// changes and destroyed, ten times in a row with fixed seeds (so that a
// failure reproduces): retries last until the operation's deadline, not a
// fixed count, and creates are never repeated blindly.
//
// Most of each run is spent waiting out the emulator's one-second
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
			cfg := manyLoopsConfig(s, 20)
			var start time.Time
			// Not ParallelTest: the runs are already concurrent (above).
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: fastRetryProviderFactories(),
				CheckDestroy:             checkNoLoopsLeft(s),
				Steps: []resource.TestStep{
					{
						PreConfig: func() { start = time.Now() },
						Config:    cfg,
						ConfigStateChecks: []statecheck.StateCheck{
							expectLoopCount(s, 20),
							expectStateMatchesServer(s),
						},
					},
					{
						// Refresh and plan: nothing to do.
						Config:   cfg,
						PlanOnly: true,
					},
					{
						Config:  cfg,
						Destroy: true,
						ConfigStateChecks: []statecheck.StateCheck{
							expectLoopCount(s, 0),
							stateCheckFunc(func(*tfjson.State) error {
								took := time.Since(start)
								t.Logf("seed %d: apply, plan and destroy took %s and %d API calls", seed, took.Round(time.Millisecond), s.TotalCalls())
								mu.Lock()
								if took > worst {
									worst, worstSeed = took, seed
								}
								mu.Unlock()
								// The faults really were injected, into
								// writes too.
								calls := s.Calls()
								if calls["POST /api/loops"] <= 20 || calls["DELETE /api/loops/{id}"] <= 20 {
									return fmt.Errorf("calls %v: too few failed writes to exercise the retries", calls)
								}
								return nil
							}),
						},
					},
				},
			})
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
