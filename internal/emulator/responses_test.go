package emulator_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// Answers are checked against the request's response type and settings,
// as the API's validation rules say, and a boolean answer is stored in the
// documented form with its label.
func TestAnswersAreValidated(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	loop := f.createLoop("Answers").Loop.ID
	body := func(responseType string, cfg map[string]any, def any) map[string]any {
		b := validRequest()
		b["response_type"], b["response_config"], b["default_response"] = responseType, cfg, def
		return b
	}
	tests := []struct {
		name   string
		body   map[string]any
		bad    []any
		good   any
		stored string
	}{
		{"single_select", validRequest(), []any{"maybe", 3, []any{"approve"}}, "approve", `"approve"`},
		{"multi_select", body("multi_select", map[string]any{"options": []any{"a", "b", "c"}, "min_selections": 1, "max_selections": 2}, nil),
			[]any{"a", []any{}, []any{"a", "b", "c"}, []any{"a", "a"}, []any{"d"}}, []any{"a", "c"}, `["a","c"]`},
		{"rating", body("rating", map[string]any{"scale_min": 1, "scale_max": 10}, nil), []any{0, 11, "5"}, 7.5, `7.5`},
		{"number", body("number", map[string]any{"min_value": 10, "max_value": 20, "decimal_places": 1}, nil),
			[]any{9, 21, 12.25, "12", -1}, 12.5, `12.5`},
		{"text", body("text", map[string]any{"min_length": 2, "max_length": 5}, nil), []any{"a", "toolong", 3}, "fine", `"fine"`},
		{"boolean", body("boolean", map[string]any{"true_label": "Deploy", "false_label": "Hold"}, false), []any{"true", 1, nil}, true,
			`{"boolean":true,"boolean_label":"Deploy"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := f.createRequest(loop, tt.body)
			for _, v := range tt.bad {
				if err := f.emu.RespondToRequest(id, v); !errors.Is(err, emulator.ErrInvalidAnswer) {
					t.Errorf("answer %#v: %v, want an invalid answer", v, err)
				}
			}
			res := f.do(http.MethodPost, "/v1/_emulator/requests/"+id+"/respond", map[string]any{"response_data": tt.bad[0]})
			res.expect(t, http.StatusBadRequest, "Validation failed")
			if err := f.emu.RespondToRequest(id, tt.good); err != nil {
				t.Fatalf("answer %#v: %v", tt.good, err)
			}
			if got := f.getRequest(id); got.Status != "completed" || string(got.ResponseData) != tt.stored {
				t.Errorf("request is %s with %s, want completed with %s", got.Status, got.ResponseData, tt.stored)
			}
		})
	}
}

// A boolean request that times out records its default response in the
// documented form, labelled with the API's default label.
func TestBooleanDefaultResponseOnTimeout(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	loop := f.createLoop("Answers").Loop.ID
	b := validRequest()
	b["response_type"], b["response_config"], b["default_response"] = "boolean", map[string]any{}, false
	id := f.createRequest(loop, b)
	if err := f.emu.ExpireRequest(id); err != nil {
		t.Fatal(err)
	}
	got := f.getRequest(id)
	if got.Status != "timeout" || string(got.ResponseData) != `{"boolean":false,"boolean_label":"False"}` || string(got.DefaultResponse) != "false" {
		t.Errorf("request is %s with response %s and default %s", got.Status, got.ResponseData, got.DefaultResponse)
	}
}
