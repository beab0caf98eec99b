package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// The hitl_approval action as a boolean go/no-go question: response_type
// = "boolean" asks reviewers true or false, with true_label and
// false_label as the two buttons. true approves by default, and silence
// records false.

const (
	approvalBooleanApprove    = "true"
	approvalBooleanDefault    = "false"
	approvalBooleanTrueLabel  = "Approve"
	approvalBooleanFalseLabel = "Reject"
)

var approvalBooleanDocs = struct{ ResponseType, TrueLabel, FalseLabel string }{
	ResponseType: "`single_select` (the default): reviewers pick one of `options`. `boolean`: a go/no-go question " +
		"answered `true` or `false`, shown as `true_label` and `false_label`; `approve_values` then defaults to " +
		"`[\"true\"]` and `default_response` to `false`, and `options` is not used.",
	TrueLabel: "With `response_type = \"boolean\"`, the text of the `true` answer, at most 100 characters. " +
		"Defaults to `Approve`. Messages quote the answer by this label.",
	FalseLabel: "With `response_type = \"boolean\"`, the text of the `false` answer, at most 100 characters. " +
		"Defaults to `Reject`.",
}

// approvalResponseTypeAttributes are the action's attributes that choose
// and configure the response type.
func approvalResponseTypeAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"response_type": schema.StringAttribute{
			MarkdownDescription: approvalBooleanDocs.ResponseType,
			Optional:            true,
			Validators:          []validator.String{stringvalidator.OneOf(responseSingleSelect, responseBoolean)},
		},
		"true_label": schema.StringAttribute{
			MarkdownDescription: approvalBooleanDocs.TrueLabel, Optional: true, Validators: booleanLabelValidators(),
		},
		"false_label": schema.StringAttribute{
			MarkdownDescription: approvalBooleanDocs.FalseLabel, Optional: true, Validators: booleanLabelValidators(),
		},
	}
}

func (m *approvalActionModel) isBoolean() bool {
	return known(m.ResponseType) && m.ResponseType.ValueString() == responseBoolean
}

// validateNoBooleanSettings refuses the boolean settings on a
// single_select approval, where they would be ignored.
func (m *approvalActionModel) validateNoBooleanSettings() diag.Diagnostics {
	var diags diag.Diagnostics
	for name, v := range map[string]types.String{"true_label": m.TrueLabel, "false_label": m.FalseLabel} {
		if !v.IsNull() {
			diags.AddAttributeError(path.Root(name), "Setting of a boolean approval",
				fmt.Sprintf("%s labels an answer of a boolean approval, but response_type is %q%s. Set response_type = "+
					"\"boolean\", or remove %s.", name, responseSingleSelect, defaultNote(m.ResponseType), name))
		}
	}
	return diags
}

// validateNoOptions refuses options on a boolean approval, which is
// answered true or false.
func (m *approvalActionModel) validateNoOptions() diag.Diagnostics {
	var diags diag.Diagnostics
	if !m.Options.IsNull() {
		diags.AddAttributeError(path.Root("options"), "Options of a boolean approval",
			"A boolean approval is answered true or false, so it has no options: name the answers with "+
				"true_label and false_label, or set response_type = \"single_select\".")
	}
	return diags
}

// applyBoolean makes the request of a boolean approval: the response type
// and its labels.
func (m *approvalActionModel) applyBoolean(s *approvalSettings) {
	trueLabel, falseLabel := approvalBooleanTrueLabel, approvalBooleanFalseLabel
	if !m.TrueLabel.IsNull() {
		trueLabel = m.TrueLabel.ValueString()
	}
	if !m.FalseLabel.IsNull() {
		falseLabel = m.FalseLabel.ValueString()
	}
	s.in.ResponseType = responseBoolean
	s.in.ResponseConfig = &hitl.ResponseConfig{TrueLabel: &trueLabel, FalseLabel: &falseLabel}
	s.labels = map[string]string{"true": trueLabel, "false": falseLabel}
}
