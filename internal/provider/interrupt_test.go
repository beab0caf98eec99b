package provider

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// interruptLatency and interruptAnswerDelay slow every write down: it is
// performed interruptLatency after it arrives and answered
// interruptAnswerDelay after that, so an interrupt can fall before a write
// is performed and between performing and answering it.
const (
	interruptLatency     = 300 * time.Millisecond
	interruptAnswerDelay = 300 * time.Millisecond
)

// interruptConfig declares one loop per key, named after it.
func interruptConfig(s *testServer, n int, description string) string {
	return s.providerBlock() + fmt.Sprintf(`
resource "hitl_loop" "r" {
  for_each    = toset([for i in range(%d) : format("r-%%02d", i)])
  name        = each.key
  description = %q
  icon        = "eye"
}
`, n, description)
}

// runInterrupted runs the CLI with args and sends it one SIGINT, as a
// first Ctrl-C or a CI job's cancellation does, delay after the first
// line of its output that contains marker. It returns the output;
// whether the command then fails is up to the CLI.
func (r *cliRun) runInterrupted(marker string, delay time.Duration, args ...string) string {
	r.t.Helper()
	cmd := r.command(args...)
	pipe, w := io.Pipe()
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() {
		waited <- cmd.Wait()
		_ = w.Close()
	}()
	var out strings.Builder
	lines := bufio.NewScanner(pipe)
	signalled := false
	for lines.Scan() {
		out.WriteString(lines.Text() + "\n")
		if !signalled && strings.Contains(lines.Text(), marker) {
			signalled = true
			time.AfterFunc(delay, func() { _ = cmd.Process.Signal(os.Interrupt) })
		}
	}
	// The exit status is up to the CLI: an interrupted apply fails, one
	// that had nothing left to do succeeds.
	if err := <-waited; err != nil {
		r.t.Logf("%s %s: %v", testCLI.Name(), strings.Join(args, " "), err)
	}
	if !signalled {
		r.t.Fatalf("%q never appeared in the output, so no interrupt was sent:\n%s", marker, out.String())
	}
	return out.String()
}

// loopNamesOnServer returns how many loops of each name the server holds.
func loopNamesOnServer(s *testServer) map[string]int {
	names := map[string]int{}
	for _, l := range s.Loops() {
		names[l.Name]++
	}
	return names
}

// expectAgreement fails the test unless the loops in state are exactly
// the loops on the server, once each, with the server's name and
// description.
func expectAgreement(t *testing.T, s *testServer, state *tfjson.State, when, output string) {
	t.Helper()
	if err := stateMatchesServer(s, state); err != nil {
		t.Fatalf("%s: %v\n%s", when, err, output)
	}
	for name, n := range loopNamesOnServer(s) {
		if n > 1 {
			t.Fatalf("%s: the server holds %d loops named %s\n%s", when, n, name, output)
		}
	}
	onServer := map[string]emulator.Loop{}
	for _, l := range s.Loops() {
		onServer[l.ID] = l
	}
	for _, r := range stateResources(state) {
		id, _ := r.AttributeValues["id"].(string)
		l := onServer[id]
		if r.AttributeValues["name"] != l.Name || r.AttributeValues["description"] != l.Description {
			t.Fatalf("%s: %s in state is %q (%q), on the server %q (%q)\n%s", when, r.Address,
				r.AttributeValues["name"], r.AttributeValues["description"], l.Name, l.Description, output)
		}
	}
}

// stateResources returns the resources in state, none when it is empty.
func stateResources(state *tfjson.State) []*tfjson.StateResource {
	if state.Values == nil || state.Values.RootModule == nil {
		return nil
	}
	return state.Values.RootModule.Resources
}

// An apply of 30 loops interrupted once, at several moments after the
// first create began: every create that was sent is seen through, so
// every loop on the server is in state, none twice, the next apply
// creates exactly the rest, and destroy leaves nothing.
func TestAccLoopResource_interruptedCreate(t *testing.T) {
	t.Parallel()
	for _, delay := range []time.Duration{100 * time.Millisecond, 400 * time.Millisecond, time.Second} {
		t.Run(delay.String(), func(t *testing.T) {
			t.Parallel()
			const n = 30
			s := newTestServer(t, emulator.Config{Latency: interruptLatency})
			s.SetAnswerDelay(interruptAnswerDelay)
			cli := initCLI(t, interruptConfig(s, n, "Queue"))

			out := cli.runInterrupted("Creating...", delay, "apply", "-auto-approve", "-no-color", "-input=false")
			state := cli.state()
			expectAgreement(t, s, state, "after the interrupted apply", out)
			// The answers were awaited, not recovered by a lookup: only
			// they carry the join details.
			for _, r := range stateResources(state) {
				if r.AttributeValues["join_url"] == nil {
					t.Fatalf("%s has no join_url: its create's answer was not awaited\n%s", r.Address, out)
				}
			}
			made := len(s.Loops())
			if made == n {
				t.Fatalf("the interrupt came too late to stop the apply: all %d loops exist\n%s", n, out)
			}
			t.Logf("interrupted %s after the first create: %d of %d loops created", delay, made, n)

			s.SetLatency(0)
			s.SetAnswerDelay(0)
			out = cli.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
			if want := fmt.Sprintf("%d added, 0 changed, 0 destroyed", n-made); !strings.Contains(out, want) {
				t.Fatalf("the apply after the interrupt did not report %q:\n%s", want, out)
			}
			expectAgreement(t, s, cli.state(), "after the second apply", out)
			if got := len(s.Loops()); got != n {
				t.Fatalf("%d loops on the server after the second apply, want %d", got, n)
			}

			out = cli.mustRun("destroy", "-auto-approve", "-no-color", "-input=false")
			if loops := s.Loops(); len(loops) != 0 {
				t.Fatalf("destroy left %d loops on the server\n%s", len(loops), out)
			}
		})
	}
}

// Updates and deletes interrupted midway: those sent are seen through and
// recorded, the others are not started, so state and server agree, the
// next apply finishes the change, and destroy leaves nothing. With
// -parallelism=2, the interrupt falls while the first two writes are in
// flight and before the others are sent.
func TestAccLoopResource_interruptedUpdateAndDelete(t *testing.T) {
	t.Parallel()
	const n = 6
	s := newTestServer(t, emulator.Config{})
	cli := initCLI(t, interruptConfig(s, n, "Queue"))
	cli.mustRun("apply", "-auto-approve", "-no-color", "-input=false")

	// Update.
	s.SetLatency(interruptLatency)
	s.SetAnswerDelay(interruptAnswerDelay)
	if err := os.WriteFile(cli.dir+"/main.tf", []byte(interruptConfig(s, n, "Renamed queue")), 0o600); err != nil {
		t.Fatal(err)
	}
	out := cli.runInterrupted("Modifying...", 400*time.Millisecond, "apply", "-auto-approve", "-no-color", "-input=false", "-parallelism=2")
	expectAgreement(t, s, cli.state(), "after the interrupted update", out)
	changed := 0
	for _, l := range s.Loops() {
		if l.Description == "Renamed queue" {
			changed++
		}
	}
	// On a loaded machine the interrupt may come before any update was
	// sent, which proves less but is no failure.
	if changed == n {
		t.Fatalf("all %d loops were updated: the interrupt came too late\n%s", n, out)
	}
	t.Logf("%d of %d loops updated before the interrupt", changed, n)
	s.SetLatency(0)
	s.SetAnswerDelay(0)
	out = cli.mustRun("apply", "-auto-approve", "-no-color", "-input=false")
	if want := fmt.Sprintf("0 added, %d changed, 0 destroyed", n-changed); !strings.Contains(out, want) {
		t.Fatalf("the apply after the interrupt did not report %q:\n%s", want, out)
	}

	// Delete.
	s.SetLatency(interruptLatency)
	s.SetAnswerDelay(interruptAnswerDelay)
	out = cli.runInterrupted("Destroying...", 400*time.Millisecond, "destroy", "-auto-approve", "-no-color", "-input=false", "-parallelism=2")
	expectAgreement(t, s, cli.state(), "after the interrupted destroy", out)
	left := len(s.Loops())
	if left == 0 {
		t.Fatalf("all %d loops were deleted: the interrupt came too late\n%s", n, out)
	}
	t.Logf("%d of %d loops deleted before the interrupt", n-left, n)
	s.SetLatency(0)
	s.SetAnswerDelay(0)
	out = cli.mustRun("destroy", "-auto-approve", "-no-color", "-input=false")
	if loops := s.Loops(); len(loops) != 0 {
		t.Fatalf("destroy left %d loops on the server\n%s", len(loops), out)
	}

	// Unrelated, but this working directory is at hand: an import of
	// something that is not a loop id says what an id looks like, before
	// any call to the API.
	s.ResetCalls()
	out = cli.mustFail("import", "-no-color", "-input=false", `hitl_loop.r["r-00"]`, "not-an-id")
	if !strings.Contains(out, "24 hexadecimal characters") {
		t.Fatalf("the import of a malformed id does not say what an id looks like:\n%s", out)
	}
	if calls := s.Calls(); len(calls) != 0 {
		t.Fatalf("the import of a malformed id called the API: %v", calls)
	}
}
