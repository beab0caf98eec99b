package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// qrPrefix starts every qr_code_base64 value.
const qrPrefix = "data:image/png;base64,"

// pngSignature starts every PNG file.
var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// copyConfig copies the Terraform configuration in src to dst, leaving out
// anything a previous run left behind there (.terraform, state, lock file)
// so that the demo never touches resources of a real account.
func copyConfig(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if name == ".terraform" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() || skipWhenCopying(name) {
			return nil
		}
		return copyFile(path, filepath.Join(dst, rel))
	})
}

func skipWhenCopying(name string) bool {
	return name == ".terraform.lock.hcl" || name == ".terraform.tfstate.lock.info" ||
		strings.HasPrefix(name, "terraform.tfstate") || strings.HasSuffix(name, ".tfstate") ||
		strings.HasSuffix(name, ".tfstate.backup")
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// qrCode is one decoded QR code picture.
type qrCode struct {
	// Name names the file: the map key for a map output, else the output's
	// name.
	Name string
	PNG  []byte
}

// qrCodes finds the QR codes in the output of `terraform output -json`:
// every string output, and every string in a map output, that is a
// data:image/png;base64 URI. They are returned sorted by name.
func qrCodes(outputJSON []byte) ([]qrCode, error) {
	var outputs map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(outputJSON, &outputs); err != nil {
		return nil, fmt.Errorf("reading terraform output -json: %w", err)
	}
	var codes []qrCode
	add := func(name, value string) error {
		if !strings.HasPrefix(value, qrPrefix) {
			return nil
		}
		png, err := decodeDataURI(value)
		if err != nil {
			return fmt.Errorf("QR code %q: %w", name, err)
		}
		codes = append(codes, qrCode{Name: name, PNG: png})
		return nil
	}
	for name, o := range outputs {
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			if err := add(name, s); err != nil {
				return nil, err
			}
			continue
		}
		var m map[string]any
		if json.Unmarshal(o.Value, &m) == nil {
			for k, v := range m {
				if s, ok := v.(string); ok {
					if err := add(k, s); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	sort.Slice(codes, func(i, j int) bool { return codes[i].Name < codes[j].Name })
	return codes, nil
}

// decodeDataURI returns the PNG in a data:image/png;base64 URI.
func decodeDataURI(uri string) ([]byte, error) {
	payload, ok := strings.CutPrefix(uri, qrPrefix)
	if !ok {
		return nil, fmt.Errorf("not a %s... URI", qrPrefix)
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return nil, fmt.Errorf("invalid base64: %w", err)
	}
	if !bytes.HasPrefix(data, pngSignature) {
		return nil, errors.New("the data is not a PNG picture")
	}
	return data, nil
}

// writeQRCodes writes each code to dir as <name>.png and returns the paths.
func writeQRCodes(dir string, codes []qrCode) ([]string, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	paths := make([]string, 0, len(codes))
	seen := map[string]bool{}
	for _, c := range codes {
		base := fileName(c.Name)
		name := base
		for i := 2; seen[name]; i++ {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		seen[name] = true
		p := filepath.Join(dir, name+".png")
		if err := os.WriteFile(p, c.PNG, 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// fileName makes a safe file name of an output or map key.
func fileName(name string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, name)
	name = strings.Trim(name, ".")
	if name == "" {
		return "qr_code"
	}
	return name
}

// displayPath shows path relative to the working directory when it lies
// below it.
func displayPath(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	rel, err := filepath.Rel(wd, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return rel
}
