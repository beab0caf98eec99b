package provider

import (
	"fmt"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// Ctrl-C while hitl_request sends its request: the create is seen through,
// so the request is in state, not left pending outside it with its
// reviewers notified; the interrupted wait cancels it; and the next apply
// asks exactly once more.
func TestAccRequestResource_interruptDuringCreate(t *testing.T) {
	t.Parallel()
	// Ctrl-C as the POST arrives, while it is on its way, and once the
	// create was answered and the wait has begun.
	for _, after := range []time.Duration{0, 400 * time.Millisecond, 1500 * time.Millisecond} {
		t.Run(fmt.Sprintf("%s after the POST", after), func(t *testing.T) {
			t.Parallel()
			interruptRequestCreate(t, after)
		})
	}
}

// interruptRequestCreate presses Ctrl-C the given time after the emulator
// has received the request's POST, which it answers a second later.
func interruptRequestCreate(t *testing.T, after time.Duration) {
	s := newTestServer(t, emulator.Config{})
	loopID := s.createLoop(t)
	r := initCLI(t, gateConfig(s, loopID, `
  wait_for_response = true
  approve_values    = ["approve"]`, deployConfig))
	// Every answer takes a while, so that the interrupt falls during the
	// create's POST.
	s.SetLatency(time.Second)

	// The user presses Ctrl-C while the create's POST is on its way: the
	// emulator has received it and answers a second later. (Terraform does
	// not stop a provider operation that begins after the interrupt, so the
	// signal must not come sooner.)
	posted := func() {
		for sent := time.Now(); s.Calls()["POST /api/loops/{id}/requests"] == 0 && time.Since(sent) < time.Minute; {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(after)
	}
	out, failed := r.interruptAt(gateAddr+": Creating...", posted, "apply", "-auto-approve", "-no-color")
	if !failed {
		t.Fatalf("the interrupted apply succeeded; output:\n%s", out)
	}
	if len(s.Requests()) != 1 {
		t.Fatalf("the server holds %d requests after the interrupt, want 1; output:\n%s", len(s.Requests()), out)
	}
	// The request is in state, and cancelled on the server.
	if _, attrs, err := serverRequest(s, r.state(), gateAddr); err != nil {
		t.Fatalf("%v; output:\n%s", err, out)
	} else if attrs["status"] != "cancelled" {
		t.Errorf("the request's status in state is %v, want cancelled", attrs["status"])
	}
	if err := expectServerStatuses(s, "cancelled"); err != nil {
		t.Error(err)
	}

	// The next apply asks once, and goes ahead on an approval.
	s.SetLatency(0)
	answerAfter(s, "approve", 200*time.Millisecond)
	r.mustRun("apply", "-auto-approve", "-no-color")
	if err := expectServerRequests(s, "cancelled", "completed=approve"); err != nil {
		t.Error(err)
	}
	if _, attrs, err := serverRequest(s, r.state(), gateAddr); err != nil || attrs["response"] != "approve" {
		t.Errorf("after the second apply: %v, %v", attrs["response"], err)
	}
}

// examples/approval-gate, rolling back: v1.5.0 approved, v1.6.0 rejected,
// then release = v1.5.0 again. The request in state is the last question
// asked (v1.6.0's), so the rollback asks again, as the example's README
// says, while the deploy, still at v1.5.0, does not change.
func TestAccRequestResource_approvalGateRollbackAsksAgain(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	answerByRelease(s, map[string]string{"v1.5.0": "approve", "v1.6.0": "reject"})
	dir := exampleConfigDir(t, s, "", "approval-gate/main.tf")
	const request = "hitl_request.deploy_approval"
	approved := releaseStep(dir, "v1.5.0")
	rejected := releaseStep(dir, "v1.6.0")
	rejected.ExpectError = phrase(`Review request not approved`)
	rollback := releaseStep(dir, "v1.5.0")
	rollback.ConfigPlanChecks.PreApply = []plancheck.PlanCheck{
		expectPriorDeploy("v1.5.0"),
		plancheck.ExpectResourceAction(request, plancheck.ResourceActionCreateBeforeDestroy),
		plancheck.ExpectResourceAction("terraform_data.deploy", plancheck.ResourceActionNoop),
	}
	rollback.ConfigStateChecks = []statecheck.StateCheck{
		statecheck.ExpectKnownOutputValue("deployed_release", knownvalue.StringExact("v1.5.0")),
		stateCheckFunc(func(*tfjson.State) error {
			return expectServerRequests(s, "completed=approve", "completed=reject", "completed=approve")
		}),
	}
	resource.ParallelTest(t, resource.TestCase{
		CheckDestroy: checkNoLoopsLeft(s),
		Steps:        []resource.TestStep{approved, rejected, rollback},
	})
}
