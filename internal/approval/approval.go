// Package approval is the approval gate behind the hitl_request resource and
// the hitl_approval action: it sends a review request, waits for the answer
// with a poll schedule that spares the API key's hourly budget, cancels a
// request that nobody waits for any more, and judges the answer into a
// Verdict. It has no Terraform imports; the resource and the action each
// turn its results into their own diagnostics.
package approval

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// BudgetFunc reports what is left of the API key's request budget: the
// calls remaining in the current window and when the window resets. known
// is false until the API has said so.
type BudgetFunc func() (remaining int, reset time.Time, known bool)

// LogFunc receives the engine's log lines; level is "debug", "info" or
// "warn". The provider passes them to tflog.
type LogFunc func(ctx context.Context, level, msg string, fields map[string]any)

// Engine runs approval gates against one API client.
type Engine struct {
	Client *hitl.Client
	// Budget, when set, slows polling down as the hourly budget runs low.
	Budget BudgetFunc
	// Log, when set, receives what the engine does.
	Log LogFunc

	// poll replaces NextPoll in tests.
	poll func(elapsed, prev time.Duration) time.Duration
}

func (e *Engine) log(ctx context.Context, level, msg string, fields map[string]any) {
	if e.Log != nil {
		e.Log(ctx, level, msg, fields)
	}
}

// Kind is what a review request that reached a final status decided.
type Kind int

const (
	// Approved: the answer is one of the approving values.
	Approved Kind = iota
	// Rejected: a reviewer gave another answer.
	Rejected
	// DefaultRecorded: nobody answered before the deadline, and the
	// default response recorded then is not an approving value.
	DefaultRecorded
	// NoAnswer: the request ended without any answer (a timeout with no
	// default response).
	NoAnswer
	// Cancelled: the request was cancelled before anyone answered.
	Cancelled
)

func (k Kind) String() string {
	switch k {
	case Approved:
		return "approved"
	case Rejected:
		return "rejected"
	case DefaultRecorded:
		return "default recorded"
	case NoAnswer:
		return "no answer"
	case Cancelled:
		return "cancelled"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Verdict is the judgement of a review request in a final status.
type Verdict struct {
	Kind Kind
	// Request is the review request as last read.
	Request *hitl.Request
	// Answer is the answer as one string (see hitl.AnswerText); Answered
	// is false when there is none.
	Answer   string
	Answered bool
	// Approve are the approving values the answer was judged against.
	Approve []string
}

// Judge decides what a review request in a final status means for a gate
// that lets a change through only on an answer among approve. Answers are
// compared as hitl.AnswerText renders them, so a plain value and an object
// such as {"selected_value": "approve"} judge alike.
func Judge(q *hitl.Request, approve []string) Verdict {
	v := Verdict{Request: q, Approve: approve}
	v.Answer, v.Answered = hitl.AnswerText(q.ResponseData)
	switch {
	case q.Status == hitl.StatusCancelled:
		v.Kind = Cancelled
	case !v.Answered:
		v.Kind = NoAnswer
	case slices.Contains(approve, v.Answer):
		v.Kind = Approved
	case q.Status == hitl.StatusTimedOut:
		v.Kind = DefaultRecorded
	default:
		v.Kind = Rejected
	}
	return v
}

// QuotedAnswer quotes the answer for a message, with the label reviewers
// saw when it has one apart from its value: "true" (Deploy).
func (v Verdict) QuotedAnswer() string {
	if label := hitl.AnswerLabel(v.Request); label != "" && label != v.Answer {
		return fmt.Sprintf("%q (%s)", v.Answer, label)
	}
	return strconv.Quote(v.Answer)
}

// AnswerDetail says who gave the answer to the request, and when, such as
// `Reviewer oncall@example.com (user u1) answered "reject" to request r at
// 2026-01-02T03:04:05Z`. emails maps user ids to emails where the request's
// own recipient list lacks them (a loop's member list); it may be nil.
func (v Verdict) AnswerDetail(emails map[string]string) string {
	q := v.Request
	detail := fmt.Sprintf("%s answered %s to request %s", Responder(q, emails), v.QuotedAnswer(), q.ID)
	if q.ResponseAt != nil {
		detail += " at " + *q.ResponseAt
	}
	if raw := compactJSON(q.ResponseData); raw != fmt.Sprintf("%q", v.Answer) {
		detail += fmt.Sprintf(" (response_data %s)", raw)
	}
	return detail
}

// Responder names who answered a request, by email where the request's
// recipient list or emails (user id to email) has it.
func Responder(q *hitl.Request, emails map[string]string) string {
	by := q.ResponseBy
	if by == nil || (by.UserID == "" && by.Email == "") {
		return "A reviewer"
	}
	email := by.Email
	if email == "" && by.UserID != "" {
		email = emails[by.UserID]
	}
	for _, rcp := range q.BroadcastedTo {
		if email == "" && by.UserID != "" && rcp.UserID == by.UserID {
			email = rcp.Email
		}
	}
	switch {
	case email != "" && by.UserID != "":
		return fmt.Sprintf("Reviewer %s (user %s)", email, by.UserID)
	case email != "":
		return "Reviewer " + email
	default:
		return "User " + by.UserID
	}
}

// Recipients lists who a request was sent to, by email where known.
func Recipients(q *hitl.Request) []string {
	out := make([]string, 0, len(q.BroadcastedTo))
	for _, r := range q.BroadcastedTo {
		if r.Email != "" {
			out = append(out, r.Email)
		} else {
			out = append(out, "user "+r.UserID)
		}
	}
	return out
}

// compactJSON returns raw without insignificant whitespace, keeping its key
// order.
func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}
