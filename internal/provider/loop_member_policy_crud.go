package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
	"github.com/hitl-sh/terraform-provider-hitl/internal/memberpolicy"
)

// The hitl_loop_member_policy resource's plan and CRUD: every plan finds
// who is outside the policy, every apply removes them.

// creatorOf returns the creator of a loop: from state when known, else
// from the loop itself.
func (r *LoopMemberPolicyResource) creatorOf(ctx context.Context, known types.String, loopID string) (string, error) {
	if !known.IsNull() && !known.IsUnknown() && known.ValueString() != "" {
		return known.ValueString(), nil
	}
	loop, err := r.data.loops.Get(ctx, loopID)
	if err != nil {
		return "", err
	}
	return loop.CreatorID, nil
}

// ModifyPlan works out who an apply would remove, so that the plan shows
// it: from the refreshed state when there is one (no API call), and from
// the API before a create, which also finds an unknown loop at plan time,
// or when state cannot tell which strangers are pending.
func (r *LoopMemberPolicyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy: nobody is removed
	}
	var plan loopMemberPolicyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.LoopID.IsUnknown() {
		return
	}
	policy, known := plan.policy(ctx, &resp.Diagnostics)
	if !known || resp.Diagnostics.HasError() {
		return
	}
	loopID := plan.LoopID.ValueString()

	var state *loopMemberPolicyModel
	if !req.State.Raw.IsNull() {
		state = &loopMemberPolicyModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}

	var members []hitl.LoopMember
	var creatorID string
	var strangers []string // outside the policy of the refreshed state
	fromState := state != nil && state.LoopID.ValueString() == loopID
	if fromState {
		strangers, _ = knownStrings(ctx, state.UnexpectedMembers, &resp.Diagnostics)
		// State has only the strangers' emails, not whether they are
		// pending: a policy that leaves pending members alone needs the
		// member list to tell.
		fromState = policy.IncludePending || len(strangers) == 0
	}
	membersKnown := true
	if fromState {
		members = loopMembersFromValue(ctx, state.Members, &resp.Diagnostics)
		creatorID = state.CreatorID.ValueString()
		for _, email := range strangers {
			// Allowed now, but state has only their email: the members
			// list is known after apply.
			if policy.Allows(email) {
				membersKnown = false
			}
		}
	} else {
		if r.data == nil {
			return // the provider is not configured yet; apply will tell
		}
		readCtx, cancel := operationContext(ctx, plan.Timeouts.Read, memberPolicyReadTimeout, &resp.Diagnostics)
		defer cancel()
		if resp.Diagnostics.HasError() {
			return
		}
		list, err := r.data.client.ListMembers(readCtx, loopID)
		if err != nil {
			loopMembersReadError("Error reading loop members", loopID, err, &resp.Diagnostics)
			return
		}
		if creatorID, err = r.creatorOf(readCtx, types.StringNull(), loopID); err != nil {
			loopMembersReadError("Error reading loop", loopID, err, &resp.Diagnostics)
			return
		}
		members = list.Members
		strangers = nil // in members, with their status
	}

	d := policy.Decide(members, creatorID)
	if d.CreatorOutside != nil {
		resp.Diagnostics.AddWarning("The loop's creator is outside the member policy",
			fmt.Sprintf("%s (user %s) created loop %s and matches neither `allowed_emails` nor `allowed_email_domains`. The API "+
				"does not allow removing a loop's creator, so they stay a member and no removal is attempted. Add the address "+
				"to `allowed_emails` to acknowledge it.", d.CreatorOutside.Email, d.CreatorOutside.UserID, loopID))
	}
	var remove []string
	for _, email := range strangers {
		if !policy.Allows(email) {
			remove = append(remove, email)
		}
	}
	remove = append(remove, memberpolicy.Emails(d.Remove)...)
	if len(remove) > 0 {
		resp.Diagnostics.AddWarning("Members outside the policy will be removed",
			fmt.Sprintf("Apply will remove %d member(s) of loop %s: %s. They can rejoin with the loop's invite code, and the "+
				"next plan will find them again.", len(remove), loopID, strings.Join(remove, ", ")))
	}

	plan.ID = plan.LoopID
	plan.CreatorID = types.StringValue(creatorID)
	if membersKnown {
		plan.Members = loopMembersValue(d.Keep)
	} else {
		plan.Members = types.ListUnknown(types.ObjectType{AttrTypes: loopMemberAttrTypes})
	}
	plan.UnexpectedMembers = emailSet(nil)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (r *LoopMemberPolicyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan, (*loopMemberPolicyModel).createTimeout, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *LoopMemberPolicyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Plan, (*loopMemberPolicyModel).updateTimeout, &resp.State, resp.Identity, &resp.Diagnostics)
}

// apply is Create and Update alike: both enforce the planned policy, each
// within its own time limit.
func (r *LoopMemberPolicyResource) apply(ctx context.Context, planned tfsdk.Plan, limit func(*loopMemberPolicyModel) timeoutFunc,
	state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	var plan loopMemberPolicyModel
	diags.Append(planned.Get(ctx, &plan)...)
	ctx, cancel, ok := r.data.startOperation(ctx, limit(&plan), memberPolicyApplyTimeout, diags)
	defer cancel()
	if !ok {
		return
	}
	r.enforce(ctx, &plan, state, diags)
	diags.Append(setMemberPolicyIdentity(ctx, identity, plan.LoopID)...)
}

// enforce reads the member list, removes whoever is outside the planned
// policy, and records the outcome in state, including after a failure part
// way through.
func (r *LoopMemberPolicyResource) enforce(ctx context.Context, plan *loopMemberPolicyModel, state *tfsdk.State, diags *diag.Diagnostics) {
	loopID := plan.LoopID.ValueString()
	policy, _ := plan.policy(ctx, diags)
	list, err := r.data.client.ListMembers(ctx, loopID)
	if err != nil {
		loopMembersReadError("Error reading loop members", loopID, err, diags)
		return
	}
	creatorID, err := r.creatorOf(ctx, plan.CreatorID, loopID)
	if err != nil {
		loopMembersReadError("Error reading loop", loopID, err, diags)
		return
	}
	d := policy.Decide(list.Members, creatorID)
	removed, err := memberpolicy.Enforce(ctx, r.data.client, loopID, d.Remove)
	for _, m := range removed {
		tflog.Info(ctx, "removed loop member outside the policy", map[string]any{"loop_id": loopID, "user_id": m.UserID})
	}
	remaining := memberpolicy.Emails(d.Remove[len(removed):])

	plan.ID = plan.LoopID
	plan.CreatorID = types.StringValue(creatorID)
	if plan.Members.IsUnknown() {
		plan.Members = loopMembersValue(d.Keep)
	}
	// A known plan is kept as planned, like the loop resource's members:
	// the next refresh reports anyone who joined since.
	plan.UnexpectedMembers = emailSet(remaining)
	diags.Append(state.Set(ctx, plan)...)
	if err != nil {
		done := "No member was removed before it."
		if len(removed) > 0 {
			done = fmt.Sprintf("Removed before it: %s.", strings.Join(memberpolicy.Emails(removed), ", "))
		}
		diags.AddError("Error removing loop member",
			fmt.Sprintf("%s\n\n%s Still to remove: %s. Run `terraform apply` again to finish.", apiErrorDetail(err), done,
				strings.Join(remaining, ", ")))
	}
}

func (r *LoopMemberPolicyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state loopMemberPolicyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(setMemberPolicyIdentity(ctx, resp.Identity, state.LoopID)...)
	ctx, cancel, ok := r.data.startOperation(ctx, state.Timeouts.Read, memberPolicyReadTimeout, &resp.Diagnostics)
	defer cancel()
	if !ok {
		return
	}

	loopID := state.LoopID.ValueString()
	list, err := r.data.client.ListMembers(ctx, loopID)
	if hitl.IsLoopNotFoundAnswer(err) {
		// With its loop gone, the policy is gone too, once the loop list
		// agrees; any other failure keeps it in state.
		if err = r.data.client.ConfirmLoopGone(ctx, loopID, err); hitl.IsConfirmedGone(err) {
			tflog.Warn(ctx, "the policy's loop no longer exists; removing the policy from state", map[string]any{"loop_id": loopID})
			resp.State.RemoveResource(ctx)
			return
		}
	}
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error reading loop members", err))
		return
	}
	creatorID, err := r.creatorOf(ctx, state.CreatorID, loopID)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("Error reading loop", err))
		return
	}
	var d memberpolicy.Decision
	if state.hasLists() {
		policy, _ := state.policy(ctx, &resp.Diagnostics)
		d = policy.Decide(list.Members, creatorID)
	} else {
		// Just imported: the configured lists are not known here, so
		// nobody is unexpected yet; the plan applies the configuration.
		d.Keep = list.Members
	}
	state.ID = state.LoopID
	state.CreatorID = types.StringValue(creatorID)
	if state.IncludePending.IsNull() {
		state.IncludePending = types.BoolValue(true)
	}
	state.Members = loopMembersValue(d.Keep)
	state.UnexpectedMembers = emailSet(memberpolicy.Emails(d.Remove))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete removes nobody: destroying the policy only stops enforcing it.
func (r *LoopMemberPolicyResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	var state loopMemberPolicyModel
	if !req.State.Get(ctx, &state).HasError() {
		tflog.Debug(ctx, "member policy no longer enforced; nobody is removed", map[string]any{"loop_id": state.LoopID.ValueString()})
	}
}
