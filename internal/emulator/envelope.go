package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// envelope is the shape of every API answer.
type envelope struct {
	Error bool   `json:"error"`
	Msg   string `json:"msg"`
	Data  any    `json:"data,omitempty"`
}

// fieldIssue is the object form of an error's data.
type fieldIssue struct {
	Field string `json:"field"`
	Issue string `json:"issue"`
}

// apiError is a handler's failure, written as an error envelope.
type apiError struct {
	status int
	msg    string
	data   any
}

func (a *apiError) write(w http.ResponseWriter) { writeError(w, a.status, a.msg, a.data) }

func validationFailed(data any) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: "Validation failed", data: data}
}

func fieldRequired(field string) *apiError {
	return validationFailed(fieldIssue{Field: field, Issue: "Field is required"})
}

func invalidBody(detail string) *apiError {
	return &apiError{status: http.StatusBadRequest, msg: "Invalid request body", data: detail}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only values the emulator built itself reach here, so this is a
		// programming error; say so in the envelope rather than panic.
		buf.Reset()
		buf.WriteString(`{"error":true,"msg":"Internal server error"}` + "\n")
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeOK(w http.ResponseWriter, status int, msg string, data any) {
	writeJSON(w, status, envelope{Msg: msg, Data: data})
}

func writeError(w http.ResponseWriter, status int, msg string, data any) {
	writeJSON(w, status, envelope{Error: true, Msg: msg, Data: data})
}

// maxBodyBytes bounds request bodies; the largest valid body (a request with
// 2,000 characters of text and a rich context) is far smaller.
const maxBodyBytes = 1 << 20

// decodeObject reads a JSON object body into its raw fields. Unknown fields
// are kept and ignored by callers, as the API ignores them.
func decodeObject(r *http.Request) (map[string]json.RawMessage, *apiError) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, invalidBody("request body could not be read")
	}
	if len(body) > maxBodyBytes {
		return nil, invalidBody("request body is too large")
	}
	trimmed := bytes.TrimSpace(body)
	// json.Unmarshal accepts null for a map; the API wants an object.
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, invalidBody("request body must be a JSON object")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &m); err != nil {
		return nil, invalidBody("request body must be a JSON object")
	}
	return m, nil
}

// isNull reports whether a raw field is absent or JSON null; both mean
// "not given".
func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// stringField returns a string field and whether it was given.
func stringField(m map[string]json.RawMessage, name string) (string, bool, *apiError) {
	raw := m[name]
	if isNull(raw) {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false, invalidBody(name + " must be a string")
	}
	return s, true, nil
}

// timestamp formats t the way the API does: RFC 3339, UTC, whole seconds.
func timestamp(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

func timestampPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := timestamp(*t)
	return &s
}
