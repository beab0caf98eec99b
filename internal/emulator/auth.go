package emulator

import (
	"net/http"
	"strings"
	"time"
)

// authenticate checks the bearer key and writes the 401 itself when it
// fails. When count is set the call is charged to the key's budget (see
// budget.go): the answer gets the X-RateLimit headers, and a call over an
// enforced budget is answered 429 here. Control endpoints are not charged.
//
// The key is never written anywhere: error messages are fixed strings.
func (e *Emulator) authenticate(w http.ResponseWriter, r *http.Request, count bool) (*apiKey, bool) {
	header := r.Header.Get("Authorization")
	if header == "" {
		writeError(w, http.StatusUnauthorized, "API key required", nil)
		return nil, false
	}
	scheme, token, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t\r\n") {
		writeError(w, http.StatusUnauthorized, "Invalid API key format", nil)
		return nil, false
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	key, ok := e.keys[token]
	if !ok {
		writeError(w, http.StatusUnauthorized, "Invalid API key", nil)
		return nil, false
	}
	if count {
		b := e.chargeLocked(key)
		b.setHeaders(w.Header())
		if b.exceeded {
			b.writeExceeded(w)
			return nil, false
		}
	}
	return key, true
}

// wait applies the configured latency. It reports false when the client
// went away meanwhile, in which case nothing is written.
func (e *Emulator) wait(r *http.Request) bool {
	e.faultMu.Lock()
	d := e.latency
	e.faultMu.Unlock()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (e *Emulator) countCall(key string) {
	e.callsMu.Lock()
	defer e.callsMu.Unlock()
	e.calls[key]++
}

// Calls returns how many API requests were received, keyed by method and
// spelling-independent path with ids replaced, e.g. "GET /api/loops/{id}"
// or "GET /test". Failed, unauthenticated and faulted requests count;
// control endpoints under /v1/_emulator/ do not.
func (e *Emulator) Calls() map[string]int {
	e.callsMu.Lock()
	defer e.callsMu.Unlock()
	out := make(map[string]int, len(e.calls))
	for k, v := range e.calls {
		out[k] = v
	}
	return out
}

// TotalCalls returns the number of API requests received.
func (e *Emulator) TotalCalls() int {
	e.callsMu.Lock()
	defer e.callsMu.Unlock()
	n := 0
	for _, v := range e.calls {
		n += v
	}
	return n
}

// ResetCalls sets all call counters to zero. The hourly usage reported by
// GET /test is not affected.
func (e *Emulator) ResetCalls() {
	e.callsMu.Lock()
	defer e.callsMu.Unlock()
	clear(e.calls)
}

// testKey serves GET /test.
func (e *Emulator) testKey(w http.ResponseWriter, _ *http.Request, c *call) {
	e.mu.Lock()
	// The figures of this very call, as its headers report them.
	b := e.budgetLocked(c.key)
	data := map[string]any{
		"api_key_id":     c.key.id,
		"user_id":        c.key.account.id,
		"email":          c.key.account.email,
		"account_status": "active",
		"rate_limit": map[string]any{
			"limit":     b.limit,
			"remaining": b.remaining(),
			"reset_at":  timestamp(b.reset),
		},
		"permissions": append([]string(nil), e.permissions...),
	}
	e.mu.Unlock()
	writeOK(w, http.StatusOK, "API key is valid", data)
}
