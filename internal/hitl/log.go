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

// LevelLogger is a Logger that also takes messages a user should see
// without debug logging: waits for the request budget (Info) and the
// reason for each retry (Warn). A Logger without these methods receives
// them at debug level.
type LevelLogger interface {
	Logger
	Info(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

func (c *Client) logInfo(ctx context.Context, msg string, fields map[string]any) {
	if l, ok := c.logger.(LevelLogger); ok {
		l.Info(ctx, msg, fields)
		return
	}
	c.logger.Debug(ctx, msg, fields)
}

func (c *Client) logWarn(ctx context.Context, msg string, fields map[string]any) {
	if l, ok := c.logger.(LevelLogger); ok {
		l.Warn(ctx, msg, fields)
		return
	}
	c.logger.Debug(ctx, msg, fields)
}
