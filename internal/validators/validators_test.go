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

func TestCharLength(t *testing.T) {
	tests := []struct {
		name    string
		v       validator.String
		value   types.String
		wantErr string
	}{
		{"ascii at the limit", CharLengthBetween(1, 3), types.StringValue("abc"), ""},
		{"multi-byte characters count once", CharLengthBetween(1, 3), types.StringValue("éüö"), ""},
		{"emoji count once", CharLengthAtMost(2), types.StringValue("👍🎉"), ""},
		{"too long", CharLengthBetween(1, 3), types.StringValue("abcd"), "must be between 1 and 3 characters long, but it has 4. The HITL API would reject it; shorten it"},
		{"too long in characters", CharLengthBetween(1, 3), types.StringValue("日本語テ"), "but it has 4"},
		{"empty", CharLengthBetween(1, 3), types.StringValue(""), "but it has 0. The HITL API would reject it; lengthen it"},
		{"at most", CharLengthAtMost(2), types.StringValue("abc"), "must be at most 2 characters long, but it has 3. The HITL API would reject it; shorten it"},
		{"null is not checked", CharLengthBetween(1, 3), types.StringNull(), ""},
		{"unknown is not checked", CharLengthBetween(1, 3), types.StringUnknown(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := validate(t, tt.v, tt.value)
			if tt.wantErr == "" {
				if diags.HasError() {
					t.Fatalf("unexpected error: %v", diags)
				}
				return
			}
			if diags.ErrorsCount() != 1 || !strings.Contains(diags.Errors()[0].Detail(), tt.wantErr) {
				t.Fatalf("diagnostics %v, want one error containing %q", diags, tt.wantErr)
			}
		})
	}
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

func TestPositiveDuration(t *testing.T) {
	for value, ok := range map[string]bool{"30s": true, "2m": true, "1h30m": true, "0s": false, "-1s": false, "30": false, "soon": false} {
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
		"0s":    "must be a positive duration", "-1s": "must be a positive duration", "30": "must be a positive duration",
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
