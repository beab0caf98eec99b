package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// progress sends the action's progress messages to Terraform and to the
// log. A message is dropped rather than block once Terraform has stopped
// listening, so that a request is still cancelled after an interrupt.
type progress struct {
	ctx  context.Context
	send func(action.InvokeProgressEvent)
	done chan struct{}
	wg   sync.WaitGroup

	mu         sync.Mutex
	lastStatus hitl.RequestStatus
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

func (p *progress) setStatus(s hitl.RequestStatus) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastStatus = s
}

func (p *progress) status() hitl.RequestStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastStatus
}

// close ends the invocation's progress: no message is sent after it.
func (p *progress) close() {
	p.wg.Wait()
	close(p.done)
}

// budgetWaitMessage says that a call waits for the API key's hourly budget
// to be renewed, and until when.
func budgetWaitMessage(w hitl.BudgetWait, now time.Time) string {
	return fmt.Sprintf("The API key's budget of %d requests per hour is spent; waiting until %s (in %s) for it to be renewed "+
		"before asking HITL.sh again.", w.Limit, w.Reset.UTC().Format("15:04:05 UTC"), shortDuration(max(w.Reset.Sub(now), 0).Round(time.Second)))
}
