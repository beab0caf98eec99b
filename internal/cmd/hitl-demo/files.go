package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// modulePath identifies the repository's go.mod.
const modulePath = "github.com/hitl-sh/terraform-provider-hitl"

// qrPrefix starts every qr_code_base64 value.
const qrPrefix = "data:image/png;base64,"

// pngSignature starts every PNG file.
var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// findTerraform returns the terraform binary to use: the given path, or
// terraform on PATH. The error tells a newcomer what to do.
func findTerraform(given string) (string, error) {
	if given != "" {
		path, err := exec.LookPath(given)
		if err != nil {
			return "", fmt.Errorf("terraform binary %q cannot be run: %w", given, err)
		}
		return path, nil
	}
	path, err := exec.LookPath("terraform")
	if err != nil {
		return "", errors.New("the terraform CLI was not found on PATH.\n" +
			"The demo drives the real Terraform CLI (1.0 or newer). Install it from\n" +
			"https://developer.hashicorp.com/terraform/install or your package manager,\n" +
			"check that `terraform version` works, and run make demo again.\n" +
			"A terraform binary elsewhere can be given with: make demo TERRAFORM=/path/to/terraform")
	}
	return path, nil
}

// findModuleRoot returns the nearest directory at or above dir whose go.mod
// declares this module.
func findModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && declaresModule(data) {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("%s is not inside a checkout of %s: run the demo from the repository (make demo)", dir, modulePath)
		}
		d = parent
	}
}

func declaresModule(gomod []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == "module" && strings.Trim(fields[1], `"`) == modulePath {
			return true
		}
	}
	return false
}

// terraformVersion returns the CLI's version, and an error when it is older
// than 1.0, which the provider's protocol 6 needs.
func terraformVersion(ctx context.Context, terraform string, env []string) (string, error) {
	var out, errOut bytes.Buffer
	cmd := command(ctx, "", env, terraform, "version", "-json")
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s version failed: %w\n%s", terraform, err, errOut.String())
	}
	return parseTerraformVersion(out.Bytes())
}

func parseTerraformVersion(versionJSON []byte) (string, error) {
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(versionJSON, &v); err != nil || v.Version == "" {
		return "", errors.New("could not read the version of terraform; the demo needs Terraform 1.0 or newer")
	}
	major, err := strconv.Atoi(strings.SplitN(v.Version, ".", 2)[0])
	if err != nil {
		return "", fmt.Errorf("unexpected terraform version %q", v.Version)
	}
	if major < 1 {
		return "", fmt.Errorf("terraform %s is too old: the provider needs Terraform 1.0 or newer", v.Version)
	}
	return v.Version, nil
}

// cliConfigFile is a Terraform CLI configuration that takes hitl-sh/hitl
// from pluginDir and everything else from the registry as usual.
func cliConfigFile(pluginDir string) string {
	return "# Written by hitl-demo for a single run and removed afterwards.\n" +
		"provider_installation {\n" +
		"  dev_overrides {\n" +
		"    \"hitl-sh/hitl\" = " + hclString(filepath.ToSlash(pluginDir)) + "\n" +
		"  }\n" +
		"  direct {}\n" +
		"}\n"
}

// hclString quotes s as an HCL string literal.
func hclString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`, "${", "$${", "%{", "%%{")
	return `"` + r.Replace(s) + `"`
}

// terraformEnv returns base with the variables in set replacing any
// existing ones, and without the variables that would make Terraform use
// another configuration, provider, working directory or account.
func terraformEnv(base []string, set map[string]string) []string {
	drop := func(key string) bool {
		if _, ok := set[key]; ok {
			return true
		}
		switch key {
		case "TF_CLI_CONFIG_FILE", "TERRAFORM_CONFIG", "TF_REATTACH_PROVIDERS", "TF_DATA_DIR", "TF_WORKSPACE",
			"HITL_API_KEY", "HITL_BASE_URL":
			return true
		}
		return strings.HasPrefix(key, "TF_CLI_ARGS")
	}
	out := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		key, _, _ := strings.Cut(kv, "=")
		if !drop(key) {
			out = append(out, kv)
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, k+"="+set[k])
	}
	return out
}

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
