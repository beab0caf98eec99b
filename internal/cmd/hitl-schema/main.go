// Command hitl-schema writes the provider's schema in the format of
// `terraform providers schema -json`, without a Terraform CLI: it asks the
// provider itself, in-process. make generate and make docs-check give the
// file to tfplugindocs (--providers-schema), so the documentation is the
// same whichever CLI is installed, and includes what older CLIs cannot
// report (resource identities, list resources, actions).
//
//	go run ./internal/cmd/hitl-schema -o schema.json
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/zclconf/go-cty/cty"

	"github.com/hitl-sh/terraform-provider-hitl/internal/provider"
)

// providerKey names the provider in the file. tfplugindocs looks the
// provider up by its short name.
const providerKey = "hitl"

func main() {
	out := flag.String("o", "", "write the schema to this file instead of standard output")
	flag.Parse()
	if err := run(context.Background(), *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hitl-schema:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string, stdout io.Writer) error {
	schema, err := providerSchema(ctx, providerserver.NewProtocol6(provider.New("dev")())())
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(&tfjson.ProviderSchemas{
		FormatVersion: "1.0",
		Schemas:       map[string]*tfjson.ProviderSchema{providerKey: schema},
	}, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if out == "" {
		_, err = stdout.Write(b)
		return err
	}
	return os.WriteFile(out, b, 0o644)
}

// providerSchema asks a provider server for its schemas, as Terraform does,
// and converts them to Terraform's JSON representation.
func providerSchema(ctx context.Context, server tfprotov6.ProviderServer) (*tfjson.ProviderSchema, error) {
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnosticsError(resp.Diagnostics); err != nil {
		return nil, err
	}
	if len(resp.Functions) > 0 || len(resp.StateStoreSchemas) > 0 {
		return nil, errors.New("the provider has functions or state stores, which hitl-schema does not convert yet")
	}
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, err
	}
	if err := diagnosticsError(ids.Diagnostics); err != nil {
		return nil, err
	}

	var c converter
	ps := &tfjson.ProviderSchema{
		ConfigSchema:             c.schema(resp.Provider),
		ResourceSchemas:          c.schemas(resp.ResourceSchemas),
		DataSourceSchemas:        c.schemas(resp.DataSourceSchemas),
		EphemeralResourceSchemas: c.schemas(resp.EphemeralResourceSchemas),
		ListResourceSchemas:      c.schemas(resp.ListResourceSchemas),
	}
	if len(resp.ActionSchemas) > 0 {
		ps.ActionSchemas = map[string]*tfjson.ActionSchema{}
		for name, s := range resp.ActionSchemas {
			ps.ActionSchemas[name] = &tfjson.ActionSchema{Block: c.block(s.Schema.Block)}
		}
	}
	if len(ids.IdentitySchemas) > 0 {
		ps.ResourceIdentitySchemas = map[string]*tfjson.IdentitySchema{}
		for name, s := range ids.IdentitySchemas {
			is := &tfjson.IdentitySchema{Version: uint64(s.Version), Attributes: map[string]*tfjson.IdentityAttribute{}}
			for _, a := range s.IdentityAttributes {
				is.Attributes[a.Name] = &tfjson.IdentityAttribute{
					IdentityType:      c.ctyType(a.Type),
					Description:       a.Description,
					RequiredForImport: a.RequiredForImport,
					OptionalForImport: a.OptionalForImport,
				}
			}
			ps.ResourceIdentitySchemas[name] = is
		}
	}
	return ps, c.err
}

func diagnosticsError(diags []*tfprotov6.Diagnostic) error {
	var errs []error
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, fmt.Errorf("%s: %s", d.Summary, d.Detail))
		}
	}
	return errors.Join(errs...)
}

// converter turns protocol schemas into Terraform's JSON form, keeping the
// first error it meets.
type converter struct{ err error }

func (c *converter) schemas(in map[string]*tfprotov6.Schema) map[string]*tfjson.Schema {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]*tfjson.Schema, len(in))
	for name, s := range in {
		out[name] = c.schema(s)
	}
	return out
}

func (c *converter) schema(s *tfprotov6.Schema) *tfjson.Schema {
	if s == nil {
		return nil
	}
	return &tfjson.Schema{Version: uint64(s.Version), Block: c.block(s.Block)}
}

func (c *converter) block(b *tfprotov6.SchemaBlock) *tfjson.SchemaBlock {
	out := &tfjson.SchemaBlock{
		Description:     b.Description,
		DescriptionKind: descriptionKind(b.DescriptionKind),
		Deprecated:      b.Deprecated,
	}
	if len(b.Attributes) > 0 {
		out.Attributes = map[string]*tfjson.SchemaAttribute{}
		for _, a := range b.Attributes {
			out.Attributes[a.Name] = c.attribute(a)
		}
	}
	if len(b.BlockTypes) > 0 {
		out.NestedBlocks = map[string]*tfjson.SchemaBlockType{}
		for _, nb := range b.BlockTypes {
			out.NestedBlocks[nb.TypeName] = &tfjson.SchemaBlockType{
				NestingMode: blockNesting(nb.Nesting),
				Block:       c.block(nb.Block),
				MinItems:    uint64(nb.MinItems),
				MaxItems:    uint64(nb.MaxItems),
			}
		}
	}
	return out
}

func (c *converter) attribute(a *tfprotov6.SchemaAttribute) *tfjson.SchemaAttribute {
	out := &tfjson.SchemaAttribute{
		Description:     a.Description,
		DescriptionKind: descriptionKind(a.DescriptionKind),
		Deprecated:      a.Deprecated,
		Required:        a.Required,
		Optional:        a.Optional,
		Computed:        a.Computed,
		Sensitive:       a.Sensitive,
		WriteOnly:       a.WriteOnly,
	}
	if a.NestedType != nil {
		nested := &tfjson.SchemaNestedAttributeType{
			Attributes:  map[string]*tfjson.SchemaAttribute{},
			NestingMode: objectNesting(a.NestedType.Nesting),
		}
		for _, na := range a.NestedType.Attributes {
			nested.Attributes[na.Name] = c.attribute(na)
		}
		out.AttributeNestedType = nested
		return out
	}
	out.AttributeType = c.ctyType(a.Type)
	return out
}

// ctyType converts a protocol type through its JSON form, which is the
// same in both type systems.
func (c *converter) ctyType(t interface{ MarshalJSON() ([]byte, error) }) cty.Type {
	b, err := t.MarshalJSON()
	if err != nil {
		c.keep(err)
		return cty.DynamicPseudoType
	}
	var out cty.Type
	if err := out.UnmarshalJSON(b); err != nil {
		c.keep(fmt.Errorf("type %s: %w", b, err))
		return cty.DynamicPseudoType
	}
	return out
}

func (c *converter) keep(err error) {
	if c.err == nil {
		c.err = err
	}
}

func descriptionKind(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}

func blockNesting(n tfprotov6.SchemaNestedBlockNestingMode) tfjson.SchemaNestingMode {
	return map[tfprotov6.SchemaNestedBlockNestingMode]tfjson.SchemaNestingMode{
		tfprotov6.SchemaNestedBlockNestingModeSingle: tfjson.SchemaNestingModeSingle,
		tfprotov6.SchemaNestedBlockNestingModeList:   tfjson.SchemaNestingModeList,
		tfprotov6.SchemaNestedBlockNestingModeSet:    tfjson.SchemaNestingModeSet,
		tfprotov6.SchemaNestedBlockNestingModeMap:    tfjson.SchemaNestingModeMap,
		tfprotov6.SchemaNestedBlockNestingModeGroup:  tfjson.SchemaNestingModeGroup,
	}[n]
}

func objectNesting(n tfprotov6.SchemaObjectNestingMode) tfjson.SchemaNestingMode {
	return map[tfprotov6.SchemaObjectNestingMode]tfjson.SchemaNestingMode{
		tfprotov6.SchemaObjectNestingModeSingle: tfjson.SchemaNestingModeSingle,
		tfprotov6.SchemaObjectNestingModeList:   tfjson.SchemaNestingModeList,
		tfprotov6.SchemaObjectNestingModeSet:    tfjson.SchemaNestingModeSet,
		tfprotov6.SchemaObjectNestingModeMap:    tfjson.SchemaNestingModeMap,
	}[n]
}
