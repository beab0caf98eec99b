package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hitl-sh/terraform-provider-hitl/internal/approval"
	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// This file is hitl_approval's face of the approval gate: Invoke, which
// sends the review request and waits for its answer while reporting
// progress, and how it turns the engine's results into diagnostics.

func (a *ApprovalAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg approvalActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !a.data.ready(&resp.Diagnostics) {
		return
	}
	s, diags := cfg.settings(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	p := newProgress(ctx, resp.SendProgress)
	defer p.close()
	// A call that must wait for the API key's hourly budget says so, since
	// the wait may be long and the request is not polled meanwhile.
	ctx = hitl.WithBudgetWaitNotifier(ctx, func(w hitl.BudgetWait) { p.say(budgetWaitMessage(w, time.Now())) })

	// An interrupt must not cut the create short: the request could then
	// exist with nobody knowing its id, and could not be cancelled. The
	// create runs to its end under a deadline of its own, and the wait
	// below sees the interrupt.
	sendCtx, cancelSend, err := approval.SendContext(ctx, requestCreateTimeout)
	if err != nil {
		resp.Diagnostics.AddError("Waiting for approval interrupted",
			"Terraform was interrupted before the approval request was sent, so nobody was asked. "+approvalNotApproved)
		return
	}
	created, diags := createRequest(sendCtx, a.data, s.loopID, s.in)
	cancelSend()
	resp.Diagnostics.Append(diags...)
	if created == nil {
		return
	}
	id := created.RequestID
	emails := map[string]string{}
	if ctx.Err() == nil {
		emails = a.askedMessage(ctx, p, s, created)
	}

	// Until it reaches a final status, the request is cancelled on every
	// way out: nobody must approve a change that is no longer waiting.
	started := time.Now()
	p.setStatus(created.Status)
	stopBeat := p.every(a.progressEvery, func() string {
		if !p.status().IsOpen() {
			return "" // The outcome is being reported.
		}
		return fmt.Sprintf("Still waiting for an answer to request %s (%s) after %s; giving up after %s.",
			id, p.status(), time.Since(started).Round(time.Second), s.waitText)
	})
	out := a.data.gate().Await(ctx, id, s.loopID, s.wait, s.approve, func(q *hitl.Request) {
		// A final status is reported with the outcome, below.
		if q.Status != p.status() {
			p.setStatus(q.Status)
			if q.Status.IsOpen() {
				p.say(statusMessage(q))
			}
		}
	})
	stopBeat()

	if out.Stopped != nil {
		if out.Cancel.Status == hitl.StatusCancelled && out.CancelErr == nil {
			p.say(fmt.Sprintf("Cancelled request %s: nobody waits for its answer any more.", id))
		}
		resp.Diagnostics.Append(approvalStoppedDiagnostic(id, out, s))
		return
	}
	resp.Diagnostics.Append(approvalVerdictDiagnostics(*out.Verdict, emails)...)
	if !resp.Diagnostics.HasError() {
		p.say(fmt.Sprintf("Approved: %s.", strings.TrimSuffix(out.Verdict.AnswerDetail(emails), ".")))
	}
}

// askedMessage reports who was asked: the loop's active members, by email.
// It returns the members' emails by user id, for naming the reviewer who
// answers; reading the loop is a courtesy, and its failure only shortens
// the message.
func (a *ApprovalAction) askedMessage(ctx context.Context, p *progress, s approvalSettings, created *hitl.CreatedRequest) map[string]string {
	emails := map[string]string{}
	loop, err := a.data.loops.Get(ctx, s.loopID)
	if err != nil {
		tflog.Debug(ctx, "reading the loop for its member list failed", map[string]any{"loop_id": s.loopID, "error": err.Error()})
		p.say(fmt.Sprintf("Sent request %s to %d reviewer(s) of loop %s. Waiting up to %s for an answer.",
			created.RequestID, created.BroadcastedTo, s.loopID, s.waitText))
		return emails
	}
	var asked []string
	for _, m := range loop.Members {
		if m.Email != "" {
			emails[m.UserID] = m.Email
		}
		if m.Status == hitl.MemberActive {
			asked = append(asked, cmp.Or(m.Email, "user "+m.UserID))
		}
	}
	p.say(fmt.Sprintf("Sent request %s to %d reviewer(s) of loop %q: %s. Waiting up to %s for an answer; %s approves.",
		created.RequestID, created.BroadcastedTo, loop.Name, strings.Join(asked, ", "), s.waitText, s.approveText()))
	return emails
}

// statusMessage describes a new open status of the request.
func statusMessage(q *hitl.Request) string {
	if q.Status == hitl.StatusClaimed {
		return fmt.Sprintf("Request %s was claimed: a reviewer is looking at it.", q.ID)
	}
	return fmt.Sprintf("Request %s is %s.", q.ID, q.Status)
}

// approvalStoppedDiagnostic explains why waiting ended without a final
// status, and what became of the request, which the engine cancelled.
func approvalStoppedDiagnostic(id string, out approval.Outcome, s approvalSettings) diag.Diagnostic {
	var why, summary string
	switch waitErr := out.Stopped; {
	case errors.Is(waitErr, approval.ErrWaitTimeout):
		summary = "No answer to approval request"
		why = fmt.Sprintf("Nobody answered request %s within wait_timeout (%s).", id, s.waitText)
	case errors.Is(waitErr, context.Canceled), errors.Is(waitErr, context.DeadlineExceeded):
		summary = "Waiting for approval interrupted"
		why = fmt.Sprintf("Terraform stopped waiting for an answer to request %s (%s).", id, waitErr)
	default:
		d := apiErrorDiagnostic("Error waiting for approval", waitErr)
		summary = d.Summary()
		why = fmt.Sprintf("Reading request %s failed: %s", id, d.Detail())
	}
	switch c := out.Cancel; {
	case out.CancelErr != nil:
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("%s %s\n\nCancelling the request failed "+
			"too, so reviewers may still answer it, though nothing waits for the answer: %s. Cancel it in HITL.sh.", why, approvalNotApproved, apiErrorDetail(out.CancelErr)))
	case c.Gone:
		return diag.NewErrorDiagnostic(summary, why+" "+approvalNotApproved)
	case c.Status == hitl.StatusCancelled:
		return diag.NewErrorDiagnostic(summary, why+" The request was cancelled, so no reviewer can approve it any more. "+approvalNotApproved)
	default:
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("%s The request became %s before it could be cancelled. %s", why, c.Status, approvalNotApproved))
	}
}

// approvalVerdictDiagnostics turns the verdict on a request that reached a
// final status into the action's result: only an approval lets the change
// go ahead.
func approvalVerdictDiagnostics(v approval.Verdict, emails map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	q := v.Request
	switch v.Kind {
	case approval.Approved:
	case approval.Cancelled:
		diags.AddError("Approval request cancelled",
			fmt.Sprintf("Request %s was cancelled in HITL.sh before anyone answered it.\n\n%s", q.ID, approvalNotApproved))
	case approval.DefaultRecorded:
		diags.AddError("Change not approved", defaultRecordedDetail(q, v)+"\n\n"+approvalNotApproved)
	case approval.NoAnswer:
		diags.AddError("Change not approved", noAnswerDetail(q, v)+"\n\n"+approvalNotApproved)
	default:
		diags.AddError("Change not approved", rejectedDetail(v, emails)+"\n\n"+approvalNotApproved)
	}
	return diags
}

// approveText names the answers that approve as alternatives, with their
// labels where they have some: "approve", "true" (Deploy), "a" or "b".
func (s approvalSettings) approveText() string {
	out := ""
	for i, v := range s.approve {
		switch {
		case i == 0:
		case i == len(s.approve)-1:
			out += " or "
		default:
			out += ", "
		}
		out += strconv.Quote(v)
		if label, ok := s.labels[v]; ok {
			out += " (" + label + ")"
		}
	}
	return out
}
