package hitl

import (
	"context"
	"net"
)

// Logger receives the client's structured debug logs. The provider adapts it
// to tflog; anything else can, too. Fields never contain the API key, request
// headers or bodies.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}

// isLoopbackHost reports whether host names this machine.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
