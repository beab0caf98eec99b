package emulator_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func TestControlReviewerActions(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop.ID
	a := f.createRequest(loop, validRequest())
	b := f.createRequest(loop, validRequest())
	f.emu.ResetCalls()

	base := "/v1/_emulator/requests/"
	res := f.do(http.MethodPost, base+a+"/claim", nil)
	res.expect(t, http.StatusOK, "Request claimed")
	var d struct {
		Request requestBody `json:"request"`
	}
	res.data(t, &d)
	if d.Request.ID != a || d.Request.Status != "claimed" {
		t.Fatalf("after claim %+v", d.Request)
	}
	f.do(http.MethodPost, base+a+"/claim", nil).expect(t, http.StatusConflict, "Request is not pending")

	res = f.do(http.MethodPost, base+a+"/respond", map[string]any{"response_data": map[string]any{"selected_value": "approve"}})
	res.expect(t, http.StatusOK, "Request answered")
	res.data(t, &d)
	if d.Request.Status != "completed" || compact(t, d.Request.ResponseData) != `{"selected_value":"approve"}` {
		t.Fatalf("after respond %+v", d.Request)
	}
	f.do(http.MethodPost, base+a+"/respond", map[string]any{"response_data": "again"}).expect(t, http.StatusConflict, "Request is not pending")
	f.do(http.MethodPost, base+b+"/respond", map[string]any{}).expect(t, http.StatusBadRequest, "Validation failed")
	f.do(http.MethodPost, base+b+"/respond", "[]").expect(t, http.StatusBadRequest, "Invalid request body")

	res = f.do(http.MethodPost, base+b+"/expire", nil)
	res.expect(t, http.StatusOK, "Request expired")
	res.data(t, &d)
	if d.Request.Status != "timeout" || compact(t, d.Request.ResponseData) != `"reject"` {
		t.Fatalf("after expire %+v", d.Request)
	}

	f.do(http.MethodPost, base+"000000000000000000000000/claim", nil).expect(t, http.StatusNotFound, "Request not found")
	f.do(http.MethodGet, base+a+"/claim", nil).expect(t, http.StatusMethodNotAllowed, "Method not allowed")
	f.do(http.MethodPost, base+a+"/dance", nil).expect(t, http.StatusNotFound, "Not found")
	f.do(http.MethodPost, "/v1/_emulator/nothing", nil).expect(t, http.StatusNotFound, "Not found")

	if n := f.emu.TotalCalls(); n != 0 {
		t.Fatalf("control endpoints counted as %d API calls: %v", n, f.emu.Calls())
	}
}

func TestControlNeedsAKey(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	f.doAuth("", http.MethodGet, "/v1/_emulator/calls", nil).expect(t, http.StatusUnauthorized, "API key required")
	f.doAuth("Bearer wrong", http.MethodPost, "/v1/_emulator/calls/reset", nil).expect(t, http.StatusUnauthorized, "Invalid API key")
	other := f.emu.AddUser("o@example.com")
	f.doKey(other, http.MethodGet, "/v1/_emulator/calls", nil).expect(t, http.StatusOK, "Calls retrieved")
}

func TestControlCalls(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	f.do(http.MethodGet, "/v1/test", nil)
	f.do(http.MethodGet, "/v1/api/loops", nil)
	f.do(http.MethodGet, "/v1/loops", nil)

	type calls struct {
		Calls map[string]int `json:"calls"`
		Total int            `json:"total"`
	}
	var c calls
	f.do(http.MethodGet, "/v1/_emulator/calls", nil).data(t, &c)
	if c.Total != 3 || c.Calls["GET /api/loops"] != 2 || c.Calls["GET /test"] != 1 || len(c.Calls) != 2 {
		t.Fatalf("calls %+v", c)
	}
	f.do(http.MethodPost, "/v1/_emulator/calls/reset", nil).expect(t, http.StatusOK, "Calls reset")
	c = calls{}
	f.do(http.MethodGet, "/v1/_emulator/calls", nil).data(t, &c)
	if c.Total != 0 || len(c.Calls) != 0 || f.emu.TotalCalls() != 0 {
		t.Fatalf("after reset %+v", c)
	}
	f.do(http.MethodPost, "/v1/_emulator/calls", nil).expect(t, http.StatusMethodNotAllowed, "Method not allowed")
}

func TestControlAddMember(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop.ID
	base := "/v1/_emulator/loops/" + loop + "/members"

	res := f.do(http.MethodPost, base, map[string]any{"email": "rev@example.com"})
	res.expect(t, http.StatusOK, "Member added")
	var d struct {
		UserID string `json:"user_id"`
	}
	res.data(t, &d)
	f.do(http.MethodPost, base, map[string]any{"email": "p@example.com", "status": "pending"}).expect(t, http.StatusOK, "Member added")
	l, _ := f.emu.Loop(loop)
	if len(l.Members) != 3 || l.Members[1].UserID != d.UserID || l.Members[1].Status != "active" || l.Members[2].Status != "pending" {
		t.Fatalf("members %+v", l.Members)
	}
	f.do(http.MethodPost, base, map[string]any{"email": "x@example.com", "status": "gone"}).expect(t, http.StatusBadRequest, "Validation failed")
	f.do(http.MethodPost, base, map[string]any{}).expect(t, http.StatusBadRequest, "Validation failed")
	f.do(http.MethodPost, "/v1/_emulator/loops/000000000000000000000000/members", map[string]any{"email": "x@example.com"}).
		expect(t, http.StatusNotFound, "Loop not found")

	// Roles and last activity change; a member leaves.
	f.do(http.MethodPost, base, map[string]any{"email": "rev@example.com", "role": "admin", "last_active": "2026-01-02T03:04:05Z"}).
		expect(t, http.StatusOK, "Member added")
	f.do(http.MethodPost, base, map[string]any{"email": "rev@example.com", "role": "owner"}).expect(t, http.StatusBadRequest, "Validation failed")
	f.do(http.MethodPost, base, map[string]any{"email": "rev@example.com", "last_active": "yesterday"}).expect(t, http.StatusBadRequest, "Validation failed")
	l, _ = f.emu.Loop(loop)
	if m := l.Members[1]; m.Role != "admin" || m.LastActive == nil || m.LastActive.Format(time.RFC3339) != "2026-01-02T03:04:05Z" {
		t.Fatalf("changed member %+v", m)
	}
	if m := l.Members[2]; m.Role != "member" || m.LastActive != nil {
		t.Fatalf("unchanged member %+v", m)
	}
	f.do(http.MethodPost, base, map[string]any{"email": "rev@example.com", "last_active": ""}).expect(t, http.StatusOK, "Member added")
	f.do(http.MethodDelete, base+"/P@example.com", nil).expect(t, http.StatusOK, "Member left")
	f.do(http.MethodDelete, base+"/p@example.com", nil).expect(t, http.StatusNotFound, "Member not found")
	l, _ = f.emu.Loop(loop)
	if len(l.Members) != 2 || l.Members[1].LastActive != nil {
		t.Fatalf("members after leaving %+v", l.Members)
	}
}
