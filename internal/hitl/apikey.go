package hitl

import (
	"context"
	"errors"
	"net/http"
)

// KeyInfo describes the API key in use, as GET /test reports it.
type KeyInfo struct {
	APIKeyID      string    `json:"api_key_id"`
	UserID        string    `json:"user_id"`
	Email         string    `json:"email"`
	AccountStatus string    `json:"account_status"`
	RateLimit     RateLimit `json:"rate_limit"`
	Permissions   []string  `json:"permissions"`
}

// RateLimit is the key's hourly request budget.
type RateLimit struct {
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
	if err := c.do(ctx, http.MethodGet, "/test", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
