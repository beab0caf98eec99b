package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// What an interrupt (Ctrl-C) does to a loop's create, update or delete.
//
// Terraform cancels the context of every operation in flight at the first
// Ctrl-C and waits for them to return. A write that was cancelled after it
// was sent may still have taken effect, with no answer to tell, and a loop
// created that way would be missing from state and created again by the
// next apply. So a write is sent under a context of its own (seeThrough):
// it ignores the interrupt while its answer is on the way, makes no new
// attempt after it, and gives up at most a request_timeout after it, and
// never later than the operation's deadline. What has not been sent when
// the interrupt comes is not sent (errNotSent).

// errNotSent says that an operation was interrupted before its request was
// sent.
var errNotSent = errors.New("the run was interrupted (Ctrl-C) before the request was sent, so nothing was changed")

// notSent returns why a request of the operation bounded by ctx must not
// be sent any more, or nil when it may be.
func notSent(ctx context.Context) error {
	switch err := ctx.Err(); {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return errNotSent
	default:
		return fmt.Errorf("the operation's deadline passed before the request was sent, so nothing was changed: %w", err)
	}
}

// interruptGrace is how long a write in flight, or the lookup that decides
// whether a create took effect, may go on after an interrupt: one
// request_timeout, which is how long one attempt may take.
func (d *providerData) interruptGrace() time.Duration {
	if t := d.client.HTTPTimeout(); t > 0 {
		return t
	}
	return hitl.DefaultHTTPTimeout
}

// seeThrough returns the context under which a write of the operation
// bounded by ctx is sent: it keeps ctx's values and deadline, is not
// cancelled with ctx, but ends grace after ctx is cancelled, and tells the
// client to make no new attempt once ctx is done. Callers always call
// release.
func seeThrough(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	c, release := detach(ctx, grace)
	return hitl.WithInterrupt(c, ctx.Done()), release
}

// lookupContext is seeThrough for the lookup that decides whether a create
// whose answer was lost took effect: it is retried after an interrupt too,
// within its own grace, since without it the loop could exist outside
// state.
func lookupContext(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	return detach(ctx, grace)
}

func detach(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	c := context.WithoutCancel(ctx)
	cancelDeadline := context.CancelFunc(func() {})
	if deadline, ok := ctx.Deadline(); ok {
		c, cancelDeadline = context.WithDeadline(c, deadline)
	}
	c, cancel := context.WithCancelCause(c)
	go func() {
		select {
		case <-ctx.Done():
		case <-c.Done():
			return
		}
		timer := time.NewTimer(grace)
		defer timer.Stop()
		select {
		case <-timer.C:
			cancel(fmt.Errorf("interrupted, and no answer came within %s (the provider's request_timeout)", grace))
		case <-c.Done():
		}
	}()
	return c, func() {
		cancel(nil)
		cancelDeadline()
	}
}
