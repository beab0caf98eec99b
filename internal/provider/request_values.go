package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// Conversions between Terraform values and the API's request fields that
// the hitl_request resource, its data source and the hitl_approval action
// share.

// requestTimeoutSeconds is the time reviewers have to answer. The request
// object echoes timeout_seconds only when the create set it; otherwise (a
// deferred request with the API's default deadline) it is the time from
// created_at to timeout_at.
// Null when neither is there.
func requestTimeoutSeconds(q *hitl.Request) types.Int64 {
	if q.TimeoutSeconds > 0 {
		return types.Int64Value(q.TimeoutSeconds)
	}
	created, err1 := time.Parse(time.RFC3339, q.CreatedAt)
	deadline, err2 := time.Parse(time.RFC3339, q.TimeoutAt)
	if err1 != nil || err2 != nil || !deadline.After(created) {
		return types.Int64Null()
	}
	return types.Int64Value(int64(deadline.Sub(created) / time.Second))
}

// responseOptions reads the elements of a known options list.
func responseOptions(ctx context.Context, list types.List) ([]responseOptionModel, diag.Diagnostics) {
	if list.IsNull() || list.IsUnknown() {
		return nil, nil
	}
	var out []responseOptionModel
	diags := list.ElementsAs(ctx, &out, false)
	return out, diags
}

// apiOptions converts options to the API's form. The hitl_request resource
// and the hitl_approval action both send options this way.
func apiOptions(options []responseOptionModel) []hitl.ResponseOption {
	var out []hitl.ResponseOption
	for _, o := range options {
		out = append(out, hitl.ResponseOption{
			Value: o.Value.ValueString(), Label: o.Label.ValueString(), Color: o.Color.ValueString(),
		})
	}
	return out
}

func nonEmptyString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// compactJSON returns raw without insignificant whitespace, keeping its key
// order: response_data shows the answer as the API sent it.
func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}
