package emulator_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func TestLoopLifecycleBothSpellings(t *testing.T) {
	for _, prefix := range spellings {
		t.Run(prefix, func(t *testing.T) {
			f := newFixture(t, emulator.Config{Email: "me@example.com"})

			res := f.do(http.MethodPost, prefix+"/loops", map[string]any{
				"name": "Review", "description": "line one\nline two", "icon": "shield-check", "unknown": 1,
			})
			res.expect(t, http.StatusCreated, "Loop created successfully with QR code")
			var c createdLoop
			res.data(t, &c)
			id := c.Loop.ID
			if c.Loop.Name != "Review" || c.Loop.Description != "line one\nline two" || c.Loop.Icon != "shield-check" {
				t.Fatalf("created loop %+v", c.Loop)
			}

			res = f.do(http.MethodGet, prefix+"/loops/"+id, nil)
			res.expect(t, http.StatusOK, "Loop retrieved successfully")
			var got struct {
				Loop loopBody `json:"loop"`
			}
			res.data(t, &got)
			if got.Loop.ID != id || got.Loop.Name != "Review" {
				t.Fatalf("got loop %+v", got.Loop)
			}
			if strings.Contains(string(res.raw), "invite_code") {
				t.Fatal("get returned invite data, which only create carries")
			}

			res = f.do(http.MethodGet, prefix+"/loops", nil)
			res.expect(t, http.StatusOK, "Loops retrieved successfully")
			var list struct {
				Loops []loopBody `json:"loops"`
				Count int        `json:"count"`
			}
			res.data(t, &list)
			if list.Count != 1 || len(list.Loops) != 1 || list.Loops[0].ID != id {
				t.Fatalf("list %+v", list)
			}

			res = f.do(http.MethodPut, prefix+"/loops/"+id, map[string]any{"name": "Renamed"})
			res.expect(t, http.StatusOK, "Loop updated successfully")
			res.data(t, &got)
			if got.Loop.Name != "Renamed" || got.Loop.Description != "line one\nline two" || got.Loop.Icon != "shield-check" {
				t.Fatalf("partial update changed other fields: %+v", got.Loop)
			}
			if got.Loop.CreatedAt != c.Loop.CreatedAt || got.Loop.CreatorID != c.Loop.CreatorID || len(got.Loop.Members) != 1 {
				t.Fatalf("update changed fixed fields: %+v", got.Loop)
			}

			res = f.do(http.MethodPut, prefix+"/loops/"+id, map[string]any{"description": ""})
			res.expect(t, http.StatusOK, "Loop updated successfully")
			res.data(t, &got)
			if got.Loop.Description != "" {
				t.Fatalf("empty description did not clear it: %q", got.Loop.Description)
			}

			res = f.do(http.MethodDelete, prefix+"/loops/"+id, nil)
			res.expect(t, http.StatusOK, "Loop deleted successfully")
			var del struct {
				LoopID      string         `json:"loop_id"`
				DeletedAt   string         `json:"deleted_at"`
				DeletedData map[string]int `json:"deleted_data"`
			}
			res.data(t, &del)
			if del.LoopID != id || del.DeletedData["members_removed"] != 1 {
				t.Fatalf("delete data %+v", del)
			}
			if _, err := time.Parse(time.RFC3339, del.DeletedAt); err != nil {
				t.Fatalf("deleted_at %q: %v", del.DeletedAt, err)
			}

			f.do(http.MethodGet, prefix+"/loops/"+id, nil).expect(t, http.StatusNotFound, "Loop not found")
			f.do(http.MethodDelete, prefix+"/loops/"+id, nil).expect(t, http.StatusNotFound, "Loop not found")
			f.do(http.MethodPut, prefix+"/loops/"+id, map[string]any{"name": "x"}).expect(t, http.StatusNotFound, "Loop not found")
		})
	}
}

func TestCreateLoopResponse(t *testing.T) {
	f := newFixture(t, emulator.Config{Email: "me@example.com"})
	c := f.createLoop("Review")
	other := f.createLoop("Other")

	if !isID(c.Loop.ID) || !isID(c.Loop.CreatorID) || c.Loop.ID == other.Loop.ID {
		t.Fatalf("ids %q %q %q", c.Loop.ID, c.Loop.CreatorID, other.Loop.ID)
	}
	code := regexp.MustCompile(`^[A-Z0-9]{9}$`)
	if !code.MatchString(c.InviteCode) || c.InviteCode == other.InviteCode {
		t.Fatalf("invite codes %q %q", c.InviteCode, other.InviteCode)
	}
	if want := "https://my.hitl.sh/join/" + c.InviteCode; c.JoinURL != want {
		t.Fatalf("join_url %q, want %q", c.JoinURL, want)
	}
	if want := "https://api.hitl.sh/qr/" + c.InviteCode + ".png"; c.QRCodeURL != want {
		t.Fatalf("qr_code_url %q, want %q", c.QRCodeURL, want)
	}

	created, err := time.Parse(time.RFC3339, c.Loop.CreatedAt)
	if err != nil || !strings.HasSuffix(c.Loop.CreatedAt, "Z") || c.Loop.UpdatedAt != c.Loop.CreatedAt {
		t.Fatalf("timestamps %q %q: %v", c.Loop.CreatedAt, c.Loop.UpdatedAt, err)
	}
	if d := time.Since(created); d < -time.Minute || d > time.Minute {
		t.Fatalf("created_at %v is not now", created)
	}

	if len(c.Loop.Members) != 1 || c.Loop.MemberCount != 1 || c.Loop.PendingCount != 0 {
		t.Fatalf("members %+v, counts %d/%d", c.Loop.Members, c.Loop.MemberCount, c.Loop.PendingCount)
	}
	m := c.Loop.Members[0]
	if m.UserID != c.Loop.CreatorID || m.Email != "me@example.com" || m.Status != "active" ||
		m.JoinedAt == nil || *m.JoinedAt != c.Loop.CreatedAt {
		t.Fatalf("creator member %+v", m)
	}
}

func TestPublicURL(t *testing.T) {
	f := newFixture(t, emulator.Config{PublicURL: "http://127.0.0.1:9/"})
	c := f.createLoop("Review")
	if c.JoinURL != "http://127.0.0.1:9/join/"+c.InviteCode || c.QRCodeURL != "http://127.0.0.1:9/qr/"+c.InviteCode+".png" {
		t.Fatalf("join_url %q, qr_code_url %q", c.JoinURL, c.QRCodeURL)
	}
}

func TestLoopValidation(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	existing := f.createLoop("Existing").Loop.ID
	required := func(field string) string { return `{"field":"` + field + `","issue":"Field is required"}` }
	str := func(s string) string { return `"` + s + `"` }
	nameMsg := str("name must be between 1 and 100 characters")
	descMsg := str("description must be at most 500 characters")
	iconMsg := str("icon must be at most 100 characters")

	tests := []struct {
		name   string
		method string // POST creates, PUT updates the existing loop
		body   any
		msg    string
		data   string // exact JSON of data; "" to skip
	}{
		{"missing name", "POST", map[string]any{"icon": "x"}, "Validation failed", required("name")},
		{"empty name", "POST", map[string]any{"name": "", "icon": "x"}, "Validation failed", required("name")},
		{"null name", "POST", map[string]any{"name": nil, "icon": "x"}, "Validation failed", required("name")},
		{"long name", "POST", map[string]any{"name": strings.Repeat("a", 101), "icon": "x"}, "Validation failed", nameMsg},
		{"101 multibyte name", "POST", map[string]any{"name": strings.Repeat("é", 101), "icon": "x"}, "Validation failed", nameMsg},
		{"long description", "POST", map[string]any{"name": "n", "icon": "x", "description": strings.Repeat("d", 501)}, "Validation failed", descMsg},
		{"missing icon", "POST", map[string]any{"name": "n"}, "Validation failed", required("icon")},
		{"empty icon", "POST", map[string]any{"name": "n", "icon": ""}, "Validation failed", required("icon")},
		{"long icon", "POST", map[string]any{"name": "n", "icon": strings.Repeat("i", 101)}, "Validation failed", iconMsg},
		{"name not a string", "POST", map[string]any{"name": 5, "icon": "x"}, "Invalid request body", ""},
		{"icon not a string", "POST", map[string]any{"name": "n", "icon": true}, "Invalid request body", ""},
		{"array body", "POST", `[]`, "Invalid request body", ""},
		{"null body", "POST", `null`, "Invalid request body", ""},
		{"empty body", "POST", ``, "Invalid request body", ""},
		{"broken JSON", "POST", `{"name":`, "Invalid request body", ""},
		{"trailing garbage", "POST", `{"name":"n","icon":"x"} {}`, "Invalid request body", ""},
		{"update empty name", "PUT", map[string]any{"name": ""}, "Validation failed", nameMsg},
		{"update long name", "PUT", map[string]any{"name": strings.Repeat("é", 101)}, "Validation failed", nameMsg},
		{"update long description", "PUT", map[string]any{"description": strings.Repeat("é", 501)}, "Validation failed", descMsg},
		{"update empty icon", "PUT", map[string]any{"icon": ""}, "Validation failed", required("icon")},
		{"update long icon", "PUT", map[string]any{"icon": strings.Repeat("i", 101)}, "Validation failed", iconMsg},
		{"update wrong type", "PUT", map[string]any{"description": []string{}}, "Invalid request body", ""},
		{"update not an object", "PUT", `"name"`, "Invalid request body", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := "/v1/api/loops"
			if tc.method == "PUT" {
				path += "/" + existing
			}
			res := f.do(tc.method, path, tc.body)
			res.expect(t, http.StatusBadRequest, tc.msg)
			if tc.data != "" && string(res.env.Data) != tc.data {
				t.Fatalf("data %s, want %s", res.env.Data, tc.data)
			}
		})
	}
	if n := len(f.emu.Loops()); n != 1 {
		t.Fatalf("invalid creates stored loops: %d loops", n)
	}
	if l, _ := f.emu.Loop(existing); l.Name != "Existing" || l.Icon != "shield-check" || l.Description != "d" {
		t.Fatalf("invalid updates changed the loop: %+v", l)
	}
}

// Limits count characters, not bytes: 100 "é" are 200 bytes and valid.
func TestLoopLimitsCountCharacters(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	name := strings.Repeat("é", 100)
	desc := strings.Repeat("ü", 500)
	icon := strings.Repeat("🛡", 100)
	res := f.do(http.MethodPost, "/v1/api/loops", map[string]any{"name": name, "description": desc, "icon": icon})
	res.expect(t, http.StatusCreated, "Loop created successfully with QR code")
	var c createdLoop
	res.data(t, &c)
	if c.Loop.Name != name || c.Loop.Description != desc || c.Loop.Icon != icon {
		t.Fatal("multi-byte values were not stored as sent")
	}
	f.do(http.MethodPut, "/v1/api/loops/"+c.Loop.ID, map[string]any{"name": strings.Repeat("ñ", 100)}).
		expect(t, http.StatusOK, "Loop updated successfully")
	// Any icon identifier is accepted, not only the documented ones.
	f.do(http.MethodPut, "/v1/api/loops/"+c.Loop.ID, map[string]any{"icon": "🚀"}).
		expect(t, http.StatusOK, "Loop updated successfully")
}

// Every update moves updated_at strictly forward, even within one second.
func TestUpdatedAtAdvances(t *testing.T) {
	f, clock := newClockFixture(t, emulator.Config{})
	c := f.createLoop("Review")
	prev := c.Loop.UpdatedAt
	for i := range 3 {
		var got struct {
			Loop loopBody `json:"loop"`
		}
		f.do(http.MethodPut, "/v1/api/loops/"+c.Loop.ID, map[string]any{"icon": "eye"}).data(t, &got)
		if got.Loop.UpdatedAt <= prev {
			t.Fatalf("update %d: updated_at %q did not advance past %q", i, got.Loop.UpdatedAt, prev)
		}
		if got.Loop.CreatedAt != c.Loop.CreatedAt {
			t.Fatalf("created_at changed to %q", got.Loop.CreatedAt)
		}
		prev = got.Loop.UpdatedAt
	}
	// Once the clock passes the bumped value, updated_at follows the clock.
	clock.Advance(time.Hour)
	var got struct {
		Loop loopBody `json:"loop"`
	}
	f.do(http.MethodPut, "/v1/api/loops/"+c.Loop.ID, map[string]any{}).data(t, &got)
	if want := "2024-03-15T11:30:00Z"; got.Loop.UpdatedAt != want {
		t.Fatalf("updated_at %q, want %q", got.Loop.UpdatedAt, want)
	}
}

func TestListOrderAndIsolation(t *testing.T) {
	f, clock := newClockFixture(t, emulator.Config{})
	other := f.emu.AddUser("other@example.com")
	var mine []string
	for _, name := range []string{"a", "b", "c"} {
		mine = append(mine, f.createLoop(name).Loop.ID)
		f.createLoopKey(other, "theirs-"+name)
		clock.Advance(time.Second)
	}
	// Two loops within the same second are ordered by id.
	x, y := f.createLoop("x").Loop.ID, f.createLoop("y").Loop.ID
	mine = append(mine, min(x, y), max(x, y))

	var list struct {
		Loops []loopBody `json:"loops"`
		Count int        `json:"count"`
	}
	f.do(http.MethodGet, "/v1/loops", nil).data(t, &list)
	var got []string
	for _, l := range list.Loops {
		got = append(got, l.ID)
	}
	if strings.Join(got, ",") != strings.Join(mine, ",") || list.Count != len(mine) {
		t.Fatalf("owner's list %v (count %d), want %v", got, list.Count, mine)
	}

	f.doKey(other, http.MethodGet, "/v1/api/loops", nil).data(t, &list)
	if list.Count != 3 {
		t.Fatalf("other account sees %d loops, want 3", list.Count)
	}
	for _, l := range list.Loops {
		if !strings.HasPrefix(l.Name, "theirs-") {
			t.Fatalf("other account sees %q", l.Name)
		}
	}
	if n := len(f.emu.Loops()); n != 8 {
		t.Fatalf("Loops() has %d loops, want all 8", n)
	}
}

func TestLoopPermissions(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	otherKey := f.emu.AddUser("other@example.com")
	theirs := f.createLoopKey(otherKey, "Theirs").Loop.ID

	for _, prefix := range spellings {
		base := prefix + "/loops/" + theirs
		f.do(http.MethodGet, base, nil).expect(t, http.StatusForbidden, "Access denied to this loop")
		f.do(http.MethodPut, base, map[string]any{"name": "mine"}).expect(t, http.StatusForbidden, "Only loop creators can update this loop")
		f.do(http.MethodDelete, base, nil).expect(t, http.StatusForbidden, "Only loop creators can delete this loop")
		f.do(http.MethodGet, base+"/members", nil).expect(t, http.StatusForbidden, "Access denied to this loop")
		f.do(http.MethodPost, base+"/requests", validRequest()).expect(t, http.StatusForbidden, "Only loop creators can create requests")
	}
	if l, ok := f.emu.Loop(theirs); !ok || l.Name != "Theirs" {
		t.Fatalf("forbidden calls changed the loop: %+v %v", l, ok)
	}

	// An active member may read the loop but still not change it.
	if _, err := f.emu.AddMember(theirs, "owner@example.com", "active"); err != nil {
		t.Fatal(err)
	}
	f.do(http.MethodGet, "/v1/api/loops/"+theirs, nil).expect(t, http.StatusOK, "Loop retrieved successfully")
	f.do(http.MethodPut, "/v1/api/loops/"+theirs, map[string]any{"name": "mine"}).expect(t, http.StatusForbidden, "Only loop creators can update this loop")
	var list struct {
		Count int `json:"count"`
	}
	f.do(http.MethodGet, "/v1/api/loops", nil).data(t, &list)
	if list.Count != 0 {
		t.Fatalf("a membership put someone else's loop in the owner's list")
	}
}

func TestMembers(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	c := f.createLoop("Review")
	id := c.Loop.ID
	active, err := f.emu.AddMember(id, "rev@example.com", "active")
	if err != nil {
		t.Fatal(err)
	}
	pending, err := f.emu.AddMember(id, "new@example.com", "pending")
	if err != nil {
		t.Fatal(err)
	}
	if !isID(active) || !isID(pending) || active == pending {
		t.Fatalf("member ids %q %q", active, pending)
	}
	if _, err := f.emu.AddMember(id, "x@example.com", "banned"); err == nil {
		t.Fatal("AddMember accepted an unknown status")
	}
	if _, err := f.emu.AddMember("000000000000000000000000", "x@example.com", "active"); err == nil {
		t.Fatal("AddMember accepted an unknown loop")
	}

	var got struct {
		Loop loopBody `json:"loop"`
	}
	f.do(http.MethodGet, "/v1/loops/"+id, nil).data(t, &got)
	if got.Loop.MemberCount != 3 || got.Loop.PendingCount != 1 || len(got.Loop.Members) != 3 {
		t.Fatalf("counts %d/%d, members %+v", got.Loop.MemberCount, got.Loop.PendingCount, got.Loop.Members)
	}
	if p := got.Loop.Members[2]; p.UserID != pending || p.Status != "pending" || p.JoinedAt != nil {
		t.Fatalf("pending member %+v", p)
	}
	if a := got.Loop.Members[1]; a.Email != "rev@example.com" || a.JoinedAt == nil {
		t.Fatalf("active member %+v", a)
	}

	for _, prefix := range spellings {
		res := f.do(http.MethodGet, prefix+"/loops/"+id+"/members", nil)
		res.expect(t, http.StatusOK, "Loop members retrieved successfully")
		var ms struct {
			Members []struct {
				UserID     string  `json:"user_id"`
				Email      string  `json:"email"`
				Status     string  `json:"status"`
				Role       string  `json:"role"`
				JoinedAt   *string `json:"joined_at"`
				LastActive *string `json:"last_active"`
			} `json:"members"`
			TotalCount   int `json:"total_count"`
			ActiveCount  int `json:"active_count"`
			PendingCount int `json:"pending_count"`
			Statistics   struct {
				AvgJoinTimeDays    *float64 `json:"avg_join_time_days"`
				NewestMemberJoined *string  `json:"newest_member_joined"`
				OldestMemberJoined *string  `json:"oldest_member_joined"`
			} `json:"statistics"`
		}
		res.data(t, &ms)
		if ms.TotalCount != 3 || ms.ActiveCount != 2 || ms.PendingCount != 1 || len(ms.Members) != 3 {
			t.Fatalf("members %+v", ms)
		}
		if m := ms.Members[0]; m.UserID != c.Loop.CreatorID || m.Role != "admin" || m.JoinedAt == nil || m.LastActive != nil {
			t.Fatalf("creator %+v", m)
		}
		if m := ms.Members[2]; m.UserID != pending || m.Role != "member" || m.Status != "pending" || m.JoinedAt != nil {
			t.Fatalf("pending member %+v", m)
		}
		st := ms.Statistics
		if st.AvgJoinTimeDays == nil || st.NewestMemberJoined == nil || st.OldestMemberJoined == nil {
			t.Fatalf("statistics %+v", st)
		}
	}

	// The pending reviewer accepts.
	if again, err := f.emu.AddMember(id, "new@example.com", "active"); err != nil || again != pending {
		t.Fatalf("accepting an invitation: %q, %v", again, err)
	}
	f.do(http.MethodGet, "/v1/api/loops/"+id, nil).data(t, &got)
	if got.Loop.MemberCount != 3 || got.Loop.PendingCount != 0 || got.Loop.Members[2].JoinedAt == nil {
		t.Fatalf("after accepting: %+v", got.Loop)
	}

	base := "/v1/api/loops/" + id + "/members/"
	f.do(http.MethodDelete, base+active, nil).expect(t, http.StatusOK, "Member removed from loop successfully")
	f.do(http.MethodDelete, "/v1/loops/"+id+"/members/"+active, nil).expect(t, http.StatusNotFound, "Member not found")
	f.do(http.MethodDelete, base+c.Loop.CreatorID, nil).expect(t, http.StatusBadRequest, "Loop creator cannot be removed")
	f.doKey(f.emu.AddUser("o@example.com"), http.MethodDelete, base+pending, nil).
		expect(t, http.StatusForbidden, "Only loop creators can remove members")
	if l, _ := f.emu.Loop(id); len(l.Members) != 2 {
		t.Fatalf("members after removal: %+v", l.Members)
	}
}

func TestOutOfBandChanges(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	a := f.createLoop("A")
	b := f.createLoop("B")

	name := "Changed elsewhere"
	if !f.emu.UpdateLoop(a.Loop.ID, &name, nil, nil) {
		t.Fatal("UpdateLoop reported a missing loop")
	}
	l, ok := f.emu.Loop(a.Loop.ID)
	if !ok || l.Name != name || l.Icon != "shield-check" || !l.UpdatedAt.After(l.CreatedAt) || l.InviteCode != a.InviteCode {
		t.Fatalf("after UpdateLoop: %+v", l)
	}
	var got struct {
		Loop loopBody `json:"loop"`
	}
	f.do(http.MethodGet, "/v1/api/loops/"+a.Loop.ID, nil).data(t, &got)
	if got.Loop.Name != name {
		t.Fatalf("API shows %q", got.Loop.Name)
	}

	if !f.emu.DeleteLoop(b.Loop.ID) || f.emu.DeleteLoop(b.Loop.ID) {
		t.Fatal("DeleteLoop should succeed once")
	}
	f.do(http.MethodGet, "/v1/api/loops/"+b.Loop.ID, nil).expect(t, http.StatusNotFound, "Loop not found")
	if f.emu.UpdateLoop(b.Loop.ID, &name, nil, nil) {
		t.Fatal("UpdateLoop changed a deleted loop")
	}
	loops := f.emu.Loops()
	if len(loops) != 1 || loops[0].ID != a.Loop.ID {
		t.Fatalf("Loops() = %+v", loops)
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	id := f.createLoop("Review").Loop.ID
	for _, path := range []string{"/", "/v1", "/v1/", "/v2/api/loops", "/v1/api/loops/" + id + "/nope", "/v1/api/test", "/v1/api/loops/", "/v1/api/api/loops"} {
		f.do(http.MethodGet, path, nil).expect(t, http.StatusNotFound, "Not found")
	}
	tests := []struct {
		method, path, allow string
	}{
		{http.MethodPatch, "/v1/api/loops/" + id, "DELETE, GET, PUT"},
		{http.MethodDelete, "/v1/loops", "GET, POST"},
		{http.MethodPost, "/v1/test", "GET"},
		{http.MethodPut, "/v1/api/requests", "GET"},
	}
	for _, tc := range tests {
		res := f.do(tc.method, tc.path, nil)
		res.expect(t, http.StatusMethodNotAllowed, "Method not allowed")
		if got := res.header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}
