package hitl

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func ptr[T any](v T) *T { return &v }

func TestRequestLifecycle(t *testing.T) {
	ctx := context.Background()
	c, e, rec := newRecordedClient(t, emulator.Config{Email: "me@example.com"})
	loop, err := c.CreateLoop(ctx, CreateLoopInput{Name: "Deploys", Icon: "shield-check"})
	if err != nil {
		t.Fatal(err)
	}
	reviewer, err := e.AddMember(loop.Loop.ID, "oncall@example.com", "active")
	if err != nil {
		t.Fatal(err)
	}

	in := CreateRequestInput{
		ProcessingType: "time-sensitive",
		Type:           "markdown",
		Priority:       "high",
		RequestText:    "Deploy v2 to production?",
		ResponseType:   "single_select",
		ResponseConfig: &ResponseConfig{
			Options:  []ResponseOption{{Value: "approve"}, {Value: "reject", Label: "Reject", Color: "#f00"}, {Value: "hold", Color: "#888"}},
			Required: ptr(true),
		},
		TimeoutSeconds:  600,
		DefaultResponse: json.RawMessage(`"reject"`),
		Context:         json.RawMessage(`{"release": "v2"}`),
		Tags:            []string{"deploy"},
		CallbackURL:     "https://example.com/hook",
	}
	created, err := c.CreateRequest(ctx, loop.Loop.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if created.RequestID == "" || created.Status != StatusPending || created.BroadcastedTo != 2 || created.TimeoutAt == "" {
		t.Fatalf("CreateRequest = %+v", created)
	}
	sent := rec.requests[len(rec.requests)-1]
	wantBody := `{"processing_type":"time-sensitive","type":"markdown","priority":"high","request_text":"Deploy v2 to production?",` +
		`"response_type":"single_select","response_config":{"options":["approve",{"value":"reject","label":"Reject","color":"#f00"},` +
		`{"value":"hold","label":"hold","color":"#888"}],"required":true},"timeout_seconds":600,"default_response":"reject",` +
		`"context":{"release":"v2"},"callback_url":"https://example.com/hook","tags":["deploy"],"platform":"api"}`
	if sent.method != "POST" || sent.path != "/v1/api/loops/"+loop.Loop.ID+"/requests" || sent.body != wantBody {
		t.Errorf("create sent %s %s\n%s\nwant\n%s", sent.method, sent.path, sent.body, wantBody)
	}

	got, err := c.GetRequest(ctx, created.RequestID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != created.RequestID || got.LoopID != loop.Loop.ID || got.Status != StatusPending || got.TimeoutAt != created.TimeoutAt ||
		got.RequestText != in.RequestText || got.TimeoutSeconds != 600 || got.CreatedAt == "" ||
		got.CallbackURL == nil || *got.CallbackURL != in.CallbackURL || got.HasResponse() || got.ResponseBy != nil || got.ResponseAt != nil {
		t.Fatalf("GetRequest = %+v", got)
	}
	if len(got.BroadcastedTo) != 2 || got.BroadcastedTo[0].Email != "me@example.com" || got.BroadcastedTo[1].UserID != reviewer {
		t.Errorf("broadcasted_to = %+v", got.BroadcastedTo)
	}
	opts := got.ResponseConfig.Options
	if len(opts) != 3 || opts[0] != (ResponseOption{Value: "approve"}) || opts[1] != (ResponseOption{"reject", "Reject", "#f00"}) ||
		opts[2] != (ResponseOption{"hold", "hold", "#888"}) || got.ResponseConfig.Required == nil || !*got.ResponseConfig.Required {
		t.Errorf("response_config = %+v", got.ResponseConfig)
	}
	if text, ok := AnswerText(got.DefaultResponse); !ok || text != "reject" || string(got.Context) != `{"release":"v2"}` {
		t.Errorf("default_response %s, context %s", got.DefaultResponse, got.Context)
	}

	page, err := c.ListRequests(ctx, RequestFilter{LoopID: loop.Loop.ID, Status: StatusPending, Limit: 10})
	if err != nil || len(page.Requests) != 1 || page.HasMore || page.Requests[0].ID != created.RequestID {
		t.Fatalf("ListRequests = %+v, %v", page, err)
	}
	if last := rec.requests[len(rec.requests)-1]; last.path != "/v1/api/requests" {
		t.Errorf("list path %s", last.path)
	}

	if err := e.RespondToRequest(created.RequestID, "approve"); err != nil {
		t.Fatal(err)
	}
	answered, err := c.GetRequest(ctx, created.RequestID)
	if err != nil {
		t.Fatal(err)
	}
	if answered.Status != StatusCompleted || string(answered.ResponseData) != `"approve"` || answered.ResponseBy == nil ||
		answered.ResponseBy.UserID == "" || answered.ResponseAt == nil {
		t.Fatalf("answered request = %+v", answered)
	}

	// A completed request cannot be cancelled; the API says so with a 400.
	if _, err := c.CancelRequest(ctx, created.RequestID); !IsValidation(err) {
		t.Errorf("cancelling a completed request: %v, want a 400", err)
	}
	if _, err := c.GetRequest(ctx, "000000000000000000000000"); !IsNotFound(err) {
		t.Errorf("GetRequest of a missing id: %v, want not found", err)
	}
	if _, err := c.CancelRequest(ctx, "000000000000000000000000"); !IsNotFound(err) {
		t.Errorf("CancelRequest of a missing id: %v, want not found", err)
	}
}

func TestCancelRequest(t *testing.T) {
	ctx := context.Background()
	c, e := newEmulatorClient(t, emulator.Config{})
	loop, err := c.CreateLoop(ctx, CreateLoopInput{Name: "Deploys", Icon: "flag"})
	if err != nil {
		t.Fatal(err)
	}
	// Deferred requests need no timeout; the API gives them 30 days.
	created, err := c.CreateRequest(ctx, loop.Loop.ID, CreateRequestInput{
		ProcessingType: "deferred", Type: "markdown", Priority: "low", RequestText: "Rate this",
		ResponseType: "rating", ResponseConfig: &ResponseConfig{ScaleMin: ptr(1.0), ScaleMax: ptr(10.0), ScaleStep: ptr(0.5)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ClaimRequest(created.RequestID); err != nil {
		t.Fatal(err)
	}
	cancelled, err := c.CancelRequest(ctx, created.RequestID)
	if err != nil {
		t.Fatal(err)
	}
	if cancelled.RequestID != created.RequestID || cancelled.Status != StatusCancelled {
		t.Errorf("CancelRequest = %+v", cancelled)
	}
	if q, ok := e.Request(created.RequestID); !ok || q.Status != "cancelled" || q.TimeoutSeconds != 30*24*3600 {
		t.Errorf("server holds %+v", q)
	}
	if _, err := c.CancelRequest(ctx, created.RequestID); !IsValidation(err) {
		t.Errorf("second cancel: %v, want a 400", err)
	}
}

func TestCreateRequestErrors(t *testing.T) {
	ctx := context.Background()
	c, e := newEmulatorClient(t, emulator.Config{})
	loop, err := c.CreateLoop(ctx, CreateLoopInput{Name: "Deploys", Icon: "flag"})
	if err != nil {
		t.Fatal(err)
	}
	base := CreateRequestInput{ProcessingType: "time-sensitive", Type: "markdown", Priority: "medium", RequestText: "Ok?",
		ResponseType: "text", TimeoutSeconds: 60}

	noTimeout := base
	noTimeout.TimeoutSeconds = 0
	_, err = c.CreateRequest(ctx, loop.Loop.ID, noTimeout)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.DetailText() != "timeout_seconds is required for time-sensitive requests" {
		t.Errorf("time-sensitive without timeout: %v", err)
	}

	noOptions := base
	noOptions.ResponseType = "single_select"
	if _, err := c.CreateRequest(ctx, loop.Loop.ID, noOptions); !IsValidation(err) || !strings.Contains(err.Error(), "options array required") {
		t.Errorf("select without options: %v", err)
	}
	if _, err := c.CreateRequest(ctx, "000000000000000000000000", base); !IsNotFound(err) {
		t.Errorf("missing loop: %v", err)
	}
	if n := len(e.Requests()); n != 0 {
		t.Errorf("the server holds %d requests after failed creates", n)
	}
}

func TestResponseByAcceptsBothShapes(t *testing.T) {
	var q Request
	if err := json.Unmarshal([]byte(`{"id":"a","status":"completed","response_by":"65f1"}`), &q); err != nil || q.ResponseBy.UserID != "65f1" {
		t.Errorf("string form: %+v, %v", q.ResponseBy, err)
	}
	q = Request{}
	if err := json.Unmarshal([]byte(`{"id":"a","status":"completed","response_by":{"user_id":"65f1","name":"Ana","email":"ana@example.com"}}`), &q); err != nil ||
		*q.ResponseBy != (Responder{"65f1", "Ana", "ana@example.com"}) {
		t.Errorf("object form: %+v, %v", q.ResponseBy, err)
	}
	q = Request{}
	if err := json.Unmarshal([]byte(`{"id":"a","status":"pending","response_by":null}`), &q); err != nil || q.ResponseBy != nil {
		t.Errorf("null: %+v, %v", q.ResponseBy, err)
	}
	if err := json.Unmarshal([]byte(`{"response_by":3}`), &q); err == nil {
		t.Error("a number was accepted as response_by")
	}
}

func TestAnswerText(t *testing.T) {
	tests := []struct {
		raw  string
		want string
		ok   bool
	}{
		{``, "", false},
		{`null`, "", false},
		{`"approve"`, "approve", true},
		{`""`, "", true},
		{`4.5`, "4.5", true},
		{`4`, "4", true},
		{`4.0`, "4", true},
		{`1e3`, "1000", true},
		{`-0.25`, "-0.25", true},
		{`true`, "true", true},
		{`["grammar","accuracy"]`, "grammar,accuracy", true},
		{`[1,2.5]`, "1,2.5", true},
		{`[]`, "", true},
		{`{"selected_value":"Approve"}`, "Approve", true},
		{`{"selected_value":3}`, "3", true},
		{`{"selected_values":["a","b"]}`, "a,b", true},
		{`{"selected_value":"approve","selected_label":"✅ Approve"}`, "approve", true},
		{`{"rating":4.5,"rating_label":"Good"}`, "4.5", true},
		{`{"number":129.99,"formatted_value":"$129.99 USD"}`, "129.99", true},
		{`{"boolean":false,"boolean_label":"Hold"}`, "false", true},
		{`{"text":"fine","score":2}`, `{"score":2,"text":"fine"}`, true},
		{`[["a"],{"b":1}]`, `["a"],{"b":1}`, true},
	}
	for _, tt := range tests {
		got, ok := AnswerText(json.RawMessage(tt.raw))
		if got != tt.want || ok != tt.ok {
			t.Errorf("AnswerText(%s) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
}

func TestEncodeAnswer(t *testing.T) {
	tests := []struct {
		responseType, text, want, err string
	}{
		{"single_select", "reject", `"reject"`, ""},
		{"text", `say "no"`, `"say \"no\""`, ""},
		{"text", "4", `"4"`, ""},
		{"rating", "4", `4`, ""},
		{"rating", " 4.5 ", `4.5`, ""},
		{"number", "-1e3", `-1e3`, ""},
		{"number", "four", "", "not a number"},
		{"number", "0x10", "", "not a number"},
		{"number", "NaN", "", "not a number"},
		{"multi_select", "grammar, accuracy", `["grammar","accuracy"]`, ""},
		{"multi_select", "only", `["only"]`, ""},
		{"multi_select", "a,,b", "", "empty option value"},
		{"boolean", "true", `true`, ""},
		{"boolean", " false ", `false`, ""},
		{"boolean", "yes", "", "not a boolean"},
		{"boolean", "True", "", "not a boolean"},
	}
	for _, tt := range tests {
		got, err := EncodeAnswer(ResponseType(tt.responseType), tt.text)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("EncodeAnswer(%s, %q) error = %v, want %q", tt.responseType, tt.text, err, tt.err)
		case tt.err == "" && (err != nil || string(got) != tt.want):
			t.Errorf("EncodeAnswer(%s, %q) = %s, %v; want %s", tt.responseType, tt.text, got, err, tt.want)
		}
		// What is encoded reads back as the same answer.
		if err == nil && tt.responseType != "multi_select" {
			if back, _ := AnswerText(got); strings.TrimSpace(tt.text) != back && tt.responseType != "number" {
				t.Errorf("AnswerText(EncodeAnswer(%q)) = %q", tt.text, back)
			}
		}
	}
}

// The emulator's auto responder answers on the first poll after its delay,
// which is what the provider's waiting relies on.
func TestAutoResponderAnswerIsVisible(t *testing.T) {
	ctx := context.Background()
	c, e := newEmulatorClient(t, emulator.Config{})
	e.SetAutoResponder(func(emulator.Request) (any, time.Duration, bool) {
		return map[string]any{"selected_value": "approve"}, 0, true
	})
	loop, err := c.CreateLoop(ctx, CreateLoopInput{Name: "Deploys", Icon: "flag"})
	if err != nil {
		t.Fatal(err)
	}
	created, err := c.CreateRequest(ctx, loop.Loop.ID, CreateRequestInput{ProcessingType: "time-sensitive", Type: "markdown",
		Priority: "critical", RequestText: "Go?", ResponseType: "single_select", TimeoutSeconds: 60,
		ResponseConfig: &ResponseConfig{Options: []ResponseOption{{Value: "approve"}, {Value: "reject"}}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetRequest(ctx, created.RequestID)
	if err != nil {
		t.Fatal(err)
	}
	if text, ok := AnswerText(got.ResponseData); got.Status != StatusCompleted || !ok || text != "approve" {
		t.Errorf("request = %s %s", got.Status, got.ResponseData)
	}
}

// A text or rating request without settings still carries the
// response_config object that the documented body has, empty.
func TestCreateRequestSendsEmptyResponseConfig(t *testing.T) {
	c, _, rec := newRecordedClient(t, emulator.Config{})
	loop, err := c.CreateLoop(t.Context(), CreateLoopInput{Name: "Support", Icon: "chat"})
	if err != nil {
		t.Fatal(err)
	}
	for _, responseType := range []ResponseType{ResponseText, ResponseRating} {
		_, err := c.CreateRequest(t.Context(), loop.Loop.ID, CreateRequestInput{ProcessingType: "deferred", Type: "markdown",
			Priority: "low", RequestText: "Why?", ResponseType: responseType})
		if err != nil {
			t.Fatalf("%s request without settings: %v", responseType, err)
		}
		if sent := rec.requests[len(rec.requests)-1]; !strings.Contains(sent.body, `"response_config":{}`) {
			t.Errorf("%s request sent %s, want an empty response_config", responseType, sent.body)
		}
	}
}
