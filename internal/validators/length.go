// Package validators holds schema validators shared by several resources
// and data sources.
package validators

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// CharLengthBetween checks that a string has between minLen and maxLen
// characters. Unlike stringvalidator.LengthBetween it counts characters
// (Unicode code points), not bytes, which is how the HITL API counts: a
// 100-character name in Japanese is valid although it is 300 bytes long.
func CharLengthBetween(minLen, maxLen int) validator.String {
	return charLength{min: minLen, max: maxLen}
}

// CharLengthAtMost checks that a string has at most maxLen characters.
func CharLengthAtMost(maxLen int) validator.String {
	return charLength{min: 0, max: maxLen}
}

type charLength struct{ min, max int }

func (v charLength) Description(context.Context) string {
	if v.min == 0 {
		return fmt.Sprintf("must be at most %d characters long", v.max)
	}
	return fmt.Sprintf("must be between %d and %d characters long", v.min, v.max)
}

func (v charLength) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v charLength) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	n := utf8.RuneCountInString(req.ConfigValue.ValueString())
	if n < v.min || n > v.max {
		fix := "shorten"
		if n < v.min {
			fix = "lengthen"
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value length",
			fmt.Sprintf("The value of %s %s, but it has %d. The HITL API would reject it; %s it and plan again.",
				req.Path, v.Description(ctx), n, fix))
	}
}
