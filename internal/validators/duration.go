package validators

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The validators below go on timetypes.GoDuration attributes: the type
// rejects a value that is not a Go duration, and these add the limits the
// provider needs. A value the type rejects is left to its error.

// PositiveDuration checks that a duration is positive, such as "30s" or
// "2m".
func PositiveDuration() validator.String { return durationAtLeast{} }

// DurationAtLeast checks that a duration is at least minimum, such as a
// request timeout that leaves an answer any chance of arriving. why, when
// not empty, is appended to the error.
func DurationAtLeast(minimum time.Duration, why string) validator.String {
	return durationAtLeast{minimum: minimum, why: why}
}

// durationAtLeast is positive and at least minimum (zero: no minimum).
type durationAtLeast struct {
	minimum time.Duration
	why     string
}

func (v durationAtLeast) Description(context.Context) string {
	if v.minimum <= 0 {
		return `must be a positive duration such as "30s" or "2m"`
	}
	return fmt.Sprintf(`must be a duration of at least %s, such as "30s" or "2m"`, v.minimum)
}

func (v durationAtLeast) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationAtLeast) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, diags := timetypes.GoDuration{StringValue: req.ConfigValue}.ValueGoDuration()
	if diags.HasError() {
		return // Not a duration: timetypes.GoDuration reports it.
	}
	switch {
	case d <= 0:
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
