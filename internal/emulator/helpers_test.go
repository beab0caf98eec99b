package emulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// spellings are the two documented path prefixes for loops and requests.
var spellings = []string{"/v1/api", "/v1"}

type fixture struct {
	t   *testing.T
	emu *emulator.Emulator
	srv *httptest.Server
}

func newFixture(t *testing.T, cfg emulator.Config) *fixture {
	t.Helper()
	emu := emulator.New(cfg)
	return serve(t, emu)
}

func serve(t *testing.T, emu *emulator.Emulator) *fixture {
	t.Helper()
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &fixture{t: t, emu: emu, srv: srv}
}

// result is a decoded answer.
type result struct {
	status int
	header http.Header
	raw    []byte
	env    struct {
		Error bool            `json:"error"`
		Msg   string          `json:"msg"`
		Data  json.RawMessage `json:"data"`
	}
}

// data decodes the envelope's data into v.
func (r *result) data(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.env.Data, v); err != nil {
		t.Fatalf("decoding data %s: %v", r.env.Data, err)
	}
}

// do sends a request with the owner's key.
func (f *fixture) do(method, path string, body any) *result {
	f.t.Helper()
	return f.doAuth("Bearer "+f.emu.APIKey(), method, path, body)
}

// doKey sends a request with another account's key.
func (f *fixture) doKey(key, method, path string, body any) *result {
	f.t.Helper()
	return f.doAuth("Bearer "+key, method, path, body)
}

// doAuth sends a request with a literal Authorization header ("" for none)
// and checks that the answer is a JSON object. A string body is sent as is;
// anything else is encoded as JSON.
func (f *fixture) doAuth(auth, method, path string, body any) *result {
	f.t.Helper()
	res, err := f.send(auth, method, path, body)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	if ct := res.header.Get("Content-Type"); ct != "application/json" {
		f.t.Errorf("%s %s: Content-Type %q, want application/json", method, path, ct)
	}
	if err := json.Unmarshal(res.raw, new(map[string]any)); err != nil {
		f.t.Errorf("%s %s: body is not JSON: %v: %s", method, path, err, res.raw)
	}
	return res
}

func (f *fixture) send(auth, method, path string, body any) (*result, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		return nil, err
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	res := &result{status: resp.StatusCode, header: resp.Header}
	if res.raw, err = io.ReadAll(resp.Body); err != nil {
		return nil, err
	}
	// A body that is not an envelope leaves env empty; doAuth checks it.
	_ = json.Unmarshal(res.raw, &res.env)
	return res, nil
}

// expect fails the test unless the answer has this status and message.
func (r *result) expect(t *testing.T, status int, msg string) {
	t.Helper()
	if r.status != status || r.env.Msg != msg {
		t.Fatalf("got %d %q, want %d %q; body %s", r.status, r.env.Msg, status, msg, r.raw)
	}
	if wantErr := status >= 400; r.env.Error != wantErr {
		t.Fatalf("error flag %v for status %d; body %s", r.env.Error, status, r.raw)
	}
}

// loopBody mirrors the loop object of the API.
type loopBody struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Icon        string `json:"icon"`
	CreatorID   string `json:"creator_id"`
	Members     []struct {
		UserID   string  `json:"user_id"`
		Email    string  `json:"email"`
		Status   string  `json:"status"`
		JoinedAt *string `json:"joined_at"`
	} `json:"members"`
	MemberCount  int    `json:"member_count"`
	PendingCount int    `json:"pending_count"`
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
}

type createdLoop struct {
	Loop         loopBody `json:"loop"`
	InviteCode   string   `json:"invite_code"`
	QRCodeBase64 string   `json:"qr_code_base64"`
	QRCodeURL    string   `json:"qr_code_url"`
	JoinURL      string   `json:"join_url"`
}

// createLoop creates a loop with the owner's key and returns the answer.
func (f *fixture) createLoop(name string) createdLoop {
	f.t.Helper()
	return f.createLoopKey(f.emu.APIKey(), name)
}

func (f *fixture) createLoopKey(key, name string) createdLoop {
	f.t.Helper()
	res := f.doKey(key, http.MethodPost, "/v1/api/loops", map[string]any{
		"name": name, "description": "d", "icon": "shield-check",
	})
	res.expect(f.t, http.StatusCreated, "Loop created successfully with QR code")
	var c createdLoop
	res.data(f.t, &c)
	return c
}

// validRequest returns a create-request body that passes validation.
func validRequest() map[string]any {
	return map[string]any{
		"processing_type":  "time-sensitive",
		"type":             "markdown",
		"priority":         "high",
		"request_text":     "Approve this?",
		"response_type":    "single_select",
		"response_config":  map[string]any{"options": []any{"approve", map[string]any{"value": "reject", "label": "Reject", "color": "#f00"}}},
		"default_response": "reject",
		"timeout_seconds":  600,
		"platform":         "api",
		"tags":             []string{"a"},
		"context":          map[string]any{"k": "v"},
	}
}

// createRequest creates a request in loopID and returns its id.
func (f *fixture) createRequest(loopID string, body map[string]any) string {
	f.t.Helper()
	res := f.do(http.MethodPost, "/v1/api/loops/"+loopID+"/requests", body)
	res.expect(f.t, http.StatusCreated, "Request created and broadcasted successfully")
	var d struct {
		RequestID string `json:"request_id"`
	}
	res.data(f.t, &d)
	return d.RequestID
}

// answeredRequest creates a valid request in loopID and answers it
// "approve", and returns its id.
func (f *fixture) answeredRequest(loopID string) string {
	f.t.Helper()
	id := f.createRequest(loopID, validRequest())
	if err := f.emu.RespondToRequest(id, "approve"); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// requestBody mirrors GET /api/requests/{id}'s request object.
type requestBody struct {
	ID              string          `json:"id"`
	LoopID          string          `json:"loop_id"`
	Status          string          `json:"status"`
	Priority        string          `json:"priority"`
	ProcessingType  string          `json:"processing_type"`
	RequestText     string          `json:"request_text"`
	TimeoutSeconds  *int            `json:"timeout_seconds"`
	CreatedAt       string          `json:"created_at"`
	UpdatedAt       string          `json:"updated_at"`
	TimeoutAt       string          `json:"timeout_at"`
	DefaultResponse json.RawMessage `json:"default_response"`
	ResponseData    json.RawMessage `json:"response_data"`
	ResponseBy      *string         `json:"response_by"`
	ResponseAt      *string         `json:"response_at"`
	BroadcastedTo   []struct {
		UserID           string `json:"user_id"`
		Email            string `json:"email"`
		Role             string `json:"role"`
		NotificationSent bool   `json:"notification_sent"`
	} `json:"broadcasted_to"`
}

func (f *fixture) getRequest(id string) requestBody {
	f.t.Helper()
	res := f.do(http.MethodGet, "/v1/api/requests/"+id, nil)
	res.expect(f.t, http.StatusOK, "Request retrieved successfully")
	var d struct {
		Request requestBody `json:"request"`
	}
	res.data(f.t, &d)
	return d.Request
}

// fakeClock is a settable clock for the emulator.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 3, 15, 10, 30, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newClockFixture returns a fixture whose emulator runs on a fake clock.
func newClockFixture(t *testing.T, cfg emulator.Config) (*fixture, *fakeClock) {
	t.Helper()
	emu := emulator.New(cfg)
	clock := newFakeClock()
	emulator.SetClock(emu, clock.Now)
	return serve(t, emu), clock
}
