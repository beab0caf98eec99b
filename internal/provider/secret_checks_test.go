package provider

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// secretInJSON reports whether secret appears anywhere in v written as
// JSON, the form in which `terraform show -json` hands state and plans to
// other tools. (fmt would print the nested pointers of a tfjson value as
// addresses, and so never find anything.)
func secretInJSON(v any, secret string) (bool, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return false, fmt.Errorf("writing %T as JSON: %w", v, err)
	}
	return strings.Contains(buf.String(), secret), nil
}

// expectSecretNotInState fails when secret appears in the JSON of the
// state.
func expectSecretNotInState(secret string) statecheck.StateCheck {
	return stateCheckFunc(func(state *tfjson.State) error {
		if found, err := secretInJSON(state, secret); err != nil || found {
			return cmp.Or(err, fmt.Errorf("the API key is in state"))
		}
		return nil
	})
}

// expectSecretNotInPlan fails when secret appears in the JSON of the plan,
// which holds the prior state, the planned values and the configuration.
func expectSecretNotInPlan(secret string) plancheck.PlanCheck {
	return planCheckFunc(func(plan *tfjson.Plan) error {
		if found, err := secretInJSON(plan, secret); err != nil || found {
			return cmp.Or(err, fmt.Errorf("the API key is in the plan"))
		}
		return nil
	})
}

// secretInHumanOutput runs plan, apply and show for config with the CLI
// itself and reports which of their human-readable outputs (logs on stderr
// included) hold secret. The resources are destroyed again.
func secretInHumanOutput(t *testing.T, config, secret string) []string {
	t.Helper()
	cli := initCLI(t, config)
	var found []string
	for _, args := range [][]string{
		{"plan", "-no-color", "-input=false"},
		{"apply", "-no-color", "-input=false", "-auto-approve"},
		{"show", "-no-color"},
		{"destroy", "-no-color", "-input=false", "-auto-approve"},
	} {
		if out := cli.mustRun(args...); strings.Contains(out, secret) {
			found = append(found, "terraform "+args[0])
		}
	}
	return found
}

// The checks that keep the API key out of state and plans find a secret
// when there is one: a configuration that writes it into a loop's
// description fails each of them.
func TestAccProvider_secretChecksFindPlantedSecret(t *testing.T) {
	s := newTestServer(t, emulator.Config{})
	// Any string the provider is not given serves: the planted value is
	// what the checks must find, and the provider block holds the key.
	secret := "hitl_live_PLANTED0123456789abcdef"
	planted := s.providerBlock() + fmt.Sprintf(`
resource "hitl_loop" "test" {
  name        = "Planted"
  description = %q
  icon        = "lock"
}
`, secret)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		CheckDestroy:             checkNoLoopsLeft(s),
		Steps: []resource.TestStep{
			{
				Config:           planted,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectSecretNotInPlan(secret)}},
				ExpectError:      regexp.MustCompile(`the API key is in the plan`),
			},
			{
				Config:            planted,
				ConfigStateChecks: []statecheck.StateCheck{expectSecretNotInState(secret)},
				ExpectError:       regexp.MustCompile(`the API key is in state`),
			},
		},
	})
	want := []string{"terraform plan", "terraform apply", "terraform show", "terraform destroy"}
	if got := secretInHumanOutput(t, planted, secret); strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("the planted secret was found in the output of %q, want %q", got, want)
	}
}
