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

func TestFindTerraform_missing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := findTerraform("")
	if err == nil {
		t.Fatal("want an error when terraform is not on PATH")
	}
	for _, want := range []string{"not found on PATH", "developer.hashicorp.com/terraform/install", "TERRAFORM="} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestFindTerraform_givenPath(t *testing.T) {
	if _, err := findTerraform(filepath.Join(t.TempDir(), "terraform")); err == nil {
		t.Fatal("want an error for a path that does not exist")
	}
}

func TestFindModuleRoot(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module "+modulePath+"\n\ngo 1.24\n")
	nested := filepath.Join(root, "internal", "cmd", "hitl-demo")
	if err := os.MkdirAll(nested, 0o755); err != nil {
		t.Fatal(err)
	}
	// A go.mod of another module on the way up is skipped.
	writeFile(t, filepath.Join(root, "internal", "go.mod"), "module example.com/other\n")

	got, err := findModuleRoot(nested)
	if err != nil {
		t.Fatal(err)
	}
	if got != root {
		t.Errorf("findModuleRoot = %q, want %q", got, root)
	}

	if _, err := findModuleRoot(t.TempDir()); err == nil || !strings.Contains(err.Error(), "make demo") {
		t.Errorf("outside a checkout: err = %v, want one that says how to run the demo", err)
	}
}

func TestParseTerraformVersion(t *testing.T) {
	for _, tc := range []struct {
		in, want, wantErr string
	}{
		{in: `{"terraform_version":"1.11.4","platform":"linux_amd64"}`, want: "1.11.4"},
		{in: `{"terraform_version":"1.0.0"}`, want: "1.0.0"},
		{in: `{"terraform_version":"0.15.5"}`, wantErr: "too old"},
		{in: `Terraform v1.5.0`, wantErr: "could not read"},
		{in: `{}`, wantErr: "could not read"},
	} {
		got, err := parseTerraformVersion([]byte(tc.in))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestCLIConfigFile(t *testing.T) {
	got := cliConfigFile("/tmp/hitl-demo-1/plugins")
	for _, want := range []string{
		"provider_installation {",
		"dev_overrides {",
		`"hitl-sh/hitl" = "/tmp/hitl-demo-1/plugins"`,
		"direct {}",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("CLI configuration lacks %q:\n%s", want, got)
		}
	}
}

func TestHCLString(t *testing.T) {
	for in, want := range map[string]string{
		`/tmp/a`:         `"/tmp/a"`,
		`C:\Temp\a`:      `"C:\\Temp\\a"`,
		`say "hi"`:       `"say \"hi\""`,
		`${not} %{this}`: `"$${not} %%{this}"`,
	} {
		if got := hclString(in); got != want {
			t.Errorf("hclString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestTerraformEnv(t *testing.T) {
	base := []string{
		"PATH=/usr/bin",
		"HOME=/home/me",
		"TF_CLI_CONFIG_FILE=/home/me/.terraformrc",
		"TF_CLI_ARGS=-no-color",
		"TF_CLI_ARGS_apply=-parallelism=1",
		"TF_REATTACH_PROVIDERS={}",
		"TF_DATA_DIR=/elsewhere",
		"HITL_API_KEY=real-key",
		"HITL_BASE_URL=https://api.hitl.sh/v1",
		"TF_VAR_name_prefix=Team A",
		"TF_LOG=DEBUG",
	}
	got := terraformEnv(base, map[string]string{
		"TF_CLI_CONFIG_FILE": "/tmp/x/terraform.rc",
		"HITL_API_KEY":       "emulator-key",
	})
	want := []string{
		"PATH=/usr/bin",
		"HOME=/home/me",
		"TF_VAR_name_prefix=Team A",
		"TF_LOG=DEBUG",
		"HITL_API_KEY=emulator-key",
		"TF_CLI_CONFIG_FILE=/tmp/x/terraform.rc",
	}
	if !slices.Equal(got, want) {
		t.Errorf("terraformEnv =\n  %q\nwant\n  %q", got, want)
	}
}

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
