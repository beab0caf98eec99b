package main

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// TestAccExample_memberPolicy runs examples/resources/hitl_loop_member_policy
// with the loop example it protects: a stranger who joins is planned for
// removal and removed, and the allowed contractor stays.
func TestAccExample_memberPolicy(t *testing.T) {
	e := startEmulator(t)
	dir := e.composeExample(t, nil, "provider/provider.tf", "resources/hitl_loop/resource.tf",
		"resources/hitl_loop_member_policy/resource.tf")
	const addr = "hitl_loop_member_policy.content_moderation"
	join := func(email string) {
		loops := e.Loops()
		if len(loops) != 1 {
			t.Fatalf("%d loops on the emulator, want 1", len(loops))
		}
		if _, err := e.AddMember(loops[0].ID, email, "active"); err != nil {
			t.Fatal(err)
		}
	}
	members := func(want ...string) statecheck.StateCheck {
		return serverCheck(func() error {
			return sameMembers(e.Loops()[0].Members, want)
		})
	}

	resource.ParallelTest(t, resource.TestCase{
		CheckDestroy: checkNoLoopsLeft(e.Emulator),
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: providerFactories(),
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("content_moderation_strangers", knownvalue.SetExact(nil)),
				},
			},
			{
				PreConfig: func() {
					join("contractor@partner.io")
					join("stranger@elsewhere.test")
				},
				ProtoV6ProviderFactories: providerFactories(),
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("unexpected_members"), knownvalue.SetExact(nil)),
					members("owner@example.com", "contractor@partner.io"),
				},
			},
		},
	})
}

// TestAccExample_loopMembers runs examples/data-sources/hitl_loop_members,
// its loop id replaced by an existing loop's.
func TestAccExample_loopMembers(t *testing.T) {
	e := startEmulator(t)
	created := e.createContentModeration(t)
	if _, err := e.AddMember(created.Loop.ID, "new@example.com", "pending"); err != nil {
		t.Fatal(err)
	}
	const file = "data-sources/hitl_loop_members/data-source.tf"
	dir := e.composeExample(t, importingLoop(t, file, created.Loop.ID), "provider/provider.tf", file)
	resource.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: providerFactories(),
			ConfigDirectory:          config.StaticDirectory(dir),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("moderation_members", knownvalue.MapExact(map[string]knownvalue.Check{
					"owner@example.com": knownvalue.StringExact("active"),
					"new@example.com":   knownvalue.StringExact("pending"),
				})),
				statecheck.ExpectKnownOutputValue("moderation_pending", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("new@example.com"),
				})),
			},
		}},
	})
}

// sameMembers compares the emails of members with want, in any order.
func sameMembers(members []emulator.Member, want []string) error {
	got := make([]string, 0, len(members))
	for _, m := range members {
		got = append(got, m.Email)
	}
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("the loop's members on the emulator are %q, want %q", got, want)
	}
	return nil
}
