package hitl

import (
	"encoding/json"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// The body of a create, for every response type, byte for byte: the field
// names are the ones the vendor's response-type pages (responses/*.mdx)
// and its end-to-end script send, and the emulator, which follows those
// pages, accepts each body.
func TestCreateRequestBodyPerResponseType(t *testing.T) {
	c, _, rec := newRecordedClient(t, emulator.Config{})
	loop, err := c.CreateLoop(t.Context(), CreateLoopInput{Name: "Types", Icon: "star"})
	if err != nil {
		t.Fatal(err)
	}
	const head = `{"processing_type":"time-sensitive","type":"markdown","priority":"high","request_text":"Q?",`
	tests := []struct {
		responseType ResponseType
		cfg          *ResponseConfig
		def          string
		want         string
	}{
		{"single_select", &ResponseConfig{
			Options:  []ResponseOption{{Value: "approve", Label: "Approve", Color: "#16a34a"}, {Value: "reject"}},
			Required: ptr(true),
		}, "reject",
			head + `"response_type":"single_select","response_config":{"options":[{"value":"approve","label":"Approve","color":"#16a34a"},"reject"],"required":true},` +
				`"timeout_seconds":600,"default_response":"reject","platform":"api"}`},
		{"multi_select", &ResponseConfig{
			Options:       []ResponseOption{{Value: "spam"}, {Value: "scam"}, {Value: "ok"}},
			MinSelections: ptr(int64(1)), MaxSelections: ptr(int64(2)),
		}, "spam,scam",
			head + `"response_type":"multi_select","response_config":{"options":["spam","scam","ok"],"min_selections":1,"max_selections":2},` +
				`"timeout_seconds":600,"default_response":["spam","scam"],"platform":"api"}`},
		{"rating", &ResponseConfig{
			ScaleMin: ptr(1.0), ScaleMax: ptr(5.0), ScaleStep: ptr(0.5), Labels: map[string]string{"1": "Poor", "5": "Excellent"},
		}, "3.5",
			head + `"response_type":"rating","response_config":{"scale_min":1,"scale_max":5,"scale_step":0.5,"labels":{"1":"Poor","5":"Excellent"}},` +
				`"timeout_seconds":600,"default_response":3.5,"platform":"api"}`},
		{"text", &ResponseConfig{Placeholder: ptr("Why?"), MinLength: ptr(int64(20)), MaxLength: ptr(int64(500))}, "No summary was provided",
			head + `"response_type":"text","response_config":{"placeholder":"Why?","min_length":20,"max_length":500},` +
				`"timeout_seconds":600,"default_response":"No summary was provided","platform":"api"}`},
		{"number", &ResponseConfig{
			MinValue: ptr(1.0), MaxValue: ptr(1000.0), DecimalPlaces: ptr(int64(2)), Prefix: ptr("$"), Suffix: ptr(" USD"),
			AllowNegative: ptr(false),
		}, "105.5",
			head + `"response_type":"number","response_config":{"min_value":1,"max_value":1000,"decimal_places":2,"prefix":"$","suffix":" USD","allow_negative":false},` +
				`"timeout_seconds":600,"default_response":105.5,"platform":"api"}`},
		{"boolean", &ResponseConfig{
			TrueLabel: ptr("Deploy"), FalseLabel: ptr("Hold"), TrueColor: ptr("#16a34a"), FalseColor: ptr("#dc2626"), Required: ptr(true),
		}, "false",
			head + `"response_type":"boolean","response_config":{"required":true,"true_label":"Deploy","false_label":"Hold","true_color":"#16a34a","false_color":"#dc2626"},` +
				`"timeout_seconds":600,"default_response":false,"platform":"api"}`},
	}
	for _, tt := range tests {
		def, err := EncodeAnswer(tt.responseType, tt.def)
		if err != nil {
			t.Fatalf("%s: %v", tt.responseType, err)
		}
		_, err = c.CreateRequest(t.Context(), loop.Loop.ID, CreateRequestInput{ProcessingType: "time-sensitive", Type: "markdown",
			Priority: "high", RequestText: "Q?", ResponseType: tt.responseType, ResponseConfig: tt.cfg, TimeoutSeconds: 600,
			DefaultResponse: def})
		if err != nil {
			t.Errorf("%s: the emulator refused the body: %v", tt.responseType, err)
		}
		if got := rec.requests[len(rec.requests)-1].body; got != tt.want {
			t.Errorf("%s request sent\n%s\nwant\n%s", tt.responseType, got, tt.want)
		}
	}
}

// A boolean answer reads as "true" or "false" in either documented shape,
// and is quoted by the label reviewers saw.
func TestBooleanAnswers(t *testing.T) {
	cfg := &ResponseConfig{TrueLabel: ptr("Deploy"), FalseLabel: ptr("Hold")}
	tests := []struct {
		raw       string
		cfg       *ResponseConfig
		text      string
		wantLabel string
	}{
		{`true`, cfg, "true", "Deploy"},
		{`false`, cfg, "false", "Hold"},
		{`{"boolean":true,"boolean_label":"✅ Ship it"}`, cfg, "true", "✅ Ship it"},
		{`{"boolean":false}`, cfg, "false", "Hold"},
		{`true`, nil, "true", "True"},
		{`false`, &ResponseConfig{}, "false", "False"},
		{`"maybe"`, cfg, "maybe", ""},
	}
	for _, tt := range tests {
		q := &Request{ResponseType: ResponseBoolean, ResponseConfig: tt.cfg, ResponseData: json.RawMessage(tt.raw)}
		if text, _ := AnswerText(q.ResponseData); text != tt.text {
			t.Errorf("AnswerText(%s) = %q, want %q", tt.raw, text, tt.text)
		}
		if got := AnswerLabel(q); got != tt.wantLabel {
			t.Errorf("AnswerLabel(%s) = %q, want %q", tt.raw, got, tt.wantLabel)
		}
	}
	if got := AnswerLabel(&Request{ResponseType: ResponseSingleSelect, ResponseData: json.RawMessage(`"approve"`)}); got != "" {
		t.Errorf("AnswerLabel of a select = %q, want none", got)
	}
}
