package emulator_test

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// scanQR decodes the QR code in a PNG picture the way a phone would, with
// an independent decoder, and returns the text it holds.
func scanQR(t *testing.T, pic []byte) string {
	t.Helper()
	text, err := acctest.ScanQR(pic)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// qrPicture returns the PNG in a qr_code_base64 data URL.
func qrPicture(t *testing.T, dataURL string) []byte {
	t.Helper()
	b64, ok := strings.CutPrefix(dataURL, "data:image/png;base64,")
	if !ok {
		t.Fatalf("qr_code_base64 lacks the data URL prefix: %.40q", dataURL)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestQRCodeEncodesTheJoinURL(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	for _, name := range []string{"Review", "Other"} {
		c := f.createLoop(name)
		if got := scanQR(t, qrPicture(t, c.QRCodeBase64)); got != c.JoinURL {
			t.Errorf("loop %q: the QR code holds %q, want its join_url %q", name, got, c.JoinURL)
		}
	}
}

// With PublicURL pointing at the emulator, qr_code_url serves the same
// picture as qr_code_base64, without a key, for as long as the loop exists.
func TestQRCodeURLServesThePicture(t *testing.T) {
	var emu *emulator.Emulator
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { emu.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	emu = emulator.New(emulator.Config{PublicURL: srv.URL})
	f := &fixture{t: t, emu: emu, srv: srv}
	c := f.createLoop("Review")
	if !strings.HasPrefix(c.QRCodeURL, srv.URL+"/qr/") || c.JoinURL != srv.URL+"/join/"+c.InviteCode {
		t.Fatalf("qr_code_url %q, join_url %q", c.QRCodeURL, c.JoinURL)
	}

	get := func(url string) (int, string, []byte) {
		t.Helper()
		resp, err := srv.Client().Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(resp.Body); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header.Get("Content-Type"), buf.Bytes()
	}
	status, ct, body := get(c.QRCodeURL)
	if status != http.StatusOK || ct != "image/png" {
		t.Fatalf("GET qr_code_url: %d %q", status, ct)
	}
	if !bytes.Equal(body, qrPicture(t, c.QRCodeBase64)) {
		t.Fatal("qr_code_url serves another picture than qr_code_base64")
	}
	if got := scanQR(t, body); got != c.JoinURL {
		t.Fatalf("the served QR code holds %q, want %q", got, c.JoinURL)
	}
	if n := emu.TotalCalls(); n != 1 {
		t.Fatalf("TotalCalls() = %d after one create and one picture, want 1: pictures are not API calls", n)
	}

	for _, path := range []string{"/qr/NOSUCHCOD.png", "/qr/" + c.InviteCode, "/qr/.png"} {
		if status, _, _ := get(srv.URL + path); status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, status)
		}
	}
	f.do(http.MethodDelete, "/v1/api/loops/"+c.Loop.ID, nil).expect(t, http.StatusOK, "Loop deleted successfully")
	if status, _, _ := get(c.QRCodeURL); status != http.StatusNotFound {
		t.Fatalf("GET qr_code_url of a deleted loop: %d, want 404", status)
	}
}
