package approval

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// Verdicts for every answer shape the API may send and every response type.
func TestJudge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     hitl.RequestStatus
		data       string // response_data; "" for none
		approve    []string
		want       Kind
		wantAnswer string
	}{
		{"single_select plain", "completed", `"approve"`, []string{"approve"}, Approved, "approve"},
		{"single_select object", "completed", `{"selected_value":"approve"}`, []string{"approve"}, Approved, "approve"},
		{"single_select rejected", "completed", `{"selected_value":"reject"}`, []string{"approve"}, Rejected, "reject"},
		{"single_select by label is not a value", "completed", `"Approve"`, []string{"approve"}, Rejected, "Approve"},
		{"multi_select list", "completed", `["grammar","accuracy"]`, []string{"grammar,accuracy"}, Approved, "grammar,accuracy"},
		{"multi_select object", "completed", `{"selected_values":["a","b"]}`, []string{"a,b"}, Approved, "a,b"},
		{"multi_select other", "completed", `["a"]`, []string{"a,b"}, Rejected, "a"},
		{"rating integer", "completed", `4`, []string{"4", "5"}, Approved, "4"},
		{"rating decimal", "completed", `4.5`, []string{"5"}, Rejected, "4.5"},
		{"number", "completed", `100.0`, []string{"100"}, Approved, "100"},
		{"text", "completed", `"ship it"`, []string{"ship it"}, Approved, "ship it"},
		{"boolean true", "completed", `true`, []string{"true"}, Approved, "true"},
		{"boolean false", "completed", `false`, []string{"true"}, Rejected, "false"},
		{"other object", "completed", `{"x":1}`, []string{"approve"}, Rejected, `{"x":1}`},
		{"default recorded", "timeout", `"reject"`, []string{"approve"}, DefaultRecorded, "reject"},
		{"approving default", "timeout", `"approve"`, []string{"approve"}, Approved, "approve"},
		{"timeout without default", "timeout", ``, []string{"approve"}, NoAnswer, ""},
		{"completed without data", "completed", `null`, []string{"approve"}, NoAnswer, ""},
		{"cancelled", "cancelled", ``, []string{"approve"}, Cancelled, ""},
		{"not gated", "completed", `"no"`, nil, Rejected, "no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &hitl.Request{ID: "r", Status: tt.status}
			if tt.data != "" {
				q.ResponseData = json.RawMessage(tt.data)
			}
			v := Judge(q, tt.approve)
			if v.Kind != tt.want || v.Answer != tt.wantAnswer || v.Request != q {
				t.Errorf("Judge = %s %q, want %s %q", v.Kind, v.Answer, tt.want, tt.wantAnswer)
			}
		})
	}
}

// The answer detail names who answered, from the answer itself, the
// request's recipients or a member list, and shows an answer's raw form
// when it differs from its text.
func TestAnswerDetail(t *testing.T) {
	t.Parallel()
	at := "2026-01-02T03:04:05Z"
	recipients := []hitl.Recipient{{UserID: "u0", Email: "lead@example.com"}, {UserID: "u1", Email: "oncall@example.com"}}
	tests := []struct {
		name   string
		q      hitl.Request
		emails map[string]string
		want   string
	}{
		{"from recipients", hitl.Request{ID: "r", ResponseData: json.RawMessage(`{"selected_value":"reject"}`),
			ResponseBy: &hitl.Responder{UserID: "u1"}, ResponseAt: &at, BroadcastedTo: recipients}, nil,
			`Reviewer oncall@example.com (user u1) answered "reject" to request r at ` + at + ` (response_data {"selected_value":"reject"})`},
		{"from members", hitl.Request{ID: "r", ResponseData: json.RawMessage(`"approve"`), ResponseBy: &hitl.Responder{UserID: "u2"}},
			map[string]string{"u2": "sre@example.com"}, `Reviewer sre@example.com (user u2) answered "approve" to request r`},
		{"webhook shape", hitl.Request{ID: "r", ResponseData: json.RawMessage(`"approve"`), ResponseBy: &hitl.Responder{Email: "a@example.com"}},
			nil, `Reviewer a@example.com answered "approve" to request r`},
		{"unknown email", hitl.Request{ID: "r", ResponseData: json.RawMessage(`4`), ResponseBy: &hitl.Responder{UserID: "u9"}},
			nil, `User u9 answered "4" to request r (response_data 4)`},
		{"nobody named", hitl.Request{ID: "r", ResponseData: json.RawMessage(`true`)}, nil, `A reviewer answered "true" to request r (response_data true)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Judge(&tt.q, nil).AnswerDetail(tt.emails); got != tt.want {
				t.Errorf("AnswerDetail =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	if got := strings.Join(Recipients(&hitl.Request{BroadcastedTo: append(recipients, hitl.Recipient{UserID: "u3"})}), ", "); got != "lead@example.com, oncall@example.com, user u3" {
		t.Errorf("Recipients = %q", got)
	}
}
