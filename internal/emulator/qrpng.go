package emulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
)

// The picture is QR-shaped (a version-4 grid with finder and timing
// patterns) but its data modules are a hash of the text, not an encoding of
// it: clients only need a real, decodable PNG that is stable for a given
// invite, and a full QR encoder would be the largest part of the package.
const (
	qrModules   = 33
	qrQuietZone = 4
	qrScale     = 4
)

// qrDataURL returns a PNG picture for text as a data: URL, the form of the
// API's qr_code_base64.
func qrDataURL(text string) string {
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(qrPNG(text))
}

func qrPNG(text string) []byte {
	grid := qrGrid(text)
	size := (qrModules + 2*qrQuietZone) * qrScale
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for y := range qrModules {
		for x := range qrModules {
			if !grid[y][x] {
				continue
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
	return buf.Bytes()
}

// qrGrid returns the dark modules: three finder squares, the timing lines
// between them, and hash-derived bits everywhere else.
func qrGrid(text string) [qrModules][qrModules]bool {
	var g [qrModules][qrModules]bool
	reserved := func(x, y int) bool {
		inFinder := func(fx, fy int) bool { return x >= fx-1 && x <= fx+7 && y >= fy-1 && y <= fy+7 }
		return inFinder(0, 0) || inFinder(qrModules-7, 0) || inFinder(0, qrModules-7) || x == 6 || y == 6
	}

	bits := hashBits(text, qrModules*qrModules)
	for y := range qrModules {
		for x := range qrModules {
			if !reserved(x, y) {
				g[y][x] = bits[y*qrModules+x]
			}
		}
	}
	for i := 8; i < qrModules-8; i++ {
		g[6][i] = i%2 == 0
		g[i][6] = i%2 == 0
	}
	for _, f := range [][2]int{{0, 0}, {qrModules - 7, 0}, {0, qrModules - 7}} {
		for dy := range 7 {
			for dx := range 7 {
				ring := max(abs(dx-3), abs(dy-3))
				g[f[1]+dy][f[0]+dx] = ring != 2
			}
		}
	}
	return g
}

// hashBits stretches SHA-256 of text into n deterministic bits.
func hashBits(text string, n int) []bool {
	out := make([]bool, 0, n)
	for counter := byte(0); len(out) < n; counter++ {
		sum := sha256.Sum256(append([]byte(text), counter))
		for _, b := range sum {
			for bit := range 8 {
				out = append(out, b&(1<<bit) != 0)
			}
		}
	}
	return out[:n]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
