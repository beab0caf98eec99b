package provider

import (
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// providerDataFrom is the shared body of every Configure method. The
// framework calls Configure before the provider is configured, too, with
// nil data; that is not an error.
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return data
}

// ready reports whether the provider was configured. It is not when a
// provider attribute was unknown during plan (it is known at apply).
func (d *providerData) ready(diags *diag.Diagnostics) bool {
	if d != nil {
		return true
	}
	diags.AddError("HITL provider not configured",
		"The provider's configuration (api_key, base_url or another attribute) is not known yet, for example because it "+
			"comes from a resource that has not been created. Create that resource first with `terraform apply -target=...`, "+
			"or set the values from variables or the HITL_API_KEY and HITL_BASE_URL environment variables.")
	return false
}

// claimSet records the ids of the objects of one kind that this provider
// process created or adopted: they belong to resources of this run. The
// zero value is ready to use.
type claimSet struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (c *claimSet) claim(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(id)
}

// add records id; the caller holds c.mu.
func (c *claimSet) add(id string) {
	if c.ids == nil {
		c.ids = map[string]bool{}
	}
	c.ids[id] = true
}

// len returns how many ids were claimed.
func (c *claimSet) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.ids)
}

// claimed reports whether id was claimed.
func (c *claimSet) claimed(id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ids[id]
}

// claimOnly claims the single id of candidates that no one has claimed yet,
// and returns it; if there are none or several, it claims nothing and
// returns the unclaimed ones.
func (c *claimSet) claimOnly(candidates []string) (claimed string, unclaimed []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range candidates {
		if !c.ids[id] {
			unclaimed = append(unclaimed, id)
		}
	}
	if len(unclaimed) == 1 {
		c.add(unclaimed[0])
		return unclaimed[0], unclaimed
	}
	return "", unclaimed
}
