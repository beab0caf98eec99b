package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// timeoutFunc is one of the timeouts.Value methods (Create, Read, Update,
// Delete): the configured time limit of an operation, or the default.
type timeoutFunc func(ctx context.Context, defaultTimeout time.Duration) (time.Duration, diag.Diagnostics)

// operationContext bounds ctx by an operation's time limit from the
// resource's `timeouts` block. Callers check diags before going on, and
// always call cancel.
func operationContext(ctx context.Context, limit timeoutFunc, defaultTimeout time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	timeout, d := limit(ctx, defaultTimeout)
	diags.Append(d...)
	return context.WithTimeout(ctx, timeout)
}

// dataSourceReadTimeout bounds a data source's read, retries included: data
// sources have no timeouts block, and an operation without a deadline would
// retry a failing API for the client's whole retry window.
const dataSourceReadTimeout = 2 * time.Minute

// dataSourceContext bounds a data source's read by dataSourceReadTimeout.
func dataSourceContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, dataSourceReadTimeout)
}
