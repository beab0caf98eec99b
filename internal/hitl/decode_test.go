package hitl

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary bodies and statuses to the response decoder:
// it must never panic, and must either fail with one of the client's typed
// errors or return a loop that has an id.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(okLoop), 200)
	f.Add([]byte(`{"error":true,"msg":"Validation failed","data":{"field":"name","issue":"Field is required"}}`), 400)
	f.Add([]byte(`<html>502</html>`), 502)
	f.Add([]byte(`{"error":false,"data":{"loop":{"id":1}}}`), 200)
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		var out loopData
		err := decode("GET", "/api/loops/x", "https://api.hitl.sh/v1/api/loops/x", attempt{status: status, body: body}, &out)
		if err == nil {
			if out.Loop.ID == "" {
				t.Fatalf("decode accepted a loop without an id from %q", body)
			}
			return
		}
		var apiErr *APIError
		var respErr *ResponseError
		if !errors.As(err, &apiErr) && !errors.As(err, &respErr) {
			t.Fatalf("decode returned an untyped error %T: %v", err, err)
		}
		_ = err.Error()
	})
}

// listBody is an API answer listing n loops, each with a few members.
func listBody(n int) []byte {
	loops := make([]Loop, n)
	for i := range loops {
		joined := "2024-03-15T10:30:00Z"
		loops[i] = Loop{
			ID: fmt.Sprintf("%024x", i), Name: fmt.Sprintf("Loop %d", i), Description: strings.Repeat("d", 200), Icon: "star",
			CreatorID: "65f1234567890abcdef12346", MemberCount: 3, CreatedAt: joined, UpdatedAt: joined,
			Members: []Member{
				{UserID: "u1", Email: "a@example.com", Status: MemberActive, JoinedAt: &joined},
				{UserID: "u2", Email: "b@example.com", Status: MemberActive, JoinedAt: &joined},
				{UserID: "u3", Email: "c@example.com", Status: MemberPending},
			},
		}
	}
	data, _ := json.Marshal(map[string]any{"error": false, "msg": "Loops retrieved successfully", "data": map[string]any{"loops": loops, "count": n}})
	return data
}

func BenchmarkDecodeLoopList500(b *testing.B) {
	body := listBody(500)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var out loopsData
		if err := decode("GET", "/api/loops", "https://api.hitl.sh/v1/api/loops", attempt{status: 200, body: body}, &out); err != nil || len(out.Loops) != 500 {
			b.Fatal(err)
		}
	}
}
