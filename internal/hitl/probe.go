package hitl

import (
	"context"
	"net"
	"net/http"
	"time"
)

// probeDialTimeout bounds each connection attempt of Probe. A dial that
// times out proves nothing (a slow network, a firewall that drops), so it
// is left to the API calls to report.
const probeDialTimeout = 2 * time.Second

// Probe checks, without sending a request and so without using any of the
// API key's budget, that something accepts TCP connections at the base
// URL's host and port. It returns an *UnreachableError only when every one
// of a few quick attempts is refused, which almost always means a wrong
// port or a server that is not running; any other outcome, including a
// dial that times out, returns nil and leaves the verdict to the calls
// themselves. It does nothing when the requests would go through a proxy,
// and after the client has had an answer.
//
// A caller that probes once before its calls (the provider does, when it
// is configured) reports an unreachable address once rather than once per
// call.
func (c *Client) Probe(ctx context.Context) error {
	if c.contacted.Load() {
		return nil
	}
	if !c.dialsDirectly(ctx) {
		return nil
	}
	port := c.baseURL.Port()
	if port == "" {
		port = "443"
		if c.baseURL.Scheme == "http" {
			port = "80"
		}
	}
	addr := net.JoinHostPort(c.baseURL.Hostname(), port)
	dialer := net.Dialer{Timeout: probeDialTimeout}
	for try := 0; ; try++ {
		conn, err := dialer.DialContext(ctx, "tcp", addr)
		if err == nil {
			_ = conn.Close()
			return nil
		}
		if !isConnRefused(err) || ctx.Err() != nil {
			return nil //nolint:nilerr // only a refusal proves the address wrong; the calls report anything else
		}
		if try+1 >= firstContactAttempts {
			c.unreachable.Store(true)
			return &UnreachableError{BaseURL: c.baseURL.String(), Attempts: try + 1, Err: err}
		}
		wait := c.backoff(try, 0)
		c.logWarn(ctx, "retrying connection to the HITL API", map[string]any{
			"address": addr, "attempt": try + 1, "reason": err.Error(), "wait_ms": wait.Milliseconds(),
		})
		if !sleepCtx(ctx, wait) {
			return nil
		}
	}
}

// dialsDirectly reports whether the client's requests connect straight to
// the base URL's host: the transport New made has no proxy for that URL.
func (c *Client) dialsDirectly(ctx context.Context) bool {
	t, ok := c.httpClient.Transport.(*http.Transport)
	if !ok {
		return false
	}
	if t.Proxy == nil {
		return true
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL.String(), nil)
	if err != nil {
		return false
	}
	proxy, err := t.Proxy(req)
	return err == nil && proxy == nil
}
