package emulator_test

import (
	"maps"
	"net/http"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func TestCallCounting(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop.ID
	req := f.createRequest(loop, validRequest())
	other := f.createLoop("Other").Loop.ID
	f.emu.ResetCalls()
	if f.emu.TotalCalls() != 0 || len(f.emu.Calls()) != 0 {
		t.Fatal("ResetCalls left counts behind")
	}

	for _, prefix := range spellings {
		f.do(http.MethodGet, prefix+"/loops", nil)
		f.do(http.MethodGet, prefix+"/loops/"+loop, nil)
		f.do(http.MethodPut, prefix+"/loops/"+loop, map[string]any{})
		f.do(http.MethodGet, prefix+"/loops/"+loop+"/members", nil)
		f.do(http.MethodDelete, prefix+"/loops/"+loop+"/members/nobody", nil)
		f.do(http.MethodGet, prefix+"/loops/"+loop+"/requests", nil)
		f.do(http.MethodGet, prefix+"/requests", nil)
		f.do(http.MethodGet, prefix+"/requests/"+req, nil)
		f.do(http.MethodPost, prefix+"/requests/"+req+"/feedback", map[string]any{})
	}
	f.do(http.MethodPost, "/v1/api/loops", map[string]any{})
	f.do(http.MethodPost, "/v1/api/loops/"+loop+"/requests", map[string]any{})
	f.do(http.MethodDelete, "/v1/api/requests/"+req, nil)
	f.do(http.MethodDelete, "/v1/loops/"+other, nil)
	f.do(http.MethodGet, "/v1/test", nil)
	f.doAuth("", http.MethodGet, "/v1/test", nil)      // unauthenticated calls count
	f.do(http.MethodPatch, "/v1/api/loops/"+loop, nil) // so do wrong methods
	f.do(http.MethodGet, "/v1/nope", nil)              // and unknown paths
	f.do(http.MethodGet, "/v1/_emulator/calls", nil)   // control endpoints do not
	f.do(http.MethodPost, "/v1/_emulator/requests/x/claim", nil)

	want := map[string]int{
		"GET /api/loops":                          2,
		"GET /api/loops/{id}":                     2,
		"PUT /api/loops/{id}":                     2,
		"GET /api/loops/{id}/members":             2,
		"DELETE /api/loops/{id}/members/{userId}": 2,
		"GET /api/loops/{id}/requests":            2,
		"GET /api/requests":                       2,
		"GET /api/requests/{id}":                  2,
		"POST /api/requests/{id}/feedback":        2,
		"POST /api/loops":                         1,
		"POST /api/loops/{id}/requests":           1,
		"DELETE /api/requests/{id}":               1,
		"DELETE /api/loops/{id}":                  1,
		"GET /test":                               2,
		"PATCH /api/loops/{id}":                   1,
		"GET /nope":                               1,
	}
	if got := f.emu.Calls(); !maps.Equal(got, want) {
		t.Fatalf("Calls() =\n%v\nwant\n%v", got, want)
	}
	total := 0
	for _, n := range want {
		total += n
	}
	if got := f.emu.TotalCalls(); got != total {
		t.Fatalf("TotalCalls() = %d, want %d", got, total)
	}

	// Calls returns a copy.
	f.emu.Calls()["GET /test"] = 100
	if f.emu.Calls()["GET /test"] != 2 {
		t.Fatal("Calls() exposes the emulator's map")
	}
}
