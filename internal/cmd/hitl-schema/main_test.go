package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/hitl-sh/terraform-provider-hitl/internal/acctest"
	"github.com/hitl-sh/terraform-provider-hitl/internal/provider"
)

var testCLI acctest.CLI

func TestMain(m *testing.M) {
	cli, cleanup, err := acctest.PrepareEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testCLI = cli
	code := m.Run()
	cleanup()
	os.Exit(code)
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), "", &out); err != nil {
		t.Fatal(err)
	}
	var got tfjson.ProviderSchemas
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	ps := got.Schemas[providerKey]
	if ps == nil {
		t.Fatalf("no schema under %q: %s", providerKey, out.String())
	}
	for _, want := range []struct {
		what string
		ok   bool
	}{
		{"provider", ps.ConfigSchema != nil},
		{"resource hitl_loop", ps.ResourceSchemas["hitl_loop"] != nil},
		{"data source hitl_loops", ps.DataSourceSchemas["hitl_loops"] != nil},
		{"identity of hitl_loop", ps.ResourceIdentitySchemas["hitl_loop"] != nil},
		{"list resource hitl_loop", ps.ListResourceSchemas["hitl_loop"] != nil},
	} {
		if !want.ok {
			t.Errorf("the schema file lacks the %s", want.what)
		}
	}
	file := filepath.Join(t.TempDir(), "schema.json")
	if err := run(t.Context(), file, nil); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(file); err != nil || !bytes.Equal(b, out.Bytes()) {
		t.Errorf("-o wrote something else than standard output gets (%v)", err)
	}
}

// The schema file says what the CLI under test says about the provider,
// section by section; under Terraform 1.14 and later that includes the
// identities and list resources. A difference means the conversion in
// this command is wrong, and the generated documentation with it.
func TestAccSchema_matchesCLI(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	ours, err := providerSchema(t.Context(), providerserver.NewProtocol6(provider.New("dev")())())
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`terraform {
  required_providers {
    hitl = {
      source = "hitl-sh/hitl"
    }
  }
}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	address := testCLI.RegistryHost() + "/hitl-sh/hitl"
	reattach, stopped, err := acctest.ServeProvider(t.Context(), t, address, providerserver.NewProtocol6(provider.New("dev")()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { <-stopped })
	cli := func(args ...string) []byte {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), testCLI.Path, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+reattach, "TF_IN_AUTOMATION=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s%s", filepath.Base(testCLI.Path), strings.Join(args, " "), err, out, stderr.String())
		}
		return out
	}
	cli("init", "-input=false", "-no-color")
	var theirs tfjson.ProviderSchemas
	if err := json.Unmarshal(cli("providers", "schema", "-json"), &theirs); err != nil {
		t.Fatal(err)
	}
	ps := theirs.Schemas[address]
	if ps == nil {
		t.Fatalf("%s reports no schema for %s", testCLI.Name(), address)
	}

	compare := func(section string, cliValue, ourValue any) {
		t.Helper()
		a, _ := json.MarshalIndent(cliValue, "", "  ")
		b, _ := json.MarshalIndent(ourValue, "", "  ")
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from what %s reports.\n%s:\n%s\nhitl-schema:\n%s", section, testCLI.Name(), testCLI.Name(), a, b)
		}
	}
	compare("provider", ps.ConfigSchema, ours.ConfigSchema)
	compare("resource_schemas", ps.ResourceSchemas, ours.ResourceSchemas)
	compare("data_source_schemas", ps.DataSourceSchemas, ours.DataSourceSchemas)
	if ps.ResourceIdentitySchemas != nil || (!testCLI.OpenTofu && testCLI.AtLeast(1, 12)) {
		compare("resource_identity_schemas", ps.ResourceIdentitySchemas, ours.ResourceIdentitySchemas)
	}
	if ps.ListResourceSchemas != nil || (!testCLI.OpenTofu && testCLI.AtLeast(1, 14)) {
		compare("list_resource_schemas", ps.ListResourceSchemas, ours.ListResourceSchemas)
	}
	if ps.ActionSchemas != nil || (!testCLI.OpenTofu && testCLI.AtLeast(1, 14)) {
		compare("action_schemas", ps.ActionSchemas, ours.ActionSchemas)
	}
	t.Logf("%s reports these sections, all equal to hitl-schema's: %v", testCLI.Name(), reported(ps))
}

func reported(ps *tfjson.ProviderSchema) []string {
	b, _ := json.Marshal(ps)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	return sortedKeys(m)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
