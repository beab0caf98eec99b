package provider

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
	"github.com/hitl-sh/terraform-provider-hitl/internal/validators"
)

var (
	_ action.ActionWithConfigure      = &ApprovalAction{}
	_ action.ActionWithValidateConfig = &ApprovalAction{}
)

// Defaults of the hitl_approval action.
const (
	approvalDefaultPriority = "high"
	approvalDefaultTimeout  = 3600
	approvalDefaultAnswer   = "reject"
	approvalApprove         = "approve"

	// approvalProgressEvery is the longest silence while waiting: a line
	// at least this often tells the user the apply is still alive.
	approvalProgressEvery = 30 * time.Second
)

// ApprovalAction is the hitl_approval action: it asks a loop whether a
// change may go ahead and fails unless a reviewer approves. Terraform 1.14
// and later run it before the change that triggers it.
type ApprovalAction struct {
	data *providerData
	// progressEvery is approvalProgressEvery; tests shorten it.
	progressEvery time.Duration
}

// NewApprovalAction returns the hitl_approval action.
func NewApprovalAction() action.Action {
	return &ApprovalAction{progressEvery: approvalProgressEvery}
}

// approvalActionModel is the action's configuration.
type approvalActionModel struct {
	LoopID          types.String `tfsdk:"loop_id"`
	RequestText     types.String `tfsdk:"request_text"`
	Priority        types.String `tfsdk:"priority"`
	TimeoutSeconds  types.Int64  `tfsdk:"timeout_seconds"`
	Options         types.List   `tfsdk:"options"`
	ApproveValues   types.List   `tfsdk:"approve_values"`
	DefaultResponse types.String `tfsdk:"default_response"`
	Context         types.String `tfsdk:"context"`
	WaitTimeout     types.String `tfsdk:"wait_timeout"`
}

// approvalDefaultOptions are the options of a request that sets none.
var approvalDefaultOptions = []hitl.ResponseOption{
	{Value: approvalApprove, Label: "Approve", Color: "#16a34a"},
	{Value: approvalDefaultAnswer, Label: "Reject", Color: "#dc2626"},
}

var approvalDocs = struct {
	Priority, TimeoutSeconds, Options, ApproveValues, DefaultResponse, Context, WaitTimeout string
}{
	Priority: "Priority shown to reviewers: `low`, `medium`, `high` or `critical`. Defaults to `high`.",
	TimeoutSeconds: "Seconds reviewers have to answer, from 60 to 86400 (24 hours). Defaults to `3600`. The request is " +
		"`time-sensitive`; when the deadline passes, `default_response` is recorded as the answer.",
	Options: "The choices reviewers pick from, in display order: a list of `{ value, label, color }` objects as in " +
		"`hitl_request`'s `response_config.options`. The request is a `single_select`. Defaults to *Approve* " +
		"(`approve`, green) and *Reject* (`reject`, red).",
	ApproveValues: "Option values that let the change go ahead; any other answer fails it. Option values, not labels. " +
		"Defaults to `[\"approve\"]`.",
	DefaultResponse: "Option value recorded as the answer when nobody responds before the deadline, and judged like any " +
		"answer. Defaults to `reject`: silence is not consent.",
	Context: "Extra data for reviewers, as a JSON object; write it with `jsonencode({...})`. Anything else is rejected at plan time.",
	WaitTimeout: "How long to wait for an answer, as a duration such as `30m` or `2h`. Defaults to the request's own " +
		"deadline (`timeout_seconds`). When it passes without an answer, the request is cancelled and the change fails.",
}

func (a *ApprovalAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_approval"
}

func (a *ApprovalAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Asks the reviewers of a loop whether a change may go ahead, and fails unless one of them " +
			"approves. Needs Terraform 1.14 or later. Triggered `before_create` or `before_update` (with Terraform 1.16, " +
			"also `before_destroy`) by a resource's `action_trigger`, it runs before that change: an approval lets the " +
			"change go ahead, and any other answer, silence included, fails the action with an error that quotes the " +
			"answer and who gave it. Terraform then stops the change, except during `terraform destroy` and with " +
			"`on_failure = continue`, where it turns the error into a warning and makes the change. It can also be run " +
			"on its own with `terraform apply -invoke=action.hitl_approval.<name>`.\n\n" +
			"Each run sends a new `single_select` review request, reports who was asked and the request's status while " +
			"it waits, and cancels the request if Terraform is interrupted or `wait_timeout` passes, so that nobody " +
			"approves a change that is no longer waiting. Nothing is kept in state: the `hitl_request` data source reads " +
			"a request afterwards.",
		Attributes: map[string]schema.Attribute{
			"loop_id": schema.StringAttribute{
				MarkdownDescription: requestDocs.LoopID,
				Required:            true,
				Validators:          loopIDValidators(),
			},
			"request_text": schema.StringAttribute{
				MarkdownDescription: requestDocs.RequestText,
				Required:            true,
				Validators:          requestTextValidators(),
			},
			"priority": schema.StringAttribute{
				MarkdownDescription: approvalDocs.Priority,
				Optional:            true,
				Validators:          priorityValidators(),
			},
			"timeout_seconds": schema.Int64Attribute{
				MarkdownDescription: approvalDocs.TimeoutSeconds,
				Optional:            true,
				Validators:          timeoutSecondsValidators(),
			},
			"options": schema.ListNestedAttribute{
				MarkdownDescription: approvalDocs.Options,
				Optional:            true,
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"value": schema.StringAttribute{
						MarkdownDescription: requestDocs.OptionValue,
						Required:            true,
						Validators:          optionTextValidators(),
					},
					"label": schema.StringAttribute{
						MarkdownDescription: requestDocs.OptionLabel,
						Optional:            true,
						Validators:          optionTextValidators(),
					},
					"color": schema.StringAttribute{MarkdownDescription: requestDocs.OptionColor, Optional: true},
				}},
			},
			"approve_values": schema.ListAttribute{
				MarkdownDescription: approvalDocs.ApproveValues,
				ElementType:         types.StringType,
				Optional:            true,
				Validators:          approveValuesValidators(),
			},
			"default_response": schema.StringAttribute{
				MarkdownDescription: approvalDocs.DefaultResponse,
				Optional:            true,
				Validators:          optionTextValidators(),
			},
			"context": schema.StringAttribute{
				MarkdownDescription: approvalDocs.Context,
				Optional:            true,
				Validators:          contextValidators(),
			},
			"wait_timeout": schema.StringAttribute{
				MarkdownDescription: approvalDocs.WaitTimeout,
				Optional:            true,
				Validators:          []validator.String{validators.PositiveDuration()},
			},
		},
	}
}

func (a *ApprovalAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks the answers against the options, at plan time and
// without calling the API: an approval that no option can give would
// never be granted.
func (a *ApprovalAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var cfg approvalActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.Options.IsUnknown() {
		return
	}
	options, diags := cfg.options(ctx)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(validateOptionValues(responseSingleSelect, options, path.Root("options"))...)
	if resp.Diagnostics.HasError() {
		return
	}
	approve := []types.String{types.StringValue(approvalApprove)}
	if !cfg.ApproveValues.IsNull() && !cfg.ApproveValues.IsUnknown() {
		approve = nil
		resp.Diagnostics.Append(cfg.ApproveValues.ElementsAs(ctx, &approve, false)...)
	}
	for i, v := range approve {
		if !known(v) {
			continue
		}
		if problem := answerProblem(responseSingleSelect, nil, options, v.ValueString()); problem != "" {
			if cfg.ApproveValues.IsNull() {
				resp.Diagnostics.AddAttributeError(path.Root("options"), "No option approves",
					problem+" approve_values defaults to [\"approve\"]: add an option with that value, or set approve_values "+
						"to the values of the options that approve.")
				continue
			}
			resp.Diagnostics.AddAttributeError(path.Root("approve_values").AtListIndex(i), "Answer no reviewer can give",
				problem+" An approval waiting for it would never be granted; correct the value.")
		}
	}
	def := cfg.DefaultResponse
	if def.IsNull() {
		def = types.StringValue(approvalDefaultAnswer)
	}
	if known(def) {
		if problem := answerProblem(responseSingleSelect, nil, options, def.ValueString()); problem != "" {
			if cfg.DefaultResponse.IsNull() {
				resp.Diagnostics.AddAttributeError(path.Root("default_response"), "Missing default response",
					problem+" default_response defaults to \"reject\", the answer recorded when nobody responds in time: "+
						"set it to the value of the option that rejects.")
			} else {
				resp.Diagnostics.AddAttributeError(path.Root("default_response"), "Invalid default response",
					problem+" The default response is recorded as the answer when nobody responds in time, so it must "+
						"be one a reviewer could give.")
			}
		} else if slices.ContainsFunc(approve, func(v types.String) bool { return known(v) && v.ValueString() == def.ValueString() }) {
			resp.Diagnostics.AddAttributeWarning(path.Root("default_response"), "Silence approves",
				fmt.Sprintf("default_response %q is one of approve_values, so the change goes ahead when nobody answers "+
					"in time. Use the value of an option that rejects unless that is intended.", def.ValueString()))
		}
	}
}

// options returns the configured options, or the defaults when none are
// set.
func (m *approvalActionModel) options(ctx context.Context) ([]responseOptionModel, diag.Diagnostics) {
	if m.Options.IsNull() {
		out := make([]responseOptionModel, 0, len(approvalDefaultOptions))
		for _, o := range approvalDefaultOptions {
			out = append(out, responseOptionModel{
				Value: types.StringValue(o.Value), Label: types.StringValue(o.Label), Color: types.StringValue(o.Color),
			})
		}
		return out, nil
	}
	return responseOptions(ctx, m.Options)
}

// approvalSettings is a configuration with its defaults applied.
type approvalSettings struct {
	loopID   string
	in       hitl.CreateRequestInput
	approve  []string
	wait     time.Duration
	waitText string
}

func (m *approvalActionModel) settings(ctx context.Context) (approvalSettings, diag.Diagnostics) {
	var diags diag.Diagnostics
	s := approvalSettings{
		loopID:  m.LoopID.ValueString(),
		approve: []string{approvalApprove},
		in: hitl.CreateRequestInput{
			ProcessingType: processingTimeSensitive,
			Type:           contentMarkdown,
			Priority:       approvalDefaultPriority,
			RequestText:    m.RequestText.ValueString(),
			ResponseType:   responseSingleSelect,
			TimeoutSeconds: approvalDefaultTimeout,
			Platform:       hitl.PlatformAPI,
		},
	}
	if !m.Priority.IsNull() {
		s.in.Priority = m.Priority.ValueString()
	}
	if !m.TimeoutSeconds.IsNull() {
		s.in.TimeoutSeconds = m.TimeoutSeconds.ValueInt64()
	}
	if !m.ApproveValues.IsNull() {
		s.approve = nil
		diags.Append(m.ApproveValues.ElementsAs(ctx, &s.approve, false)...)
	}
	answer := approvalDefaultAnswer
	if !m.DefaultResponse.IsNull() {
		answer = m.DefaultResponse.ValueString()
	}
	s.in.DefaultResponse, _ = json.Marshal(answer) // A string always encodes.
	if !m.Context.IsNull() {
		s.in.Context = json.RawMessage(m.Context.ValueString())
	}
	options, d := m.options(ctx)
	diags.Append(d...)
	cfg := &hitl.ResponseConfig{}
	for _, o := range options {
		cfg.Options = append(cfg.Options, hitl.ResponseOption{
			Value: o.Value.ValueString(), Label: o.Label.ValueString(), Color: o.Color.ValueString(),
		})
	}
	s.in.ResponseConfig = cfg
	s.wait = time.Duration(s.in.TimeoutSeconds) * time.Second
	s.waitText = s.wait.String()
	if !m.WaitTimeout.IsNull() {
		s.wait, _ = time.ParseDuration(m.WaitTimeout.ValueString()) // checked by validators.PositiveDuration
		s.waitText = m.WaitTimeout.ValueString()
	}
	return s, diags
}

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

	// An interrupt must not cut the create short: the request could then
	// exist with nobody knowing its id, and could not be cancelled. The
	// create runs to its end under a deadline of its own, and the wait
	// below sees the interrupt.
	createCtx, cancelCreate := context.WithTimeout(context.WithoutCancel(ctx), requestCreateTimeout)
	created, diags := createRequest(createCtx, a.data, s.loopID, s.in)
	cancelCreate()
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
		if !hitl.RequestIsOpen(p.status()) {
			return "" // The outcome is being reported.
		}
		return fmt.Sprintf("Still waiting for an answer to request %s (%s) after %s; giving up after %s.",
			id, p.status(), time.Since(started).Round(time.Second), s.waitText)
	})
	q, waitErr := awaitAnswer(ctx, a.data.client, id, s.wait, func(q *hitl.Request) {
		// A final status is reported with the outcome, below.
		if q.Status != p.status() {
			p.setStatus(q.Status)
			if hitl.RequestIsOpen(q.Status) {
				p.say(statusMessage(q))
			}
		}
	})
	stopBeat()

	if waitErr != nil {
		resp.Diagnostics.Append(a.abandon(ctx, p, id, q, s, waitErr))
		return
	}
	resp.Diagnostics.Append(approvalDiagnostics(q, s.approve, emails)...)
	if !resp.Diagnostics.HasError() {
		answer, _ := hitl.AnswerText(q.ResponseData)
		p.say(fmt.Sprintf("Approved: %s.", strings.TrimSuffix(answerDetail(q, answer, emails), ".")))
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
		created.RequestID, created.BroadcastedTo, loop.Name, strings.Join(asked, ", "), s.waitText, orList(s.approve)))
	return emails
}

// statusMessage describes a new open status of the request.
func statusMessage(q *hitl.Request) string {
	if q.Status == hitl.RequestClaimed {
		return fmt.Sprintf("Request %s was claimed: a reviewer is looking at it.", q.ID)
	}
	return fmt.Sprintf("Request %s is %s.", q.ID, q.Status)
}

// abandon cancels a request that is no longer waited for and explains why
// waiting ended.
func (a *ApprovalAction) abandon(ctx context.Context, p *progress, id string, q *hitl.Request, s approvalSettings, waitErr error) diag.Diagnostic {
	var why, summary string
	switch {
	case errors.Is(waitErr, errWaitTimeout):
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
	if (q != nil && q.Status == hitl.RequestCancelled) || hitl.IsRequestGone(waitErr) {
		return diag.NewErrorDiagnostic(summary, why+" "+approvalNotApproved)
	}
	final, err := cancelAbandonedRequest(ctx, a.data.client, id)
	switch {
	case err != nil:
		tflog.Warn(ctx, "cancelling an abandoned approval request failed", map[string]any{"request_id": id, "error": err.Error()})
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("%s %s\n\nCancelling the request failed "+
			"too, so reviewers may still answer it, though nothing waits for the answer: %s. Cancel it in HITL.sh.", why, approvalNotApproved, apiErrorDetail(err)))
	case final == hitl.RequestCancelled:
		p.say(fmt.Sprintf("Cancelled request %s: nobody waits for its answer any more.", id))
		return diag.NewErrorDiagnostic(summary, why+" The request was cancelled, so no reviewer can approve it any more. "+approvalNotApproved)
	default:
		return diag.NewErrorDiagnostic(summary, fmt.Sprintf("%s The request became %s before it could be cancelled. %s", why, final, approvalNotApproved))
	}
}

// approvalDiagnostics judges a request that reached a final status: only an
// answer among approve lets the change go ahead.
func approvalDiagnostics(q *hitl.Request, approve []string, emails map[string]string) diag.Diagnostics {
	var diags diag.Diagnostics
	answer, answered := hitl.AnswerText(q.ResponseData)
	switch {
	case q.Status == hitl.RequestCancelled:
		diags.AddError("Approval request cancelled",
			fmt.Sprintf("Request %s was cancelled in HITL.sh before anyone answered it.\n\n%s", q.ID, approvalNotApproved))
	case answered && slices.Contains(approve, answer):
		// Approved.
	case q.Status == hitl.RequestTimeout && answered:
		diags.AddError("Change not approved",
			fmt.Sprintf("Nobody answered request %s before its deadline (%s), so its default response %q was recorded, "+
				"and approve_values accepts only %s.\n\n%s", q.ID, q.TimeoutAt, answer, quoteAll(approve), approvalNotApproved))
	case !answered:
		diags.AddError("Change not approved",
			fmt.Sprintf("Request %s ended %s without an answer, and approve_values accepts only %s.\n\n%s",
				q.ID, q.Status, quoteAll(approve), approvalNotApproved))
	default:
		diags.AddError("Change not approved",
			fmt.Sprintf("%s, and approve_values accepts only %s.\n\n%s", answerDetail(q, answer, emails), quoteAll(approve), approvalNotApproved))
	}
	return diags
}

// progress sends the action's progress messages to Terraform and to the
// log. A message is dropped rather than block once Terraform has stopped
// listening, so that a request is still cancelled after an interrupt.
type progress struct {
	ctx  context.Context
	send func(action.InvokeProgressEvent)
	done chan struct{}
	wg   sync.WaitGroup

	mu         sync.Mutex
	lastStatus string
}

func newProgress(ctx context.Context, send func(action.InvokeProgressEvent)) *progress {
	return &progress{ctx: ctx, send: send, done: make(chan struct{})}
}

// say logs msg and, while the invocation lasts, sends it to Terraform. A
// message sent as Terraform goes away is dropped rather than waited for.
func (p *progress) say(msg string) {
	tflog.Info(p.ctx, msg)
	if p.send == nil || p.ctx.Err() != nil {
		return
	}
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		p.send(action.InvokeProgressEvent{Message: msg})
	}()
	select {
	case <-sent:
	case <-p.ctx.Done():
	case <-p.done:
	}
}

// every says msg() every interval, unless it is empty, until the returned
// function is called.
func (p *progress) every(interval time.Duration, msg func() string) (stop func()) {
	quit := make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-p.ctx.Done():
				return
			case <-tick.C:
				if m := msg(); m != "" {
					p.say(m)
				}
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(quit); p.wg.Wait() }) }
}

func (p *progress) setStatus(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastStatus = s
}

func (p *progress) status() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastStatus
}

// close ends the invocation's progress: no message is sent after it.
func (p *progress) close() {
	p.wg.Wait()
	close(p.done)
}

// orList quotes values as alternatives: "a", "a" or "b", "a", "b" or "c".
func orList(values []string) string {
	if len(values) < 2 {
		return quoteAll(values)
	}
	return quoteAll(values[:len(values)-1]) + " or " + quoteAll(values[len(values)-1:])
}
