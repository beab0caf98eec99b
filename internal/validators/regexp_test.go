package validators

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestRegexp(t *testing.T) {
	tests := []struct {
		name      string
		value     types.String
		wantError string
	}{
		{name: "valid", value: types.StringValue(`^prod-[a-z]+$`)},
		{name: "empty matches everything", value: types.StringValue("")},
		{name: "null", value: types.StringNull()},
		{name: "unknown", value: types.StringUnknown()},
		{name: "unclosed group", value: types.StringValue(`^(prod`), wantError: "missing closing )"},
		{name: "Perl lookahead is not RE2", value: types.StringValue(`^(?!test)`), wantError: "invalid or unsupported Perl syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := validator.StringRequest{Path: path.Root("name_regex"), ConfigValue: tt.value}
			var resp validator.StringResponse
			Regexp().ValidateString(t.Context(), req, &resp)

			if tt.wantError == "" {
				if resp.Diagnostics.HasError() {
					t.Fatalf("unexpected error: %v", resp.Diagnostics)
				}
				return
			}
			if resp.Diagnostics.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %v", resp.Diagnostics)
			}
			d := resp.Diagnostics.Errors()[0]
			if d.Summary() != "Invalid regular expression" {
				t.Errorf("summary = %q", d.Summary())
			}
			for _, want := range []string{"name_regex", tt.wantError, "RE2"} {
				if !strings.Contains(d.Detail(), want) {
					t.Errorf("detail %q does not mention %q", d.Detail(), want)
				}
			}
		})
	}
}
