// Package validators holds schema validators shared by several resources
// and data sources.
package validators

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Regexp checks that a string is a regular expression in Go's RE2 syntax,
// so that a typo in a filter fails at plan time instead of during a read.
func Regexp() validator.String { return regexpValidator{} }

type regexpValidator struct{}

func (regexpValidator) Description(context.Context) string {
	return "must be a valid regular expression (RE2 syntax)"
}

func (v regexpValidator) MarkdownDescription(context.Context) string {
	return "must be a valid regular expression ([RE2 syntax](https://github.com/google/re2/wiki/Syntax))"
}

func (regexpValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%s must be a regular expression in RE2 syntax (https://github.com/google/re2/wiki/Syntax): %s. "+
				"Correct the expression.", req.Path, err))
	}
}
