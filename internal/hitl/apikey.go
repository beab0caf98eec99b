package hitl

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// KeyInfo describes the API key in use, as GET /test reports it.
type KeyInfo struct {
	APIKeyID      string       `json:"api_key_id"`
	UserID        string       `json:"user_id"`
	Email         string       `json:"email"`
	AccountStatus string       `json:"account_status"`
	RateLimit     KeyRateLimit `json:"rate_limit"`
	Permissions   []string     `json:"permissions"`
}

// KeyRateLimit is the key's hourly request budget as GET /test reports it
// in its body. CheckKey replaces it with the figures of the answer's
// X-RateLimit headers when they are present, so that it agrees with what
// Client.RateLimit reports.
type KeyRateLimit struct {
	Limit     int    `json:"limit"`
	Remaining int    `json:"remaining"`
	ResetAt   string `json:"reset_at"`
}

func (k *KeyInfo) validate() error {
	if k.APIKeyID == "" && k.UserID == "" {
		return errors.New(`the response names neither "api_key_id" nor "user_id"`)
	}
	return nil
}

// CheckKey validates the API key and returns what the API knows about it.
func (c *Client) CheckKey(ctx context.Context) (*KeyInfo, error) {
	var out KeyInfo
	rl, err := c.doRate(ctx, http.MethodGet, "/test", nil, &out)
	if err != nil {
		return nil, err
	}
	if rl.Known {
		out.RateLimit = KeyRateLimit{Limit: rl.Limit, Remaining: rl.Remaining, ResetAt: rl.Reset.UTC().Format(time.RFC3339)}
	}
	return &out, nil
}
