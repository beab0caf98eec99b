package provider

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// fakeActionServer is a framework server with one action that runs until
// StopProvider, then ends with a completed event once release is closed,
// as hitl_approval does after cancelling its request.
type fakeActionServer struct {
	frameworkServer // nil: only the methods below are called

	started, stop, release chan struct{}
}

func (f *fakeActionServer) InvokeAction(context.Context, *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	return &tfprotov6.InvokeActionServerStream{Events: func(yield func(tfprotov6.InvokeActionEvent) bool) {
		close(f.started)
		<-f.stop
		<-f.release
		yield(tfprotov6.InvokeActionEvent{Type: &tfprotov6.CompletedInvokeActionEventType{}})
	}}, nil
}

func (f *fakeActionServer) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	close(f.stop) // The framework cancels the running RPCs' contexts.
	return &tfprotov6.StopProviderResponse{}, nil
}

func newFakeActionServer() *fakeActionServer {
	return &fakeActionServer{started: make(chan struct{}), stop: make(chan struct{}), release: make(chan struct{})}
}

// The framework's server still offers what the wrapper wraps; were it to
// stop, NewProtocol6Server would serve it unwrapped and lose the fix.
func TestNewProtocol6ServerWrapsTheFramework(t *testing.T) {
	t.Parallel()
	if _, ok := NewProtocol6Server(New("test")())().(*stopDrainingServer); !ok {
		t.Fatalf("the framework's server (%T) is not wrapped", providerserver.NewProtocol6(New("test")())())
	}
}

// StopProvider returns only once a running action has sent its completed
// event, so terraform-plugin-go, which ends every stream right after
// StopProvider returns, no longer drops it.
func TestStopProviderWaitsForRunningActions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fake := newFakeActionServer()
	s, ok := newStopDrainingServer(fake).(*stopDrainingServer)
	if !ok {
		t.Fatal("not wrapped")
	}
	stream, err := s.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{})
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var happened []string
	note := func(what string) { mu.Lock(); happened = append(happened, what); mu.Unlock() }

	// terraform-plugin-go's InvokeAction loop: an event that comes after
	// the server was stopped is dropped.
	stopped := make(chan struct{})
	streamEnded := make(chan struct{})
	go func() {
		defer close(streamEnded)
		for range stream.Events {
			select {
			case <-stopped:
				note("completed event dropped")
				return
			default:
				note("completed event sent")
			}
		}
	}()
	<-fake.started

	stopReturned := make(chan struct{})
	go func() {
		defer close(stopReturned)
		if _, err := s.StopProvider(ctx, &tfprotov6.StopProviderRequest{}); err != nil {
			t.Error(err)
		}
		note("StopProvider returned")
		close(stopped) // terraform-plugin-go's s.stop()
	}()
	<-fake.stop
	close(fake.release)
	<-streamEnded
	<-stopReturned

	want := []string{"completed event sent", "StopProvider returned"}
	if !slices.Equal(happened, want) {
		t.Errorf("happened: %q, want %q", happened, want)
	}
}

// An action that does not end does not hold StopProvider beyond the grace
// period.
func TestStopProviderGivesUpAfterGrace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fake := newFakeActionServer()
	s, ok := newStopDrainingServer(fake).(*stopDrainingServer)
	if !ok {
		t.Fatal("not wrapped")
	}
	s.grace = 10 * time.Millisecond
	stream, err := s.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for range stream.Events {
		}
	}()
	<-fake.started
	if _, err := s.StopProvider(ctx, &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	close(fake.release) // Let the stream end before the test does.
}
