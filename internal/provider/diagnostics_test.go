package provider

import (
	"testing"
	"time"
)

func TestShortDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		time.Hour:                    "1h",
		90 * time.Minute:             "1h30m",
		35 * time.Minute:             "35m",
		90 * time.Second:             "1m30s",
		45 * time.Second:             "45s",
		time.Hour + 5*time.Second:    "1h0m5s",
		1500 * time.Millisecond:      "1.5s",
		2*time.Hour + 10*time.Minute: "2h10m",
	} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
