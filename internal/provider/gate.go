package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hitl-sh/terraform-provider-hitl/internal/approval"
)

// The approval gate itself (sending, waiting, cancelling, judging) lives in
// internal/approval; hitl_request and hitl_approval each turn its results
// into their own diagnostics (request_gate.go, approval_invoke.go).

// gate returns the approval engine for this provider's client.
func (d *providerData) gate() *approval.Engine {
	return &approval.Engine{
		Client: d.client,
		// Budget slows polling down as the API key's hourly budget runs
		// low; the client remembers the figures of the latest answer.
		Budget: func() (int, time.Time, bool) {
			r := d.client.RateLimit()
			return r.Remaining, r.Reset, r.Known
		},
		Log: gateLog,
	}
}

// gateLog passes the engine's log lines to tflog.
func gateLog(ctx context.Context, level, msg string, fields map[string]any) {
	switch level {
	case "warn":
		tflog.Warn(ctx, msg, fields)
	case "info":
		tflog.Info(ctx, msg, fields)
	default:
		tflog.Debug(ctx, msg, fields)
	}
}
