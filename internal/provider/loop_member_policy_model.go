package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hitl-sh/terraform-provider-hitl/internal/memberpolicy"
)

// loopMemberPolicyModel is the hitl_loop_member_policy resource's state.
type loopMemberPolicyModel struct {
	ID                  types.String   `tfsdk:"id"`
	LoopID              types.String   `tfsdk:"loop_id"`
	AllowedEmails       types.Set      `tfsdk:"allowed_emails"`
	AllowedEmailDomains types.Set      `tfsdk:"allowed_email_domains"`
	IncludePending      types.Bool     `tfsdk:"include_pending"`
	CreatorID           types.String   `tfsdk:"creator_id"`
	Members             types.List     `tfsdk:"members"`
	UnexpectedMembers   types.Set      `tfsdk:"unexpected_members"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

// loopMemberPolicyIdentityModel is the identity of a member policy: its
// loop, of which there is one policy.
type loopMemberPolicyIdentityModel struct {
	LoopID types.String `tfsdk:"loop_id"`
}

// createTimeout and updateTimeout are the time limits of an apply.
func (m *loopMemberPolicyModel) createTimeout() timeoutFunc { return m.Timeouts.Create }
func (m *loopMemberPolicyModel) updateTimeout() timeoutFunc { return m.Timeouts.Update }

// setMemberPolicyIdentity sets a member policy's identity.
func setMemberPolicyIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, loopID types.String) diag.Diagnostics {
	return setIdentity(ctx, identity, loopMemberPolicyIdentityModel{LoopID: loopID})
}

// policy returns the model's policy, and false while any part of it is
// unknown.
func (m *loopMemberPolicyModel) policy(ctx context.Context, diags *diag.Diagnostics) (memberpolicy.Policy, bool) {
	emails, ok1 := knownStrings(ctx, m.AllowedEmails, diags)
	domains, ok2 := knownStrings(ctx, m.AllowedEmailDomains, diags)
	if !ok1 || !ok2 || m.IncludePending.IsUnknown() {
		return memberpolicy.Policy{}, false
	}
	return memberpolicy.Policy{Emails: emails, Domains: domains, IncludePending: m.IncludePending.ValueBool()}, true
}

// hasLists reports whether the policy has been configured: after an
// import, state holds neither list until the next apply.
func (m *loopMemberPolicyModel) hasLists() bool {
	return !m.AllowedEmails.IsNull() || !m.AllowedEmailDomains.IsNull()
}

// knownStrings returns a set's strings, and false if it or an element is
// unknown. A null set has none.
func knownStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) ([]string, bool) {
	if s.IsUnknown() {
		return nil, false
	}
	if s.IsNull() {
		return nil, true
	}
	var elems []types.String
	diags.Append(s.ElementsAs(ctx, &elems, false)...)
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		if e.IsUnknown() {
			return nil, false
		}
		out = append(out, e.ValueString())
	}
	return out, true
}

func emailSet(emails []string) types.Set {
	return types.SetValueMust(types.StringType, stringValues(emails))
}

func stringValues(ss []string) []attr.Value {
	out := make([]attr.Value, len(ss))
	for i, s := range ss {
		out[i] = types.StringValue(s)
	}
	return out
}
