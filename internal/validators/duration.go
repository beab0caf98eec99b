package validators

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// PositiveDuration checks that a string is a positive Go duration such as
// "30s" or "2m".
func PositiveDuration() validator.String { return positiveDuration{} }

type positiveDuration struct{}

func (positiveDuration) Description(context.Context) string {
	return `must be a positive duration such as "30s" or "2m"`
}

func (v positiveDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (positiveDuration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s must be a positive duration with a unit, such as \"30s\" or \"2m\"; got %q.", req.Path, req.ConfigValue.ValueString()))
	}
}

// DurationAtLeast checks that a string is a Go duration of at least
// minimum, such as a request timeout that leaves an answer any chance of
// arriving. why, when not empty, is appended to the error.
func DurationAtLeast(minimum time.Duration, why string) validator.String {
	return durationAtLeast{minimum: minimum, why: why}
}

type durationAtLeast struct {
	minimum time.Duration
	why     string
}

func (v durationAtLeast) Description(context.Context) string {
	return fmt.Sprintf(`must be a duration of at least %s, such as "30s" or "2m"`, v.minimum)
}

func (v durationAtLeast) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationAtLeast) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	switch {
	case err != nil || d <= 0:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s must be a positive duration with a unit, such as \"30s\" or \"2m\"; got %q.", req.Path, req.ConfigValue.ValueString()))
	case d < v.minimum:
		detail := fmt.Sprintf("%s must be at least %s; got %q.", req.Path, v.minimum, req.ConfigValue.ValueString())
		if v.why != "" {
			detail += " " + v.why
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Duration too short", detail)
	}
}
