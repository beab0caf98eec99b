package provider

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hitl-sh/terraform-provider-hitl/internal/approval"
)

// stopGrace bounds how long StopProvider waits for running actions to
// report how they ended. It covers cancelling an abandoned review request
// (approval.CancelTimeout) with a margin.
const stopGrace = approval.CancelTimeout + 5*time.Second

// NewProtocol6Server returns the provider's protocol 6 server: the
// framework's, with StopProvider made to wait until every running action
// has delivered its result to Terraform.
//
// Why: on an interrupt Terraform calls StopProvider. terraform-plugin-go
// (tf6server, v0.31.0) first passes the call to the framework, which
// cancels the context of every running RPC, and then cancels its own
// contexts; its InvokeAction loop drops every event that arrives after
// that, the completed event with the action's diagnostics included. An
// approval that was interrupted while it waited then ends with no error
// at all, and Terraform 1.16, which runs an action trigger inside the
// triggering resource's apply, goes on to make the change. Holding
// StopProvider back until the action's stream has sent its completed
// event keeps that error, so the change is not made. See KNOWN_ISSUES.md.
func NewProtocol6Server(p provider.Provider) func() tfprotov6.ProviderServer {
	framework := providerserver.NewProtocol6(p)
	return func() tfprotov6.ProviderServer { return newStopDrainingServer(framework()) }
}

// NewProtocol6ServerWithError is NewProtocol6Server in the form
// terraform-plugin-testing's ProtoV6ProviderFactories take.
func NewProtocol6ServerWithError(p provider.Provider) func() (tfprotov6.ProviderServer, error) {
	server := NewProtocol6Server(p)
	return func() (tfprotov6.ProviderServer, error) { return server(), nil }
}

// frameworkServer is what the framework's protocol 6 server implements
// and terraform-plugin-go looks for: the provider, list resource and
// action RPCs.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
}

// stopDrainingServer is a frameworkServer whose StopProvider waits for
// the running action invocations to end; every other RPC goes straight
// to the framework.
type stopDrainingServer struct {
	frameworkServer

	grace time.Duration

	mu      sync.Mutex
	running map[*struct{}]chan struct{} // closed when an invocation's stream has ended
}

// terraform-plugin-go finds the list resource and action RPCs through
// interfaces of its own, which frameworkServer includes.
var _ frameworkServer = &stopDrainingServer{}

func newStopDrainingServer(s tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	fs, ok := s.(frameworkServer)
	if !ok {
		return s // A framework without actions has nothing to drain.
	}
	return &stopDrainingServer{frameworkServer: fs, grace: stopGrace, running: map[*struct{}]chan struct{}{}}
}

// InvokeAction runs the framework's InvokeAction and notes the invocation
// as running until its event stream has ended. terraform-plugin-go sends
// each event before the iterator's yield returns, so when the stream ends
// its completed event has been sent to Terraform, or dropped because the
// RPC was over.
func (s *stopDrainingServer) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	stream, err := s.frameworkServer.InvokeAction(ctx, req)
	if err != nil || stream == nil || stream.Events == nil {
		return stream, err
	}
	events := stream.Events
	return &tfprotov6.InvokeActionServerStream{Events: func(yield func(tfprotov6.InvokeActionEvent) bool) {
		key, ended := &struct{}{}, make(chan struct{})
		s.mu.Lock()
		s.running[key] = ended
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			delete(s.running, key)
			s.mu.Unlock()
			close(ended)
		}()
		events(yield)
	}}, nil
}

// StopProvider cancels the running RPCs as the framework does, then waits,
// up to the grace period, until the running action invocations have sent
// their results. Only then does terraform-plugin-go end the streams.
func (s *stopDrainingServer) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	resp, err := s.frameworkServer.StopProvider(ctx, req)
	s.mu.Lock()
	ended := make([]chan struct{}, 0, len(s.running))
	for _, c := range s.running {
		ended = append(ended, c)
	}
	s.mu.Unlock()
	deadline := time.NewTimer(s.grace)
	defer deadline.Stop()
	for _, c := range ended {
		select {
		case <-c:
		case <-deadline.C:
			return resp, err
		}
	}
	return resp, err
}
