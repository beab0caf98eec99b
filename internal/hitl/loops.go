package hitl

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// Loop is a group of human reviewers, as the API returns it.
type Loop struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	Icon         string   `json:"icon"`
	CreatorID    string   `json:"creator_id"`
	Members      []Member `json:"members"`
	MemberCount  int      `json:"member_count"`
	PendingCount int      `json:"pending_count"`
	CreatedAt    string   `json:"created_at"`
	UpdatedAt    string   `json:"updated_at"`
}

// Member is a reviewer of a loop. JoinedAt is nil while the invitation is
// pending.
type Member struct {
	UserID   string  `json:"user_id"`
	Email    string  `json:"email"`
	Status   string  `json:"status"`
	JoinedAt *string `json:"joined_at"`
}

// Member statuses.
const (
	MemberActive  = "active"
	MemberPending = "pending"
)

func (l *Loop) validate() error {
	if l.ID == "" {
		return errors.New(`the loop in the response has no "id"`)
	}
	return nil
}

// CreatedLoop is the answer to a create: the loop, plus the ways to join it.
// The API returns the invite code, join URL and QR code only here.
type CreatedLoop struct {
	Loop         Loop   `json:"loop"`
	InviteCode   string `json:"invite_code"`
	QRCodeBase64 string `json:"qr_code_base64"`
	QRCodeURL    string `json:"qr_code_url"`
	JoinURL      string `json:"join_url"`
}

func (c *CreatedLoop) validate() error { return c.Loop.validate() }

// CreateLoopInput is the body of a create. Description may be empty.
type CreateLoopInput struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Icon        string `json:"icon"`
}

// UpdateLoopInput is the body of an update: nil fields are left unchanged,
// so only what really changed is sent.
type UpdateLoopInput struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	Icon        *string `json:"icon,omitempty"`
}

// IsEmpty reports whether the update would change nothing.
func (u UpdateLoopInput) IsEmpty() bool {
	return u.Name == nil && u.Description == nil && u.Icon == nil
}

type loopData struct {
	Loop Loop `json:"loop"`
}

func (d *loopData) validate() error { return d.Loop.validate() }

type loopsData struct {
	Loops []Loop `json:"loops"`
}

func (d *loopsData) validate() error {
	if d.Loops == nil {
		return errors.New(`the response has no "loops" list`)
	}
	for i := range d.Loops {
		if err := d.Loops[i].validate(); err != nil {
			return err
		}
	}
	return nil
}

func loopPath(id string) string { return "/api/loops/" + url.PathEscape(id) }

// CreateLoop creates a loop owned by the key's account.
func (c *Client) CreateLoop(ctx context.Context, in CreateLoopInput) (*CreatedLoop, error) {
	var out CreatedLoop
	if err := c.do(ctx, http.MethodPost, "/api/loops", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetLoop returns one loop.
func (c *Client) GetLoop(ctx context.Context, id string) (*Loop, error) {
	var out loopData
	if err := c.do(ctx, http.MethodGet, loopPath(id), nil, &out); err != nil {
		return nil, err
	}
	return &out.Loop, nil
}

// ListLoops returns every loop of the key's account.
func (c *Client) ListLoops(ctx context.Context) ([]Loop, error) {
	var out loopsData
	if err := c.do(ctx, http.MethodGet, "/api/loops", nil, &out); err != nil {
		return nil, err
	}
	return out.Loops, nil
}

// UpdateLoop changes the fields that are set in in.
func (c *Client) UpdateLoop(ctx context.Context, id string, in UpdateLoopInput) (*Loop, error) {
	var out loopData
	if err := c.do(ctx, http.MethodPut, loopPath(id), in, &out); err != nil {
		return nil, err
	}
	return &out.Loop, nil
}

// DeleteLoop deletes a loop with its memberships, requests and responses.
func (c *Client) DeleteLoop(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, loopPath(id), nil, nil)
}
