package acctest

import (
	"bytes"
	"fmt"
	"image/png"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
)

// ScanQR decodes the QR code in a PNG picture with a decoder independent of
// the one that drew it, and returns the text it holds.
func ScanQR(pic []byte) (string, error) {
	img, err := png.Decode(bytes.NewReader(pic))
	if err != nil {
		return "", fmt.Errorf("not a PNG: %w", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	// The pictures hold nothing but the code and its quiet zone. Without
	// this hint the decoder hunts for finder patterns as in a photograph,
	// and misses about one code in five hundred.
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return "", fmt.Errorf("no QR code found in the picture: %w", err)
	}
	return res.GetText(), nil
}
