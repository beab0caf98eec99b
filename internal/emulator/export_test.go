package emulator

import "time"

// SetClock replaces the emulator's clock. Call it before the emulator
// serves its first request.
func SetClock(e *Emulator, now func() time.Time) { e.now = now }
