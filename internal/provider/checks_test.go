package provider

import (
	"context"
	"fmt"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// stateResource finds a managed resource or data source in a state by
// address.
func stateResource(state *tfjson.State, address string) (*tfjson.StateResource, error) {
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return nil, fmt.Errorf("no state")
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return r, nil
		}
	}
	return nil, fmt.Errorf("%s is not in state", address)
}

// stateCheckFunc adapts a function to statecheck.StateCheck.
type stateCheckFunc func(state *tfjson.State) error

func (f stateCheckFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f(req.State)
}

// expectLoopOnServer checks that the loop in state at address exists on the
// emulator with the same attributes, so the state is the server's truth and
// not an echo of the configuration.
func expectLoopOnServer(s *testServer, address string) statecheck.StateCheck {
	return stateCheckFunc(func(state *tfjson.State) error {
		r, err := stateResource(state, address)
		if err != nil {
			return err
		}
		id, _ := r.AttributeValues["id"].(string)
		loop, ok := s.Loop(id)
		if !ok {
			return fmt.Errorf("%s has id %q, which the server does not have", address, id)
		}
		want := map[string]any{
			"name":        loop.Name,
			"description": loop.Description,
			"icon":        loop.Icon,
			"creator_id":  loop.CreatorID,
		}
		if loop.InviteCode != "" && r.AttributeValues["invite_code"] != nil {
			want["invite_code"] = loop.InviteCode
		}
		for attr, v := range want {
			if got := r.AttributeValues[attr]; got != v {
				return fmt.Errorf("%s.%s is %v in state but %v on the server", address, attr, got, v)
			}
		}
		return nil
	})
}

// expectLoopCount checks how many loops the server holds, across accounts.
func expectLoopCount(s *testServer, want int) statecheck.StateCheck {
	return stateCheckFunc(func(*tfjson.State) error {
		if got := len(s.Loops()); got != want {
			return fmt.Errorf("the server holds %d loops, want %d", got, want)
		}
		return nil
	})
}

// stopFaults is a state check that ends the emulator's fault injection.
// State checks run right after the step's apply, so the framework's own
// plans after it (which must be empty) and the final destroy see an API
// that behaves.
func stopFaults(s *testServer) statecheck.StateCheck {
	return stateCheckFunc(func(*tfjson.State) error {
		s.SetFaults(emulator.Faults{})
		return nil
	})
}

// checkNoLoopsLeft is a CheckDestroy: after destroy the server must be
// empty.
func checkNoLoopsLeft(s *testServer) func(*terraform.State) error {
	return func(*terraform.State) error {
		if loops := s.Loops(); len(loops) != 0 {
			return fmt.Errorf("destroy left %d loops on the server, first %s", len(loops), loops[0].ID)
		}
		return nil
	}
}

// inRefreshedState runs a state check on a plan's prior state (the state
// as refreshed, unless the plan ran with -refresh=false), so that a
// plan-only step can check state and server.
func inRefreshedState(check stateCheckFunc) plancheck.PlanCheck {
	return planCheckFunc(func(plan *tfjson.Plan) error { return check(plan.PriorState) })
}

// planCheckFunc adapts a function to plancheck.PlanCheck.
type planCheckFunc func(plan *tfjson.Plan) error

func (f planCheckFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f(req.Plan)
}
