package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tinyPNG is a valid 1x1 PNG.
var tinyPNG = func() []byte {
	b, err := base64.StdEncoding.DecodeString(
		"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAG7buVgAAAABJRU5ErkJggg==")
	if err != nil {
		panic(err)
	}
	return b
}()

func dataURI(b []byte) string { return qrPrefix + base64.StdEncoding.EncodeToString(b) }

func TestCopyConfig(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "work")
	writeFile(t, filepath.Join(src, "main.tf"), "# main\n")
	writeFile(t, filepath.Join(src, "README.md"), "readme\n")
	writeFile(t, filepath.Join(src, "modules", "m", "m.tf"), "# module\n")
	// Left behind by a run against a real account: never copied.
	writeFile(t, filepath.Join(src, "terraform.tfstate"), "{}")
	writeFile(t, filepath.Join(src, "terraform.tfstate.backup"), "{}")
	writeFile(t, filepath.Join(src, ".terraform.lock.hcl"), "")
	writeFile(t, filepath.Join(src, ".terraform", "terraform.tfstate"), "{}")

	if err := copyConfig(src, dst); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := filepath.WalkDir(dst, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dst, path)
			got = append(got, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"README.md", "main.tf", "modules/m/m.tf"}
	if !slices.Equal(got, want) {
		t.Errorf("copied %q, want %q", got, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "main.tf")); string(b) != "# main\n" {
		t.Errorf("main.tf copied as %q", b)
	}
}

func TestQRCodes(t *testing.T) {
	outputs := map[string]any{
		"join_urls": map[string]any{"value": map[string]string{"a": "https://my.hitl.sh/join/ABC"}},
		"qr_codes": map[string]any{"sensitive": true, "value": map[string]string{
			"content_moderation": dataURI(tinyPNG),
			"contract_review":    dataURI(tinyPNG),
		}},
		"single_qr":    map[string]any{"value": dataURI(tinyPNG)},
		"loop_count":   map[string]any{"value": 3},
		"null_output":  map[string]any{"value": nil},
		"object_value": map[string]any{"value": map[string]any{"n": 1, "qr": dataURI(tinyPNG)}},
	}
	raw, err := json.Marshal(outputs)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := qrCodes(raw)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range codes {
		names = append(names, c.Name)
		if !bytes.Equal(c.PNG, tinyPNG) {
			t.Errorf("%s: decoded %d bytes, want the PNG", c.Name, len(c.PNG))
		}
	}
	if want := []string{"content_moderation", "contract_review", "qr", "single_qr"}; !slices.Equal(names, want) {
		t.Errorf("QR codes %q, want %q", names, want)
	}
}

func TestQRCodes_errors(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"not JSON":   {in: `Outputs:`, want: "reading terraform output -json"},
		"bad base64": {in: `{"qr":{"value":"data:image/png;base64,@@@"}}`, want: "invalid base64"},
		"not a PNG": {
			in:   `{"qr":{"value":"data:image/png;base64,` + base64.StdEncoding.EncodeToString([]byte("GIF89a")) + `"}}`,
			want: "not a PNG",
		},
	} {
		if _, err := qrCodes([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
	}
}

func TestDecodeDataURI(t *testing.T) {
	got, err := decodeDataURI(dataURI(tinyPNG))
	if err != nil || !bytes.Equal(got, tinyPNG) {
		t.Fatalf("decodeDataURI = %d bytes, %v", len(got), err)
	}
	if _, err := decodeDataURI("https://api.hitl.sh/qr/ABC.png"); err == nil {
		t.Error("want an error for a URL")
	}
}

func TestWriteQRCodes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo-output")
	paths, err := writeQRCodes(dir, []qrCode{
		{Name: "content_moderation", PNG: tinyPNG},
		{Name: "../escape attempt", PNG: tinyPNG},
		{Name: "..", PNG: tinyPNG},
		{Name: "content_moderation", PNG: tinyPNG},
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range paths {
		if filepath.Dir(p) != dir {
			t.Errorf("%s is outside %s", p, dir)
		}
		names = append(names, filepath.Base(p))
		if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, tinyPNG) {
			t.Errorf("%s: %v", p, err)
		}
	}
	want := []string{"content_moderation.png", "_escape_attempt.png", "qr_code.png", "content_moderation-2.png"}
	if !slices.Equal(names, want) {
		t.Errorf("wrote %q, want %q", names, want)
	}

	if paths, err := writeQRCodes(filepath.Join(t.TempDir(), "none"), nil); err != nil || paths != nil {
		t.Errorf("no codes: %q, %v", paths, err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
