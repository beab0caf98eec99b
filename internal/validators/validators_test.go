package validators

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func validate(t *testing.T, v validator.String, value types.String) diag.Diagnostics {
	t.Helper()
	var resp validator.StringResponse
	v.ValidateString(t.Context(), validator.StringRequest{Path: path.Root("attr"), ConfigValue: value}, &resp)
	return resp.Diagnostics
}

func TestWarnUnlessOneOf(t *testing.T) {
	v := WarnUnlessOneOf("star", "flag")
	if diags := validate(t, v, types.StringValue("star")); len(diags) != 0 {
		t.Errorf("documented value: %v", diags)
	}
	diags := validate(t, v, types.StringValue("🚀"))
	if diags.HasError() || diags.WarningsCount() != 1 || !strings.Contains(diags.Warnings()[0].Detail(), `"🚀" is not one of`) {
		t.Errorf("undocumented value: %v, want one warning and no error", diags)
	}
	if diags := validate(t, v, types.StringUnknown()); len(diags) != 0 {
		t.Errorf("unknown value: %v", diags)
	}
}

// Values that are not durations ("30", "soon") are timetypes.GoDuration's to
// reject; the validators pass them.
func TestPositiveDuration(t *testing.T) {
	for value, ok := range map[string]bool{"30s": true, "2m": true, "1h30m": true, "0s": false, "-1s": false, "30": true, "soon": true} {
		diags := validate(t, PositiveDuration(), types.StringValue(value))
		if diags.HasError() == ok {
			t.Errorf("%q: diagnostics %v, want ok=%v", value, diags, ok)
		}
	}
}

func TestDurationAtLeast(t *testing.T) {
	v := DurationAtLeast(time.Second, "Shorter limits fail every call.")
	for value, want := range map[string]string{
		"1s": "", "30s": "", "2m": "",
		"999ms": `must be at least 1s; got "999ms". Shorter limits fail every call.`,
		"1ms":   "must be at least 1s",
		"0s":    "must be a positive duration", "-1s": "must be a positive duration", "30": "",
	} {
		diags := validate(t, v, types.StringValue(value))
		if want == "" {
			if diags.HasError() {
				t.Errorf("%q: unexpected %v", value, diags)
			}
			continue
		}
		if diags.ErrorsCount() != 1 || !strings.Contains(diags.Errors()[0].Detail(), want) {
			t.Errorf("%q: diagnostics %v, want one error containing %q", value, diags, want)
		}
	}
	if diags := validate(t, v, types.StringUnknown()); len(diags) != 0 {
		t.Errorf("unknown value: %v", diags)
	}
}
