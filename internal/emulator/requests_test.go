package emulator_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func TestCreateAndGetRequestBothSpellings(t *testing.T) {
	for _, prefix := range spellings {
		t.Run(prefix, func(t *testing.T) {
			f, _ := newClockFixture(t, emulator.Config{Email: "me@example.com"})
			loop := f.createLoop("Review")
			reviewer, err := f.emu.AddMember(loop.Loop.ID, "rev@example.com", "active")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.emu.AddMember(loop.Loop.ID, "later@example.com", "pending"); err != nil {
				t.Fatal(err)
			}

			res := f.do(http.MethodPost, prefix+"/loops/"+loop.Loop.ID+"/requests", validRequest())
			res.expect(t, http.StatusCreated, "Request created and broadcasted successfully")
			var created struct {
				RequestID         string `json:"request_id"`
				Status            string `json:"status"`
				ProcessingType    string `json:"processing_type"`
				Type              string `json:"type"`
				Priority          string `json:"priority"`
				TimeoutAt         string `json:"timeout_at"`
				BroadcastedTo     int    `json:"broadcasted_to"`
				NotificationsSent int    `json:"notifications_sent"`
				PollingURL        string `json:"polling_url"`
			}
			res.data(t, &created)
			id := created.RequestID
			if !isID(id) || created.Status != "pending" || created.ProcessingType != "time-sensitive" ||
				created.Type != "markdown" || created.Priority != "high" ||
				created.BroadcastedTo != 2 || created.NotificationsSent != 2 ||
				created.PollingURL != "/v1/api/requests/"+id || created.TimeoutAt != "2024-03-15T10:40:00Z" {
				t.Fatalf("create data %+v", created)
			}

			res = f.do(http.MethodGet, prefix+"/requests/"+id, nil)
			res.expect(t, http.StatusOK, "Request retrieved successfully")
			var full struct {
				Request map[string]json.RawMessage `json:"request"`
			}
			res.data(t, &full)
			want := map[string]string{
				"id":               `"` + id + `"`,
				"loop_id":          `"` + loop.Loop.ID + `"`,
				"status":           `"pending"`,
				"processing_type":  `"time-sensitive"`,
				"type":             `"markdown"`,
				"priority":         `"high"`,
				"request_text":     `"Approve this?"`,
				"response_type":    `"single_select"`,
				"response_config":  `{"options":["approve",{"color":"#f00","label":"Reject","value":"reject"}]}`,
				"default_response": `"reject"`,
				"context":          `{"k":"v"}`,
				"tags":             `["a"]`,
				"callback_url":     `null`,
				"timeout_seconds":  `600`,
				"created_at":       `"2024-03-15T10:30:00Z"`,
				"updated_at":       `"2024-03-15T10:30:00Z"`,
				"timeout_at":       `"2024-03-15T10:40:00Z"`,
				"response_data":    `null`,
				"response_by":      `null`,
				"response_at":      `null`,
			}
			for k, v := range want {
				if got := compact(t, full.Request[k]); got != v {
					t.Errorf("%s = %s, want %s", k, got, v)
				}
			}
			var recipients []struct {
				UserID           string `json:"user_id"`
				Email            string `json:"email"`
				Role             string `json:"role"`
				NotificationSent bool   `json:"notification_sent"`
			}
			if err := json.Unmarshal(full.Request["broadcasted_to"], &recipients); err != nil {
				t.Fatal(err)
			}
			if len(recipients) != 2 || recipients[0].Role != "creator" || recipients[0].Email != "me@example.com" ||
				recipients[1].Role != "member" || recipients[1].UserID != reviewer || !recipients[1].NotificationSent {
				t.Fatalf("broadcasted_to %+v", recipients)
			}

			f.do(http.MethodGet, prefix+"/requests/000000000000000000000000", nil).expect(t, http.StatusNotFound, "Request not found")
		})
	}
}

func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestCreateRequestDefaults(t *testing.T) {
	f, _ := newClockFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop.ID
	body := validRequest()
	body["processing_type"] = "deferred"
	body["type"] = "image"
	body["image_url"] = "https://example.com/a.png"
	body["callback_url"] = "https://example.com/hook"
	delete(body, "timeout_seconds")
	id := f.createRequest(loop, body)
	r := f.getRequest(id)
	// The default deadline shows in timeout_at; timeout_seconds echoes
	// only a submitted value.
	if r.TimeoutSeconds != nil || r.TimeoutAt != "2024-04-14T10:30:00Z" {
		t.Fatalf("deferred default deadline: timeout_seconds %v, timeout_at %s", r.TimeoutSeconds, r.TimeoutAt)
	}
	snap, ok := f.emu.Request(id)
	if !ok || snap.ImageURL != "https://example.com/a.png" || snap.CallbackURL != "https://example.com/hook" ||
		snap.DefaultResponse != "reject" || !reflect.DeepEqual(snap.Context, map[string]any{"k": "v"}) {
		t.Fatalf("snapshot %+v", snap)
	}
}

func TestCreateRequestValidation(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop.ID
	with := func(changes map[string]any) map[string]any {
		b := validRequest()
		for k, v := range changes {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return b
	}
	const vf, cfg = "Validation failed", "Invalid response configuration"
	required := func(field string) string { return `{"field":"` + field + `","issue":"Field is required"}` }
	q := func(s string) string { return `"` + s + `"` }
	selectMsg := q("options array required for select response type")

	tests := []struct {
		name string
		body any
		msg  string
		data string
	}{
		{"missing processing_type", with(map[string]any{"processing_type": nil}), vf, required("processing_type")},
		{"bad processing_type", with(map[string]any{"processing_type": "soon"}), vf, q("processing_type must be one of: time-sensitive, deferred")},
		{"bad type", with(map[string]any{"type": "video"}), vf, q("type must be one of: markdown, image")},
		{"image without url", with(map[string]any{"type": "image"}), vf, required("image_url")},
		{"missing priority", with(map[string]any{"priority": nil}), vf, required("priority")},
		{"bad priority", with(map[string]any{"priority": "urgent"}), vf, q("priority must be one of: low, medium, high, critical")},
		{"missing text", with(map[string]any{"request_text": nil}), vf, required("request_text")},
		{"empty text", with(map[string]any{"request_text": ""}), vf, q("request_text must be between 1 and 2000 characters")},
		{"long text", with(map[string]any{"request_text": strings.Repeat("é", 2001)}), vf, q("request_text must be between 1 and 2000 characters")},
		{"bad response_type", with(map[string]any{"response_type": "emoji"}), vf, q("response_type must be one of: single_select, multi_select, rating, text, number, boolean")},
		{"time-sensitive without timeout", with(map[string]any{"timeout_seconds": nil}), vf, q("timeout_seconds is required for time-sensitive requests")},
		{"timeout too short", with(map[string]any{"timeout_seconds": 59}), vf, q("timeout_seconds must be between 60 and 86400")},
		{"timeout too long", with(map[string]any{"timeout_seconds": 86401}), vf, q("timeout_seconds must be between 60 and 86400")},
		{"bad platform", with(map[string]any{"platform": "terraform"}), vf, q("platform must be one of: n8n, zapier, web_portal, api, mobile, webhook")},
		{"bad callback", with(map[string]any{"callback_url": "not a url"}), vf, q("callback_url must be a valid URL")},
		{"select without config", with(map[string]any{"response_config": nil}), cfg, selectMsg},
		{"select with empty options", with(map[string]any{"response_config": map[string]any{"options": []any{}}}), cfg, selectMsg},
		{"multi select without options", with(map[string]any{"response_type": "multi_select", "response_config": map[string]any{}}), cfg, selectMsg},
		{"option without label", with(map[string]any{"response_config": map[string]any{"options": []any{map[string]any{"value": "a"}}}}), cfg, ""},
		{"option of wrong type", with(map[string]any{"response_config": map[string]any{"options": []any{3}}}), cfg, ""},
		{"rating inverted", with(map[string]any{"response_type": "rating", "response_config": map[string]any{"scale_min": 5, "scale_max": 1}}), cfg, q("scale_min must be less than scale_max")},
		{"rating equal", with(map[string]any{"response_type": "rating", "response_config": map[string]any{"scale_min": 3, "scale_max": 3}}), cfg, q("scale_min must be less than scale_max")},
		{"number inverted", with(map[string]any{"response_type": "number", "default_response": nil, "response_config": map[string]any{"min_value": 10, "max_value": 1}}), cfg, q("min_value must be less than or equal to max_value")},
		{"number without max_value", with(map[string]any{"response_type": "number", "default_response": nil, "response_config": map[string]any{"min": 1, "max": 10}}), cfg, q("max_value is required for number response type")},
		{"number decimal_places", with(map[string]any{"response_type": "number", "default_response": nil, "response_config": map[string]any{"max_value": 10, "decimal_places": 11}}), cfg, q("decimal_places must be a whole number between 0 and 10")},
		{"number negative min", with(map[string]any{"response_type": "number", "default_response": nil, "response_config": map[string]any{"min_value": -1, "max_value": 10}}), cfg, q("min_value must not be negative unless allow_negative is true")},
		{"number default too precise", with(map[string]any{"response_type": "number", "default_response": 1.234, "response_config": map[string]any{"max_value": 10}}), vf, q("default_response: the answer has more than 2 decimal places")},
		{"number default out of range", with(map[string]any{"response_type": "number", "default_response": 11, "response_config": map[string]any{"max_value": 10}}), vf, q("default_response: the answer must be between 0 and 10")},
		{"boolean default a string", with(map[string]any{"response_type": "boolean", "default_response": "false", "response_config": map[string]any{}}), vf, q("default_response: the answer must be true or false")},
		{"boolean long label", with(map[string]any{"response_type": "boolean", "default_response": false, "response_config": map[string]any{"true_label": strings.Repeat("x", 101)}}), cfg, q("true_label must be between 1 and 100 characters")},
		{"boolean bad color", with(map[string]any{"response_type": "boolean", "default_response": false, "response_config": map[string]any{"false_color": "red"}}), cfg, q("false_color must be a hex color such as #16a34a")},
		{"too many options", with(map[string]any{"default_response": "o1", "response_config": map[string]any{"options": manyOptions(21)}}), cfg, q("options must have between 1 and 20 items")},
		{"multi select min above max", with(map[string]any{"response_type": "multi_select", "default_response": nil, "response_config": map[string]any{"options": []any{"a", "b", "c"}, "min_selections": 3, "max_selections": 2}}), cfg, q("min_selections must be less than or equal to max_selections")},
		{"multi select max above options", with(map[string]any{"response_type": "multi_select", "default_response": nil, "response_config": map[string]any{"options": []any{"a", "b"}, "max_selections": 3}}), cfg, q("max_selections must be a whole number between 1 and 2")},
		{"multi select default too many", with(map[string]any{"response_type": "multi_select", "default_response": []any{"a", "b"}, "response_config": map[string]any{"options": []any{"a", "b"}, "max_selections": 1}}), vf, q("default_response: the answer must select between 0 and 1 options")},
		{"text max_length too long", with(map[string]any{"response_type": "text", "default_response": nil, "response_config": map[string]any{"max_length": 5001}}), cfg, q("max_length must be between 1 and 5000")},
		{"text max_length zero", with(map[string]any{"response_type": "text", "default_response": nil, "response_config": map[string]any{"max_length": 0}}), cfg, q("max_length must be between 1 and 5000")},
		{"rating label off scale", with(map[string]any{"response_type": "rating", "default_response": nil, "response_config": map[string]any{"scale_max": 5, "labels": map[string]any{"6": "Wow"}}}), cfg, q("labels key 6 is outside the scale")},
		{"select default not an option", with(map[string]any{"default_response": "maybe"}), vf, q("default_response: the answer must be the value of one of the options: approve, reject")},
		{"rating without response_config", with(map[string]any{"response_type": "rating", "response_config": nil}), cfg, q("response_config object required for rating response type")},
		{"text without response_config", with(map[string]any{"response_type": "text", "response_config": nil}), cfg, q("response_config object required for text response type")},
		{"number without response_config", with(map[string]any{"response_type": "number", "response_config": nil}), cfg, q("response_config object required for number response type")},
		{"text inverted", with(map[string]any{"response_type": "text", "response_config": map[string]any{"min_length": 10, "max_length": 5}}), cfg, q("min_length must be less than or equal to max_length")},
		{"timeout not a number", with(map[string]any{"timeout_seconds": "600"}), "Invalid request body", ""},
		{"timeout fractional", with(map[string]any{"timeout_seconds": 60.5}), "Invalid request body", ""},
		{"tags not strings", with(map[string]any{"tags": []any{1}}), "Invalid request body", ""},
		{"context not an object", with(map[string]any{"context": "x"}), "Invalid request body", ""},
		{"config not an object", with(map[string]any{"response_config": []any{}}), "Invalid request body", ""},
		{"not an object", `[1]`, "Invalid request body", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do(http.MethodPost, "/v1/api/loops/"+loop+"/requests", tc.body)
			res.expect(t, http.StatusBadRequest, tc.msg)
			if tc.data != "" && string(res.env.Data) != tc.data {
				t.Fatalf("data %s, want %s", res.env.Data, tc.data)
			}
		})
	}
	if n := len(f.emu.Requests()); n != 0 {
		t.Fatalf("invalid bodies stored %d requests", n)
	}

	// The valid variants of the same knobs pass.
	valid := []map[string]any{
		with(map[string]any{"timeout_seconds": 60}),
		with(map[string]any{"timeout_seconds": 86400, "platform": nil, "tags": nil, "context": nil, "default_response": nil}),
		with(map[string]any{"request_text": strings.Repeat("é", 2000)}),
		with(map[string]any{"response_type": "rating", "default_response": 7.5, "response_config": map[string]any{"scale_min": 1, "scale_max": 10, "scale_step": 0.5}}),
		with(map[string]any{"response_type": "rating", "default_response": 3, "response_config": map[string]any{}}),
		with(map[string]any{"response_type": "text", "default_response": "none", "response_config": map[string]any{}}),
		with(map[string]any{"response_type": "number", "default_response": 105.5, "response_config": map[string]any{"min_value": 1, "max_value": 1000, "allow_negative": false, "decimal_places": 2}}),
		with(map[string]any{"response_type": "number", "default_response": 1, "response_config": map[string]any{"min_value": 1, "max_value": 1}}),
		with(map[string]any{"response_type": "number", "default_response": -2.5, "response_config": map[string]any{"min_value": -5, "max_value": 5, "allow_negative": true, "decimal_places": 1, "prefix": "$", "suffix": " USD"}}),
		with(map[string]any{"response_type": "text", "default_response": "No summary provided", "response_config": map[string]any{"placeholder": "why?", "min_length": 2, "max_length": 500}}),
		with(map[string]any{"response_type": "multi_select", "default_response": []any{"a"}, "response_config": map[string]any{"options": []any{"a", "b"}, "required": true}}),
		with(map[string]any{"response_type": "multi_select", "default_response": []any{"a", "b"}, "response_config": map[string]any{"options": []any{"a", "b", "c"}, "min_selections": 1, "max_selections": 2}}),
		with(map[string]any{"response_type": "boolean", "default_response": false, "response_config": map[string]any{}}),
		with(map[string]any{"response_type": "boolean", "default_response": true, "response_config": map[string]any{"true_label": "Deploy", "false_label": "Hold", "true_color": "#16a34a", "false_color": "#dc2626", "required": true}}),
		with(map[string]any{"response_type": "rating", "default_response": 3, "response_config": map[string]any{"scale_min": 1, "scale_max": 5, "labels": map[string]any{"1": "Poor", "5": "Excellent"}}}),
		with(map[string]any{"default_response": "o20", "response_config": map[string]any{"options": manyOptions(20)}}),
	}
	for i, b := range valid {
		if res := f.do(http.MethodPost, "/v1/loops/"+loop+"/requests", b); res.status != http.StatusCreated {
			t.Errorf("valid body %d refused: %s", i, res.raw)
		}
	}
}

func TestCreateRequestLoopErrors(t *testing.T) {
	f := newFixture(t, emulator.Config{Email: "me@example.com"})
	f.do(http.MethodPost, "/v1/api/loops/000000000000000000000000/requests", validRequest()).
		expect(t, http.StatusNotFound, "Loop not found")

	loop := f.createLoop("Review").Loop.ID
	// The only active member (the creator) becomes pending.
	if _, err := f.emu.AddMember(loop, "me@example.com", "pending"); err != nil {
		t.Fatal(err)
	}
	f.do(http.MethodPost, "/v1/api/loops/"+loop+"/requests", validRequest()).
		expect(t, http.StatusBadRequest, "No active members found in the loop")
	if n := len(f.emu.Requests()); n != 0 {
		t.Fatalf("stored %d requests", n)
	}
}

func TestListRequests(t *testing.T) {
	f, clock := newClockFixture(t, emulator.Config{})
	a := f.createLoop("A").Loop.ID
	b := f.createLoop("B").Loop.ID
	theirs := f.createLoopKey(f.emu.AddUser("o@example.com"), "Theirs").Loop.ID
	_ = theirs

	var ids []string // creation order
	for i, p := range []string{"low", "critical", "medium", "high", "low"} {
		body := validRequest()
		body["priority"] = p
		loop := a
		if i == 4 {
			loop = b
		}
		ids = append(ids, f.createRequest(loop, body))
	}
	if err := f.emu.RespondToRequest(ids[2], "approve"); err != nil {
		t.Fatal(err)
	}
	if err := f.emu.ClaimRequest(ids[3]); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)

	type page struct {
		Requests []struct {
			ID       string `json:"id"`
			Status   string `json:"status"`
			Priority string `json:"priority"`
		} `json:"requests"`
		Count   int  `json:"count"`
		Total   int  `json:"total"`
		HasMore bool `json:"has_more"`
	}
	list := func(path string) page {
		t.Helper()
		res := f.do(http.MethodGet, path, nil)
		res.expect(t, http.StatusOK, "Requests retrieved successfully")
		var p page
		res.data(t, &p)
		return p
	}
	order := func(p page) string {
		var out []string
		for _, r := range p.Requests {
			for i, id := range ids {
				if r.ID == id {
					out = append(out, string(rune('0'+i)))
				}
			}
		}
		return strings.Join(out, "")
	}

	tests := []struct {
		path    string
		order   string
		total   int
		hasMore bool
	}{
		{"/v1/api/requests", "43210", 5, false},
		{"/v1/requests?sort=created_at_asc", "01234", 5, false},
		{"/v1/api/requests?sort=priority_desc", "13240", 5, false},
		{"/v1/api/requests?sort=status_asc", "32410", 5, false},
		{"/v1/api/requests?status=pending", "410", 3, false},
		{"/v1/api/requests?priority=low", "40", 2, false},
		{"/v1/api/requests?loop_id=" + b, "4", 1, false},
		{"/v1/api/requests?limit=2", "43", 5, true},
		{"/v1/api/requests?limit=2&offset=2", "21", 5, true},
		{"/v1/api/requests?limit=2&offset=4", "0", 5, false},
		{"/v1/api/requests?offset=9", "", 5, false},
		{"/v1/api/requests?limit=1000", "43210", 5, false},
		{"/v1/api/loops/" + a + "/requests", "3210", 4, false},
		{"/v1/loops/" + a + "/requests?status=claimed", "3", 1, false},
	}
	for _, tc := range tests {
		p := list(tc.path)
		if got := order(p); got != tc.order || p.Total != tc.total || p.Count != len(p.Requests) || p.HasMore != tc.hasMore {
			t.Errorf("%s: order %q total %d count %d has_more %v; want %q %d %v",
				tc.path, got, p.Total, p.Count, p.HasMore, tc.order, tc.total, tc.hasMore)
		}
	}

	for _, path := range []string{
		"/v1/api/requests?status=done", "/v1/api/requests?priority=urgent", "/v1/api/requests?sort=name",
		"/v1/api/requests?limit=0", "/v1/api/requests?limit=x", "/v1/api/requests?offset=-1",
	} {
		f.do(http.MethodGet, path, nil).expect(t, http.StatusBadRequest, "Validation failed")
	}
	f.do(http.MethodGet, "/v1/api/loops/"+theirs+"/requests", nil).expect(t, http.StatusForbidden, "Access denied to this loop")
	f.do(http.MethodGet, "/v1/api/loops/000000000000000000000000/requests", nil).expect(t, http.StatusNotFound, "Loop not found")
}

func TestCancelRequest(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop.ID
	pending := f.createRequest(loop, validRequest())
	claimed := f.createRequest(loop, validRequest())
	done := f.answeredRequest(loop)
	if err := f.emu.ClaimRequest(claimed); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct{ prefix, id, previous string }{
		{"/v1/api", pending, "pending"},
		{"/v1", claimed, "claimed"},
	} {
		res := f.do(http.MethodDelete, tc.prefix+"/requests/"+tc.id, nil)
		res.expect(t, http.StatusOK, "Request cancelled successfully")
		var d struct {
			RequestID      string `json:"request_id"`
			Status         string `json:"status"`
			CancelledAt    string `json:"cancelled_at"`
			PreviousStatus string `json:"previous_status"`
		}
		res.data(t, &d)
		if d.RequestID != tc.id || d.Status != "cancelled" || d.PreviousStatus != tc.previous || d.CancelledAt == "" {
			t.Fatalf("cancel data %+v", d)
		}
		if r := f.getRequest(tc.id); r.Status != "cancelled" {
			t.Fatalf("status after cancel %q", r.Status)
		}
	}
	for _, id := range []string{pending, done} {
		f.do(http.MethodDelete, "/v1/api/requests/"+id, nil).
			expect(t, http.StatusBadRequest, "Request cannot be cancelled in current state")
	}
	f.do(http.MethodDelete, "/v1/api/requests/000000000000000000000000", nil).expect(t, http.StatusNotFound, "Request not found")
}

func TestFeedback(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop.ID
	pending := f.createRequest(loop, validRequest())
	done := f.answeredRequest(loop)
	body := map[string]any{"feedback": map[string]any{"rating": 5}}
	f.do(http.MethodPost, "/v1/api/requests/"+pending+"/feedback", body).
		expect(t, http.StatusBadRequest, "Feedback can only be submitted for completed requests")
	f.do(http.MethodPost, "/v1/api/requests/"+done+"/feedback", map[string]any{}).
		expect(t, http.StatusBadRequest, "Validation failed")
	f.do(http.MethodPost, "/v1/api/requests/"+done+"/feedback", map[string]any{"feedback": "good"}).
		expect(t, http.StatusBadRequest, "Invalid request body")
	for _, prefix := range spellings {
		f.do(http.MethodPost, prefix+"/requests/"+done+"/feedback", body).expect(t, http.StatusOK, "Feedback submitted successfully")
	}
	f.do(http.MethodPost, "/v1/api/requests/000000000000000000000000/feedback", body).expect(t, http.StatusNotFound, "Request not found")
}

func TestRequestAccess(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	other := f.emu.AddUser("o@example.com")
	mine := f.createRequest(f.createLoop("Mine").Loop.ID, validRequest())
	f.doKey(other, http.MethodGet, "/v1/api/requests/"+mine, nil).expect(t, http.StatusForbidden, "Access denied to this request")
	f.doKey(other, http.MethodDelete, "/v1/api/requests/"+mine, nil).expect(t, http.StatusForbidden, "Access denied to this request")
	var p struct {
		Total int `json:"total"`
	}
	f.doKey(other, http.MethodGet, "/v1/api/requests", nil).data(t, &p)
	if p.Total != 0 {
		t.Fatalf("other account lists %d of the owner's requests", p.Total)
	}
	if r, _ := f.emu.Request(mine); r.Status != "pending" {
		t.Fatalf("forbidden cancel changed status to %q", r.Status)
	}
}

func TestReviewerActions(t *testing.T) {
	f, clock := newClockFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop
	id := f.createRequest(loop.ID, validRequest())

	if err := f.emu.ClaimRequest(id); err != nil {
		t.Fatal(err)
	}
	if err := f.emu.ClaimRequest(id); err == nil {
		t.Fatal("claimed a request twice")
	}
	if r := f.getRequest(id); r.Status != "claimed" {
		t.Fatalf("status %q", r.Status)
	}
	clock.Advance(5 * time.Second)
	value := map[string]any{"selected_value": "approve"}
	if err := f.emu.RespondToRequest(id, value); err != nil {
		t.Fatal(err)
	}
	value["selected_value"] = "changed by the caller afterwards"
	r := f.getRequest(id)
	if r.Status != "completed" || compact(t, r.ResponseData) != `{"selected_value":"approve"}` ||
		r.ResponseBy == nil || *r.ResponseBy != loop.CreatorID ||
		r.ResponseAt == nil || *r.ResponseAt != "2024-03-15T10:30:05Z" || r.UpdatedAt != "2024-03-15T10:30:05Z" {
		t.Fatalf("completed request %+v", r)
	}
	if err := f.emu.RespondToRequest(id, "again"); err == nil {
		t.Fatal("answered a completed request")
	}
	if err := f.emu.ExpireRequest(id); err == nil {
		t.Fatal("expired a completed request")
	}
	if err := f.emu.RespondToRequest(id, func() {}); err == nil {
		t.Fatal("accepted a value that is not JSON")
	}
	if err := f.emu.ClaimRequest("nope"); err == nil {
		t.Fatal("claimed a missing request")
	}

	answer := map[string]any{"selected_value": "approve"}
	snap, _ := f.emu.Request(id)
	data, ok := snap.ResponseData.(map[string]any)
	if !ok || snap.Status != "completed" || !reflect.DeepEqual(data, answer) || snap.ResponseAt == nil {
		t.Fatalf("snapshot %+v", snap)
	}
	data["selected_value"] = "mutated"
	if again, _ := f.emu.Request(id); !reflect.DeepEqual(again.ResponseData, answer) {
		t.Fatal("a snapshot shares state with the emulator")
	}
}

func TestExpireRequest(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop.ID
	id := f.createRequest(loop, validRequest())
	if err := f.emu.ExpireRequest(id); err != nil {
		t.Fatal(err)
	}
	r := f.getRequest(id)
	if r.Status != "timeout" || compact(t, r.ResponseData) != `"reject"` || r.ResponseBy != nil {
		t.Fatalf("expired request %+v", r)
	}
}

// Requests time out on their own once timeout_at has passed.
func TestRequestTimesOut(t *testing.T) {
	f, clock := newClockFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop.ID
	body := validRequest()
	body["timeout_seconds"] = 60
	body["default_response"] = map[string]any{"selected_value": "reject"}
	id := f.createRequest(loop, body)
	noDefault := validRequest()
	delete(noDefault, "default_response")
	bare := f.createRequest(loop, noDefault)

	clock.Advance(59 * time.Second)
	if r := f.getRequest(id); r.Status != "pending" {
		t.Fatalf("status before the deadline %q", r.Status)
	}
	clock.Advance(time.Second)
	r := f.getRequest(id)
	if r.Status != "timeout" || compact(t, r.ResponseData) != `{"selected_value":"reject"}` || r.UpdatedAt != r.TimeoutAt {
		t.Fatalf("after the deadline %+v", r)
	}
	if err := f.emu.RespondToRequest(id, "late"); err == nil {
		t.Fatal("answered a timed-out request")
	}
	f.do(http.MethodDelete, "/v1/api/requests/"+id, nil).expect(t, http.StatusBadRequest, "Request cannot be cancelled in current state")

	clock.Advance(10 * time.Minute)
	var p struct {
		Total int `json:"total"`
	}
	f.do(http.MethodGet, "/v1/api/requests?status=timeout", nil).data(t, &p)
	if p.Total != 2 {
		t.Fatalf("listing sees %d timed-out requests, want 2", p.Total)
	}
	if r := f.getRequest(bare); string(r.ResponseData) != "null" {
		t.Fatalf("response_data without a default %s", r.ResponseData)
	}
}

func TestAutoResponder(t *testing.T) {
	f, clock := newClockFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop.ID
	var (
		mu   sync.Mutex
		seen []string
	)
	f.emu.SetAutoResponder(func(r emulator.Request) (any, time.Duration, bool) {
		mu.Lock()
		seen = append(seen, r.RequestText)
		mu.Unlock()
		// Calling back into the emulator must not deadlock.
		if _, ok := f.emu.Request(r.ID); !ok {
			t.Errorf("request %s is not visible to the responder", r.ID)
		}
		switch r.RequestText {
		case "now":
			return "approve", 0, true
		case "later":
			return 4.5, 30 * time.Second, true
		case "too late":
			return "approve", 2 * time.Minute, true
		}
		return nil, 0, false
	})
	create := func(text string) string {
		body := validRequest()
		body["request_text"] = text
		body["timeout_seconds"] = 60
		return f.createRequest(loop, body)
	}
	now, later, tooLate, never := create("now"), create("later"), create("too late"), create("never")
	mu.Lock()
	got := strings.Join(seen, ",")
	mu.Unlock()
	if got != "now,later,too late,never" {
		t.Fatalf("responder saw %v", seen)
	}

	if r := f.getRequest(now); r.Status != "completed" || compact(t, r.ResponseData) != `"approve"` {
		t.Fatalf("zero-delay answer not visible on first poll: %+v", r)
	}
	if r := f.getRequest(later); r.Status != "pending" {
		t.Fatalf("delayed answer arrived early: %+v", r)
	}
	clock.Advance(30 * time.Second)
	if r := f.getRequest(later); r.Status != "completed" || compact(t, r.ResponseData) != `4.5` ||
		r.ResponseAt == nil || *r.ResponseAt != "2024-03-15T10:30:30Z" {
		t.Fatalf("delayed answer %+v", r)
	}
	clock.Advance(10 * time.Minute)
	if r := f.getRequest(tooLate); r.Status != "timeout" {
		t.Fatalf("an answer after the deadline beat the timeout: %+v", r)
	}
	if r := f.getRequest(never); r.Status != "timeout" {
		t.Fatalf("unanswered request %+v", r)
	}

	f.emu.SetAutoResponder(nil)
	if r := f.getRequest(create("now")); r.Status != "pending" {
		t.Fatalf("responder still active after SetAutoResponder(nil): %+v", r)
	}
}

// The responder also runs in real time when requests are polled.
func TestAutoResponderRealClock(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop.ID
	f.emu.SetAutoResponder(func(emulator.Request) (any, time.Duration, bool) {
		return "approve", 50 * time.Millisecond, true
	})
	id := f.createRequest(loop, validRequest())
	deadline := time.Now().Add(5 * time.Second)
	for f.getRequest(id).Status != "completed" {
		if time.Now().After(deadline) {
			t.Fatal("request was never answered")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDeleteLoopDeletesRequests(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	loop := f.createLoop("Review").Loop.ID
	keep := f.createLoop("Keep").Loop.ID
	if _, err := f.emu.AddMember(loop, "rev@example.com", "active"); err != nil {
		t.Fatal(err)
	}
	answered := f.createRequest(loop, validRequest())
	f.createRequest(loop, validRequest())
	kept := f.createRequest(keep, validRequest())
	if err := f.emu.RespondToRequest(answered, "approve"); err != nil {
		t.Fatal(err)
	}
	var d struct {
		DeletedData map[string]int `json:"deleted_data"`
	}
	f.do(http.MethodDelete, "/v1/loops/"+loop, nil).data(t, &d)
	want := map[string]int{"members_removed": 2, "requests_deleted": 2, "responses_deleted": 1}
	if !maps.Equal(d.DeletedData, want) {
		t.Fatalf("deleted_data %v, want %v", d.DeletedData, want)
	}
	f.do(http.MethodGet, "/v1/api/requests/"+answered, nil).expect(t, http.StatusNotFound, "Request not found")
	if rs := f.emu.Requests(); len(rs) != 1 || rs[0].ID != kept {
		t.Fatalf("remaining requests %+v", rs)
	}
}

func manyOptions(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = fmt.Sprintf("o%d", i+1)
	}
	return out
}
