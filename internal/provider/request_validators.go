package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Single-attribute validators of the request attributes, and the small
// helpers the plan-time checks of request_validate.go share.

// Validators of the attributes that the hitl_request resource and the
// hitl_approval action share: the same documented limits, checked the same
// way.
func loopIDValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(1)}
}

func requestTextValidators() []validator.String {
	return []validator.String{stringvalidator.UTF8LengthBetween(1, requestTextMaxChars)}
}

func priorityValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(requestPriorities...)}
}

func timeoutSecondsValidators() []validator.Int64 {
	return []validator.Int64{int64validator.Between(requestTimeoutMinSecs, requestTimeoutMaxSecs)}
}

func contextValidators() []validator.String { return []validator.String{jsonObjectValidator{}} }

// optionTextValidators check an option's value and label.
func optionTextValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(1)}
}

func approveValuesValidators() []validator.List {
	return []validator.List{
		listvalidator.SizeAtLeast(1),
		listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
	}
}

// known reports whether a value is neither null nor unknown.
func known(v interface {
	IsNull() bool
	IsUnknown() bool
}) bool {
	return !v.IsNull() && !v.IsUnknown()
}

func formatFloat(v types.Float64) string {
	return strconv.FormatFloat(v.ValueFloat64(), 'f', -1, 64)
}

func quoteAll(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	return strings.Join(quoted, ", ")
}

// jsonObjectValidator checks that a string is a JSON object, as the API's
// context field must be.
type jsonObjectValidator struct{}

func (jsonObjectValidator) Description(context.Context) string {
	return "must be a JSON object, such as the result of jsonencode({ key = \"value\" })"
}

func (v jsonObjectValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (jsonObjectValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	if !json.Valid([]byte(req.ConfigValue.ValueString())) {
		return // Not JSON at all: jsontypes.Normalized reports it.
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(req.ConfigValue.ValueString()), &obj); err != nil || obj == nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid context",
			fmt.Sprintf("%s must be a JSON object, such as jsonencode({ release = \"v1.2.3\" }); got %s. "+
				"The API accepts only an object here.", req.Path, truncateForMessage(req.ConfigValue.ValueString())))
	}
}

// urlValidator checks that a string is an absolute URL with one of the
// allowed schemes.
type urlValidator struct {
	schemes []string
	why     string
}

func (v urlValidator) Description(context.Context) string {
	return "must be an absolute " + strings.Join(v.schemes, " or ") + " URL"
}

func (v urlValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v urlValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	u, err := url.Parse(req.ConfigValue.ValueString())
	if err == nil && u.Host != "" && slices.Contains(v.schemes, u.Scheme) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
		fmt.Sprintf("%s %s, such as %s://example.com/path; got %s.%s", req.Path, v.Description(ctx), v.schemes[0],
			truncateForMessage(req.ConfigValue.ValueString()), v.why))
}

func truncateForMessage(s string) string {
	const maxChars = 80
	if utf8.RuneCountInString(s) > maxChars {
		s = string([]rune(s)[:maxChars]) + "…"
	}
	return strconv.Quote(s)
}

// jsonAttribute gives a resource attribute that holds JSON the
// jsontypes.Normalized type: the value is checked to be JSON, and a value
// read back from the API that differs from state only in spacing or key
// order is no change.
func jsonAttribute(a schema.StringAttribute) schema.StringAttribute {
	a.CustomType = jsontypes.NormalizedType{}
	return a
}

// jsonDataAttribute is jsonAttribute for a data source attribute.
func jsonDataAttribute(a dsschema.StringAttribute) dsschema.StringAttribute {
	a.CustomType = jsontypes.NormalizedType{}
	return a
}
