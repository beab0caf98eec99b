package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hitl-sh/terraform-provider-hitl/internal/approval"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// This file is hitl_request's face of the approval gate: Create, which
// sends the review request and waits for its answer, what it says while it
// waits, and how it turns the engine's results into diagnostics.

// Create sends the review request and, with wait_for_response, waits for
// its answer and judges it.
func (r *RequestResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan requestResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !r.data.ready(&resp.Diagnostics) {
		return
	}
	waiting := plan.WaitForResponse.ValueBool()
	wait, diags := plan.WaitTimeout.ValueGoDuration()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	defaultTimeout := requestCreateTimeout
	if waiting {
		defaultTimeout += wait
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultTimeout)
	resp.Diagnostics.Append(diags...)
	in, diags := plan.createInput(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// Once sent, the request is seen through even if Terraform is
	// interrupted meanwhile: its reviewers are notified, so it must end up
	// in state (and, below, cancelled), never left behind unmanaged.
	sendCtx, cancelSend, err := approval.SendContext(ctx, requestCreateTimeout)
	if err != nil {
		resp.Diagnostics.AddError("Review request not sent",
			"Terraform was interrupted before the request was sent, so nothing was created and nobody was notified.")
		return
	}
	loopID := plan.LoopID.ValueString()
	created, diags := createRequest(sendCtx, r.data, loopID, in)
	cancelSend()
	resp.Diagnostics.Append(diags...)
	if created == nil {
		return
	}
	id := created.RequestID
	tflog.Info(ctx, fmt.Sprintf("Sent review request %s to %d reviewer(s) of loop %s.", id, created.BroadcastedTo, loopID),
		map[string]any{"request_id": id, "broadcasted_to": created.BroadcastedTo})

	// From here on the request exists and reviewers have been notified:
	// every path below saves it to state, so that it is never left behind
	// unmanaged. An error after that makes Terraform mark it as tainted,
	// and the next apply asks again.
	plan.ID = types.StringValue(id)
	plan.Status = types.StringValue(string(created.Status))
	plan.TimeoutAt = types.StringValue(created.TimeoutAt)
	plan.BroadcastedTo = types.Int64Value(created.BroadcastedTo)
	plan.CreatedAt = types.StringNull()
	plan.ResponseData, plan.Response = jsontypes.NewNormalizedNull(), types.StringNull()
	plan.ResponseBy, plan.ResponseAt = types.StringNull(), types.StringNull()

	if !waiting {
		q, err := r.data.client.GetRequest(ctx, id)
		if err == nil {
			plan.setOutcome(q)
		} else {
			resp.Diagnostics.AddWarning("Request created, but reading it back failed",
				fmt.Sprintf("Request %s was sent to the loop's reviewers and is recorded in state, but reading its "+
					"creation time and status back failed: %s. The next refresh fills them in.", id, err))
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}

	var approve []string
	if !plan.ApproveValues.IsNull() {
		resp.Diagnostics.Append(plan.ApproveValues.ElementsAs(ctx, &approve, false)...)
	}
	tflog.Info(ctx, fmt.Sprintf("Waiting up to %s for an answer to review request %s.", plan.WaitTimeout.ValueString(), id),
		map[string]any{"request_id": id})
	watch := &requestWatcher{ctx: ctx, status: created.Status}
	out := r.data.gate().Await(ctx, id, loopID, wait, approve, watch.observe)
	if out.Request != nil {
		plan.setOutcome(out.Request)
	}
	if out.Stopped != nil {
		// The request was cancelled, or reached a final status first.
		if c := out.Cancel; c.Request != nil {
			plan.setOutcome(c.Request)
		} else if c.Status != "" {
			plan.Status = types.StringValue(string(c.Status))
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if out.Stopped != nil {
		resp.Diagnostics.Append(requestStoppedDiagnostic(id, out, plan.WaitTimeout.ValueString(), timeout))
		return
	}
	resp.Diagnostics.Append(requestVerdictDiagnostics(*out.Verdict, !plan.ApproveValues.IsNull())...)
}

const taintedNote = "The request is recorded in state and marked as tainted: resources that depend on it were neither " +
	"created nor changed, and the next apply cancels it if it is still open and sends a new request to the loop."

// requestWatcher logs, while create waits, which review request it waits
// on, who was asked and each new status. Resources have no progress output
// of their own besides "Still creating...", so this goes to the provider's
// log (TF_LOG_PROVIDER=INFO shows it).
type requestWatcher struct {
	ctx    context.Context
	status hitl.RequestStatus
	asked  bool
}

func (w *requestWatcher) observe(q *hitl.Request) {
	if !w.asked && len(q.BroadcastedTo) > 0 {
		w.asked = true
		tflog.Info(w.ctx, fmt.Sprintf("Review request %s was sent to %s.", q.ID, strings.Join(approval.Recipients(q), ", ")),
			map[string]any{"request_id": q.ID, "status": q.Status})
	}
	if q.Status != w.status {
		w.status = q.Status
		tflog.Info(w.ctx, fmt.Sprintf("Review request %s is %s.", q.ID, q.Status), map[string]any{"request_id": q.ID, "status": q.Status})
	}
}

// requestStoppedDiagnostic explains why create stopped waiting without a
// final status, and what became of the review request, which the engine
// cancelled.
func requestStoppedDiagnostic(id string, out approval.Outcome, waitTimeout string, createTimeout time.Duration) diag.Diagnostic {
	var summary, why string
	switch err := out.Stopped; {
	case errors.Is(err, approval.ErrWaitTimeout):
		summary = "No answer to review request"
		why = fmt.Sprintf("Nobody answered request %s within wait_timeout (%s). To wait longer, raise wait_timeout.", id, waitTimeout)
	case errors.Is(err, context.DeadlineExceeded):
		summary = "No answer to review request"
		why = fmt.Sprintf("The create timeout (%s) ran out while waiting for an answer to request %s. To wait longer, raise the "+
			"create value of the timeouts block; it bounds wait_timeout.", shortDuration(createTimeout), id)
	case errors.Is(err, context.Canceled):
		summary = "Waiting for review request interrupted"
		why = fmt.Sprintf("Terraform was interrupted while waiting for an answer to request %s.", id)
	default:
		d := apiErrorDiagnostic("Error waiting for an answer to review request", err)
		summary = d.Summary()
		why = fmt.Sprintf("Request %s: %s", id, d.Detail())
	}
	const next = "It is recorded in state and marked as tainted: resources that depend on it were neither created nor " +
		"changed, and the next apply sends a new request to the loop."
	var what string
	switch c := out.Cancel; {
	case out.CancelErr != nil:
		what = fmt.Sprintf("Cancelling the request failed, so reviewers may still answer it, though nothing waits for the "+
			"answer: %s. %s", apiErrorDetail(out.CancelErr), taintedNote)
	case c.Gone:
		what = "The request no longer exists in HITL.sh (its loop was deleted). " + next
	case c.Status == hitl.StatusCancelled:
		what = "The request was cancelled in HITL.sh, so no reviewer answers a question that nobody waits for. " + next
	default:
		what = fmt.Sprintf("The request became %s before it could be cancelled. %s", c.Status, next)
	}
	return diag.NewErrorDiagnostic(summary, why+"\n\n"+what)
}

// requestVerdictDiagnostics judges a review request that reached a final
// status while create waited: with approve_values (gated), only an answer
// among them lets the apply go on.
func requestVerdictDiagnostics(v approval.Verdict, gated bool) diag.Diagnostics {
	var diags diag.Diagnostics
	q := v.Request
	switch {
	case v.Kind == approval.Cancelled:
		diags.AddError("Review request cancelled",
			fmt.Sprintf("Request %s was cancelled in HITL.sh before anyone answered it, so there is no answer to act on.\n\n%s",
				q.ID, taintedNote))
	case !gated && v.Kind == approval.NoAnswer && q.Status == hitl.StatusTimedOut:
		diags.AddWarning("Review request timed out without an answer",
			fmt.Sprintf("Nobody answered request %s before its deadline (%s), and it has no default_response, so response "+
				"is null. Set default_response to record an answer in that case, or approve_values to stop the apply.", q.ID, q.TimeoutAt))
	case !gated, v.Kind == approval.Approved:
		// Accepted.
	case v.Kind == approval.DefaultRecorded:
		diags.AddError("Review request not approved", defaultRecordedDetail(q, v)+"\n\n"+taintedNote)
	case v.Kind == approval.NoAnswer && q.Status == hitl.StatusTimedOut:
		diags.AddError("Review request not approved",
			fmt.Sprintf("Nobody answered request %s before its deadline (%s), and it has no default_response, so there is "+
				"no answer to approve; approve_values accepts only %s.\n\n%s", q.ID, q.TimeoutAt, quoteAll(v.Approve), taintedNote))
	case v.Kind == approval.NoAnswer:
		diags.AddError("Review request not approved", noAnswerDetail(q, v)+"\n\n"+taintedNote)
	default:
		diags.AddError("Review request not approved", rejectedDetail(v, nil)+"\n\n"+taintedNote)
	}
	return diags
}
