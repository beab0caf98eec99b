package validators

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// WarnUnlessOneOf warns, without failing, when a string is not one of the
// documented values. It is for open lists: the API documents some values but
// may accept more, so an unlisted value is worth a second look, not an error.
func WarnUnlessOneOf(documented ...string) validator.String {
	return warnUnlessOneOf{values: documented}
}

type warnUnlessOneOf struct{ values []string }

func (v warnUnlessOneOf) Description(context.Context) string {
	return "should be one of the documented values: " + strings.Join(v.values, ", ")
}

func (v warnUnlessOneOf) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v warnUnlessOneOf) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	value := req.ConfigValue.ValueString()
	if slices.Contains(v.values, value) {
		return
	}
	resp.Diagnostics.AddAttributeWarning(req.Path, "Undocumented value",
		fmt.Sprintf("%q is not one of the values the HITL API documents for %s (%s). "+
			"The API may still accept it; if it is a typo, correct it.", value, req.Path, strings.Join(v.values, ", ")))
}
