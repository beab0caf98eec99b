package hitl

import (
	"context"
	"errors"
)

// ErrInterrupted is the cause of a call that stopped retrying because the
// operation it belongs to was interrupted (Ctrl-C).
var ErrInterrupted = errors.New("interrupted: no further attempt was made")

type interruptKey struct{}

// WithInterrupt marks ctx with done, a channel that closes when the
// operation ctx serves is interrupted. It is meant for a context detached
// from that operation's cancellation (context.WithoutCancel), under which
// a write that has been sent is seen through to its answer: the client
// finishes the attempt in flight, but starts no new attempt once done is
// closed.
func WithInterrupt(ctx context.Context, done <-chan struct{}) context.Context {
	return context.WithValue(ctx, interruptKey{}, done)
}

// WithoutInterrupt lifts the mark of WithInterrupt from ctx, for a call
// that must go on retrying after the interrupt, such as the lookup that
// decides whether a create whose answer was lost took effect.
func WithoutInterrupt(ctx context.Context) context.Context {
	return context.WithValue(ctx, interruptKey{}, (<-chan struct{})(nil))
}

// retryContext returns a context that ends when ctx ends, or when the
// interrupt marked on ctx with WithInterrupt happens, with ErrInterrupted
// as its cause. It decides whether a call may make another attempt.
func retryContext(ctx context.Context) (context.Context, context.CancelFunc) {
	done, _ := ctx.Value(interruptKey{}).(<-chan struct{})
	if done == nil {
		return ctx, func() {}
	}
	rc, cancel := context.WithCancelCause(ctx)
	go func() {
		select {
		case <-done:
			cancel(ErrInterrupted)
		case <-rc.Done():
		}
	}()
	return rc, func() { cancel(nil) }
}
