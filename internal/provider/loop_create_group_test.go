package provider

import (
	"strings"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// Three alike loops (one count, same name, description and icon) whose
// create answers are all lost: each instance adopts one of the three
// loops made, none is adopted twice, and nothing is created again.
func TestAccLoopResource_alikeCreatesLoseTheirAnswers(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, emulator.Config{})
	cli := initCLI(t, s.providerBlock()+`
resource "hitl_loop" "twin" {
  count = 3
  name  = "Twin"
  icon  = "star"
}
`)
	s.SetFaults(emulator.Faults{DropAfterWriteRate: 1})
	out := cli.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	s.SetFaults(emulator.Faults{})
	if !strings.Contains(out, "Loop created, but the answer was lost") {
		t.Fatalf("no warning about a lost answer:\n%s", out)
	}
	state := cli.state()
	for _, r := range stateResources(state) {
		if r.AttributeValues["join_url"] != nil {
			t.Fatalf("%s has a join_url: its answer was not lost, so the test proves nothing\n%s", r.Address, out)
		}
	}
	if err := stateMatchesServer(s, state); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if n := len(s.Loops()); n != 3 {
		t.Fatalf("%d loops on the server, want 3\n%s", n, out)
	}
	cli.mustRun("destroy", "-auto-approve", "-no-color", "-input=false")
	if n := len(s.Loops()); n != 0 {
		t.Fatalf("destroy left %d loops", n)
	}
}
