package emulator_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// lineWriter hands every line written to it to a channel. log.Logger
// writes each line with one call.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

// next returns the next n lines. A request is logged when its handler
// returns, which a client can see only after its answer (or a dropped
// connection), so the test waits for the lines rather than reading them
// at once.
func (w lineWriter) next(t *testing.T, n int) []string {
	t.Helper()
	out := make([]string, 0, n)
	timeout := time.After(30 * time.Second)
	for len(out) < n {
		select {
		case l := <-w:
			out = append(out, l)
		case <-timeout:
			t.Fatalf("%d log lines, want %d: %q", len(out), n, out)
		}
	}
	return out
}

var logLine = regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} ([A-Z]+) (\S+) (\d{3}|dropped|canceled) (\d+(\.\d+)?(µs|ms|s)|0s)\n$`)

func TestLogOneLinePerRequest(t *testing.T) {
	lines := make(lineWriter, 100)
	const secret = "hitl_0123456789abcdef0123456789abcdef01234567"
	f := newFixture(t, emulator.Config{APIKey: secret, Log: lines})

	type want struct{ method, path, outcome string }
	var wants []want
	expect := func(method, path, outcome string) { wants = append(wants, want{method, path, outcome}) }

	c := f.createLoop("Body text that must not be logged")
	expect("POST", "/v1/api/loops", "201")
	f.do(http.MethodGet, "/v1/api/loops/"+c.Loop.ID+"?secret=query", nil).expect(t, http.StatusOK, "Loop retrieved successfully")
	expect("GET", "/v1/api/loops/"+c.Loop.ID, "200")
	f.doAuth("Bearer "+secret+"x", http.MethodGet, "/v1/test", nil).expect(t, http.StatusUnauthorized, "Invalid API key")
	expect("GET", "/v1/test", "401")
	f.doAuth(secret, http.MethodGet, "/v1/test", nil).expect(t, http.StatusUnauthorized, "Invalid API key format")
	expect("GET", "/v1/test", "401")
	f.do(http.MethodGet, "/v1/no/such/route", nil).expect(t, http.StatusNotFound, "Not found")
	expect("GET", "/v1/no/such/route", "404")
	// A path cannot forge a second line.
	f.do(http.MethodGet, "/v1/api/loops/a%0Ab", nil).expect(t, http.StatusNotFound, "Loop not found")
	expect("GET", "/v1/api/loops/a%0Ab", "404")
	f.emu.SetFaults(emulator.Faults{DropAfterWriteRate: 1})
	// A POST, which the client never repeats on its own.
	if _, err := f.send("Bearer "+secret, http.MethodPost, "/v1/loops", map[string]any{"name": "n", "icon": "x"}); err == nil {
		t.Fatal("a dropped write was answered")
	}
	expect("POST", "/v1/loops", "dropped")

	got := lines.next(t, len(wants))
	for _, l := range got {
		if strings.Contains(l, secret) || strings.Contains(l, "must not") || strings.Contains(l, "query") {
			t.Errorf("log line %q holds the key, a body or a query string", l)
		}
		m := logLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("log line %q is not <date> <time> <method> <path> <status> <duration>", l)
			continue
		}
		i := slices.Index(wants, want{m[1], m[2], m[3]})
		if i < 0 {
			t.Errorf("unexpected log line %q; still expected %v", l, wants)
			continue
		}
		wants = slices.Delete(wants, i, i+1)
	}
	if len(wants) > 0 {
		t.Errorf("no log line for %v", wants)
	}
	select {
	case l := <-lines:
		t.Errorf("extra log line %q", l)
	default:
	}
}
