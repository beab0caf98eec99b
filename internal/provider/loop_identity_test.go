package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// identityChecks gate the tests of resource identity, which Terraform and
// OpenTofu support from 1.12 on.
func identityChecks() []tfversion.TerraformVersionCheck {
	return []tfversion.TerraformVersionCheck{
		tfversion.SkipBelow(tfversion.Version1_12_0),
	}
}

// A loop's identity is its id: set on create, kept on update, and usable in
// an import block, which then plans nothing else.
func TestAccLoopResource_identity(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	const addr = "hitl_loop.test"
	sameID := statecheck.CompareValue(compare.ValuesSame())

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   identityChecks(),
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				Config: loopConfig(s, "Identity", "", "key"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"id": knownvalue.StringRegexp(hexID)}),
					statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					expectLoopOnServer(s, addr),
				},
			},
			{
				// An import block with `identity = { id = ... }`: the
				// framework checks the plan is a no-op import with the same
				// identity.
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
			},
			{
				ResourceName:    addr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// An update keeps the identity.
				Config: loopConfig(s, "Identity (renamed)", "", "key"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
					sameID.AddStateValue(addr, tfjsonpath.New("id")),
					expectLoopCount(s, 1),
				},
			},
		},
	})
}

// An import block with an identity brings in a loop created elsewhere:
// nothing is created or changed, and the next plan is empty.
func TestAccLoopResource_importBlockWithIdentity(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	id := s.createLoopOutside(t, s.APIKey(), hitl.CreateLoopInput{Name: "Legal", Description: "Contracts", Icon: "document-check"})
	const addr = "hitl_loop.legal"
	resourceBlock := `
resource "hitl_loop" "legal" {
  name        = "Legal"
  description = "Contracts"
  icon        = "document-check"
}
`
	withImport := s.providerBlock() + resourceBlock + fmt.Sprintf(`
import {
  to       = hitl_loop.legal
  identity = { id = %q }
}
`, id)

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   identityChecks(),
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				Config: withImport,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop),
					expectImporting(addr, true),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("invite_code"), knownvalue.Null()),
					expectLoopOnServer(s, addr),
					expectLoopCount(s, 1),
				},
			},
			{
				Config: s.providerBlock() + resourceBlock,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// An identity that names no loop fails the import with Terraform's own
// message, and creates nothing.
func TestAccLoopResource_importBlockWithUnknownIdentity(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	cfg := s.providerBlock() + `
resource "hitl_loop" "gone" {
  name = "Gone"
  icon = "flag"
}

import {
  to       = hitl_loop.gone
  identity = { id = "65f1234567890abcdef12345" }
}
`
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   identityChecks(),
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: regexp.MustCompile(`Cannot import non-existent remote object`),
		}},
	})
}

// expectImporting checks whether the plan imports the resource at addr.
func expectImporting(addr string, want bool) plancheck.PlanCheck {
	return planCheckFunc(func(plan *tfjson.Plan) error {
		for _, rc := range plan.ResourceChanges {
			if rc.Address == addr {
				if got := rc.Change != nil && rc.Change.Importing != nil; got != want {
					return fmt.Errorf("%s: importing is %v, want %v", addr, got, want)
				}
				return nil
			}
		}
		return fmt.Errorf("%s is not in the plan", addr)
	})
}

// withoutIdentity serves the provider as a release before resource
// identity would: it declares no identity schemas and returns no identity
// data, so Terraform stores none.
type withoutIdentity struct {
	tfprotov6.ProviderServer
}

func (p withoutIdentity) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{}}, nil
}

func (p withoutIdentity) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := p.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		resp.PlannedIdentity = nil
	}
	return resp, err
}

func (p withoutIdentity) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := p.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		resp.NewIdentity = nil
	}
	return resp, err
}

func (p withoutIdentity) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := p.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		resp.NewIdentity = nil
	}
	return resp, err
}

func (p withoutIdentity) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp, err := p.ProviderServer.ImportResourceState(ctx, req)
	if resp != nil {
		for _, r := range resp.ImportedResources {
			r.Identity = nil
		}
	}
	return resp, err
}

// A loop deleted outside Terraform leaves state on refresh and is planned
// for creation again, whether its state holds no identity (written by
// Terraform before 1.12, or by a provider release without identities) or
// one: Read sets the identity before it finds the loop gone, so the
// framework does not reject the refresh. Runs under every CLI.
func TestAccLoopResource_deletedOutsideTerraform(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	cfg := loopConfig(s, "Old State", "", "bookmark")
	oldRelease := map[string]func() (tfprotov6.ProviderServer, error){
		"hitl": func() (tfprotov6.ProviderServer, error) {
			server, err := testProviderFactories["hitl"]()
			return withoutIdentity{server}, err
		},
	}
	const addr = "hitl_loop.test"
	var loopID string
	recordID := stateCheckFunc(func(state *tfjson.State) error {
		r, err := stateResource(state, addr)
		if err != nil {
			return err
		}
		id, _ := r.AttributeValues["id"].(string)
		if id == loopID {
			return fmt.Errorf("the re-created loop has the deleted loop's id %s", id)
		}
		loopID = id
		return nil
	})
	deleteLoop := func() {
		if !s.DeleteLoop(loopID) {
			t.Fatalf("loop %s was not on the server", loopID)
		}
	}
	recreated := resource.TestStep{
		PreConfig:                deleteLoop,
		ProtoV6ProviderFactories: testProviderFactories,
		Config:                   cfg,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
		}},
		ConfigStateChecks: []statecheck.StateCheck{expectLoopCount(s, 1), expectLoopOnServer(s, addr), recordID},
	}

	resource.ParallelTest(t, resource.TestCase{
		CheckDestroy: checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: oldRelease,
				Config:                   cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					expectLoopCount(s, 1),
					recordID,
					stateCheckFunc(func(state *tfjson.State) error {
						r, err := stateResource(state, addr)
						if err != nil {
							return err
						}
						if len(r.IdentityValues) != 0 {
							return fmt.Errorf("the state written without identity schemas holds an identity: %v", r.IdentityValues)
						}
						return nil
					}),
				},
			},
			// Deleted while its state has no identity.
			recreated,
			// Deleted while its state has one (where the CLI keeps them).
			recreated,
		},
	})
}
