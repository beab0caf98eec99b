package emulator_test

import (
	"slices"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// ids returns the loop id, creator id and invite code of three loops
// created on a fresh emulator.
func ids(t *testing.T, cfg emulator.Config) (*emulator.Emulator, []string) {
	t.Helper()
	f := newFixture(t, cfg)
	var out []string
	for _, name := range []string{"a", "b", "c"} {
		c := f.createLoop(name)
		out = append(out, c.Loop.ID, c.Loop.CreatorID, c.InviteCode)
	}
	return f.emu, out
}

// Without a seed, no two emulators hand out the same id or invite code, so
// state written against one can never name a loop of another.
func TestIDsDifferBetweenEmulatorsByDefault(t *testing.T) {
	first, a := ids(t, emulator.Config{})
	second, b := ids(t, emulator.Config{})
	seen := map[string]bool{}
	for _, v := range a {
		seen[v] = true
	}
	for _, v := range b {
		if seen[v] {
			t.Fatalf("%q was handed out by two emulators without a seed:\n%q\n%q", v, a, b)
		}
	}
	if first.Seed() == 0 || first.Seed() == second.Seed() {
		t.Fatalf("seeds %d and %d", first.Seed(), second.Seed())
	}

	// The seed drawn is reported, and repeats the run.
	_, again := ids(t, emulator.Config{Seed: first.Seed()})
	if !slices.Equal(a, again) {
		t.Fatalf("Config{Seed: %d} gave %q, want the first run's %q", first.Seed(), again, a)
	}
}

func TestSeedRepeatsIDs(t *testing.T) {
	e, a := ids(t, emulator.Config{Seed: 5})
	_, b := ids(t, emulator.Config{Seed: 5})
	_, c := ids(t, emulator.Config{Seed: 6})
	if e.Seed() != 5 {
		t.Fatalf("Seed() = %d, want 5", e.Seed())
	}
	if !slices.Equal(a, b) {
		t.Fatalf("the same seed gave different ids: %q and %q", a, b)
	}
	if slices.Equal(a, c) {
		t.Fatal("different seeds gave the same ids")
	}
}
