package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// startOperation begins a resource operation after its plan or state was
// read (with any error in diags): it checks that the provider is configured
// and bounds ctx by the operation's time limit from the `timeouts` block.
// It returns false when the operation must not go on (diags says why).
// cancel is never nil; callers always call it.
func (d *providerData) startOperation(ctx context.Context, limit timeoutFunc, defaultTimeout time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc, bool) {
	if diags.HasError() || !d.ready(diags) {
		return ctx, func() {}, false
	}
	ctx, cancel := operationContext(ctx, limit, defaultTimeout, diags)
	return ctx, cancel, !diags.HasError()
}

// setIdentity sets a resource's identity to model. identity is nil only
// when the framework has no identity to fill, which cannot happen for a
// resource with an identity schema, but costs nothing to tolerate.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, model any) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, model)
}

// oneAttributeIdentity is the identity schema of a resource that one
// string attribute, required for import, identifies.
func oneAttributeIdentity(name, description string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			name: identityschema.StringAttribute{
				Description:       description,
				RequiredForImport: true,
			},
		},
	}
}
