package emulator

import (
	"bytes"
	"image/png"
	"testing"
)

func TestQRPNGIsDeterministicAndQRShaped(t *testing.T) {
	a, b := qrPNG("https://my.hitl.sh/join/ABC123DEF"), qrPNG("https://my.hitl.sh/join/ABC123DEF")
	if !bytes.Equal(a, b) {
		t.Fatal("the same text gave different pictures")
	}
	if bytes.Equal(a, qrPNG("https://my.hitl.sh/join/ABC123DEG")) {
		t.Fatal("different texts gave the same picture")
	}
	img, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	size := (qrModules + 2*qrQuietZone) * qrScale
	if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
		t.Fatalf("bounds %v, want %dx%d", b, size, size)
	}
	dark := func(moduleX, moduleY int) bool {
		x := (moduleX+qrQuietZone)*qrScale + qrScale/2
		y := (moduleY+qrQuietZone)*qrScale + qrScale/2
		r, _, _, _ := img.At(x, y).RGBA()
		return r < 0x8000
	}
	// Finder squares: dark border, light ring, dark centre, in three corners.
	for _, c := range [][2]int{{0, 0}, {qrModules - 7, 0}, {0, qrModules - 7}} {
		if !dark(c[0], c[1]) || dark(c[0]+1, c[1]+1) || !dark(c[0]+3, c[1]+3) {
			t.Fatalf("no finder pattern at module %v", c)
		}
	}
	if dark(-1, -1) {
		t.Fatal("the quiet zone is not light")
	}
	if len(a) > 4096 {
		t.Fatalf("PNG is %d bytes; it should stay small", len(a))
	}
}
