package approval

import (
	"testing"
	"time"
)

// pollTimes returns when the polls of a wait of length wait happen, by the
// schedule alone, plus the last look at the end.
func pollTimes(wait time.Duration) []time.Duration {
	var times []time.Duration
	var elapsed, interval time.Duration
	for {
		interval = NextPoll(elapsed, interval)
		if elapsed+interval >= wait {
			return append(times, wait) // The last look when the wait ends.
		}
		elapsed += interval
		times = append(times, elapsed)
	}
}

// A one-hour wait costs at most 70 calls, and an answer given in the first
// two minutes is seen within ten seconds.
func TestPollScheduleBudget(t *testing.T) {
	t.Parallel()
	times := pollTimes(time.Hour)
	if n := len(times); n > 70 {
		t.Errorf("a one-hour wait makes %d calls, want at most 70", n)
	} else {
		t.Logf("a one-hour wait makes %d calls", n)
	}
	for answer := time.Duration(0); answer <= 2*time.Minute; answer += 100 * time.Millisecond {
		var seen time.Duration
		for _, p := range times {
			if p >= answer {
				seen = p
				break
			}
		}
		if seen-answer > 10*time.Second {
			t.Fatalf("an answer at %s is seen at %s, %s later; want within 10s", answer, seen, seen-answer)
		}
	}
	if times[0] > time.Second {
		t.Errorf("first poll at %s; an approval often comes within seconds", times[0])
	}
	// A half-hour wait stays frugal too.
	if n := len(pollTimes(30 * time.Minute)); n > 45 {
		t.Errorf("a 30-minute wait makes %d calls, want at most 45", n)
	}
}

// When the budget runs low, polling slows down instead of failing: with
// nothing left it waits for the reset, and below the threshold it spends at
// most half of what is left before the reset.
func TestSlowForBudget(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	reset := now.Add(30 * time.Minute)
	tests := []struct {
		name      string
		interval  time.Duration
		remaining int
		reset     time.Time
		want      time.Duration
	}{
		{"plenty left", 10 * time.Second, 80, reset, 10 * time.Second},
		{"at the threshold", 10 * time.Second, budgetLow, reset, 10 * time.Second},
		{"low", 10 * time.Second, 10, reset, 6 * time.Minute},
		{"one left", 10 * time.Second, 1, reset, 30 * time.Minute},
		{"none left", 10 * time.Second, 0, reset, 30*time.Minute + budgetResetSlack},
		{"none left, reset passed", 10 * time.Second, 0, now.Add(-time.Second), 10 * time.Second},
		{"low, but the schedule is slower", time.Hour, 10, reset, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SlowForBudget(tt.interval, tt.remaining, tt.reset, now); got != tt.want {
				t.Errorf("SlowForBudget(%s, %d) = %s, want %s", tt.interval, tt.remaining, got, tt.want)
			}
		})
	}
	// The engine applies it only when the budget is known.
	e := &Engine{Budget: func() (int, time.Time, bool) { return 0, reset, false }}
	if got := e.nextPoll(time.Minute, 10*time.Second, now); got != 10*time.Second {
		t.Errorf("with an unknown budget, next poll in %s", got)
	}
	e.Budget = func() (int, time.Time, bool) { return 0, reset, true }
	if got := e.nextPoll(time.Minute, 10*time.Second, now); got != 30*time.Minute+budgetResetSlack {
		t.Errorf("with no budget left, next poll in %s", got)
	}
}
