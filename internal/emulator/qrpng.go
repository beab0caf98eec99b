package emulator

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strconv"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// QR codes are encoded by github.com/boombuler/barcode and drawn here with
// the four-module quiet zone that the QR standard asks for and that
// scanners need, at a size that scans from a screen.
const (
	qrQuietZone = 4
	qrScale     = 8
)

// qrDataURL returns the QR code of text as a PNG in a data: URL, the form
// of the API's qr_code_base64, or "" when text is too long for a QR code
// (possible only with a PublicURL of kilobytes).
func qrDataURL(text string) string {
	b, err := qrPNG(text)
	if err != nil {
		return ""
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b)
}

// qrPNG returns a PNG picture of a QR code that encodes text, with medium
// (15%) error correction.
func qrPNG(text string) ([]byte, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return nil, err
	}
	modules := code.Bounds().Dx()
	size := (modules + 2*qrQuietZone) * qrScale
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for y := range modules {
		for x := range modules {
			if r, _, _, _ := code.At(x, y).RGBA(); r >= 0x8000 {
				continue // A light module.
			}
			x0, y0 := (x+qrQuietZone)*qrScale, (y+qrQuietZone)*qrScale
			for dy := range qrScale {
				for dx := range qrScale {
					img.SetColorIndex(x0+dx, y0+dy, 1)
				}
			}
		}
	}
	var buf bytes.Buffer
	// Encoding an in-memory paletted image to a buffer cannot fail.
	_ = png.Encode(&buf, img)
	return buf.Bytes(), nil
}

// qrPathPrefix starts the path of every qr_code_url.
const qrPathPrefix = "/qr/"

// joinURL is the join_url of the loop with this invite code.
func (e *Emulator) joinURL(inviteCode string) string {
	return e.joinBase + "/join/" + inviteCode
}

// qrURL is the qr_code_url of the loop with this invite code.
func (e *Emulator) qrURL(inviteCode string) string {
	return e.qrBase + qrPathPrefix + inviteCode + ".png"
}

// serveQR answers GET /qr/{invite_code}.png, the path of qr_code_url, with
// the same picture as the loop's qr_code_base64. Like the live service's
// image URLs it needs no key. It is reachable when Config.PublicURL points
// at the emulator itself.
func (e *Emulator) serveQR(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "Method not allowed", nil)
		return
	}
	code, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, qrPathPrefix), ".png")
	found := false
	if ok && code != "" {
		e.mu.Lock()
		for _, l := range e.loops {
			if l.inviteCode == code {
				found = true
				break
			}
		}
		e.mu.Unlock()
	}
	if !found {
		writeError(w, http.StatusNotFound, "QR code not found", nil)
		return
	}
	b, err := qrPNG(e.joinURL(code))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "QR code could not be drawn", nil)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(b)
}
