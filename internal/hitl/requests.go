package hitl

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// RequestStatus is the status of a review request, as the API names it.
type RequestStatus string

// Review request statuses. Pending and claimed requests are open: they can
// still be answered or cancelled. The others are final. StatusTimedOut is a
// review request whose deadline passed (wire value "timeout"), not an HTTP
// request that timed out.
const (
	StatusPending   RequestStatus = "pending"
	StatusClaimed   RequestStatus = "claimed"
	StatusCompleted RequestStatus = "completed"
	StatusTimedOut  RequestStatus = "timeout"
	StatusCancelled RequestStatus = "cancelled"
)

// IsOpen reports whether a request with this status may still be answered
// or cancelled.
func (s RequestStatus) IsOpen() bool {
	return s == StatusPending || s == StatusClaimed
}

// PlatformAPI is the platform a Terraform client reports when it creates a
// request. The API requires one of its documented platforms.
const PlatformAPI = "api"

// Request is a review request, as GET /api/requests/{id} returns it.
type Request struct {
	ID             string          `json:"id"`
	LoopID         string          `json:"loop_id"`
	Status         RequestStatus   `json:"status"`
	ProcessingType string          `json:"processing_type"`
	Type           string          `json:"type"`
	Priority       string          `json:"priority"`
	RequestText    string          `json:"request_text"`
	ImageURL       string          `json:"image_url"`
	ResponseType   ResponseType    `json:"response_type"`
	ResponseConfig *ResponseConfig `json:"response_config"`
	// DefaultResponse, Context and ResponseData are free-form JSON; they
	// are null (or absent) when not set.
	DefaultResponse json.RawMessage `json:"default_response"`
	Context         json.RawMessage `json:"context"`
	Tags            []string        `json:"tags"`
	CallbackURL     *string         `json:"callback_url"`
	TimeoutSeconds  int64           `json:"timeout_seconds"`
	CreatedAt       string          `json:"created_at"`
	TimeoutAt       string          `json:"timeout_at"`
	// BroadcastedTo lists the reviewers the request was sent to. (The
	// create response has a number under the same name; see
	// CreatedRequest.)
	BroadcastedTo []Recipient     `json:"broadcasted_to"`
	ResponseData  json.RawMessage `json:"response_data"`
	ResponseBy    *Responder      `json:"response_by"`
	ResponseAt    *string         `json:"response_at"`
}

func (q *Request) validate() error {
	if q.ID == "" {
		return errors.New(`the request in the response has no "id"`)
	}
	if q.Status == "" {
		return errors.New(`the request in the response has no "status"`)
	}
	return nil
}

// HasResponse reports whether the request carries an answer: a reviewer's,
// or the default response recorded at the deadline.
func (q *Request) HasResponse() bool { return !IsNullJSON(q.ResponseData) }

// Recipient is a reviewer a request was broadcast to.
type Recipient struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
}

// Responder is who answered a request. The request object names the user
// by id; the webhook payload has an object with user_id, name and email.
// Both shapes are accepted.
type Responder struct {
	UserID string `json:"user_id"`
	Name   string `json:"name,omitempty"`
	Email  string `json:"email,omitempty"`
}

// UnmarshalJSON accepts a user id string or a {user_id, name, email} object.
func (r *Responder) UnmarshalJSON(b []byte) error {
	var id string
	if err := json.Unmarshal(b, &id); err == nil {
		*r = Responder{UserID: id}
		return nil
	}
	type plain Responder
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return errors.New("response_by is neither a user id nor an object")
	}
	*r = Responder(p)
	return nil
}

// CreateRequestInput is the body of a create. Zero-valued optional fields
// are not sent; CreateRequest fills in Platform, and sends an empty
// response_config when ResponseConfig is nil.
type CreateRequestInput struct {
	ProcessingType string          `json:"processing_type"`
	Type           string          `json:"type"`
	Priority       string          `json:"priority"`
	RequestText    string          `json:"request_text"`
	ImageURL       string          `json:"image_url,omitempty"`
	ResponseType   ResponseType    `json:"response_type"`
	ResponseConfig *ResponseConfig `json:"response_config,omitempty"`
	// TimeoutSeconds is required for time-sensitive requests; zero leaves
	// a deferred request with the API's default deadline.
	TimeoutSeconds int64 `json:"timeout_seconds,omitempty"`
	// DefaultResponse is any JSON value: "reject", 3, ["a","b"].
	DefaultResponse json.RawMessage `json:"default_response,omitempty"`
	// Context must be a JSON object when set.
	Context         json.RawMessage `json:"context,omitempty"`
	CallbackURL     string          `json:"callback_url,omitempty"`
	Tags            []string        `json:"tags,omitempty"`
	Platform        string          `json:"platform"`
	PlatformVersion string          `json:"platform_version,omitempty"`
}

// CreatedRequest is the answer to a create, with the fields the provider
// uses. Unlike the request object, its BroadcastedTo is the number of
// reviewers the request went to.
type CreatedRequest struct {
	RequestID     string        `json:"request_id"`
	Status        RequestStatus `json:"status"`
	TimeoutAt     string        `json:"timeout_at"`
	BroadcastedTo int64         `json:"broadcasted_to"`
}

func (c *CreatedRequest) validate() error {
	if c.RequestID == "" {
		return errors.New(`the response has no "request_id"`)
	}
	return nil
}

// CancelledRequest is the answer to a cancel, with the fields the provider
// uses.
type CancelledRequest struct {
	RequestID string        `json:"request_id"`
	Status    RequestStatus `json:"status"`
}

// RequestFilter narrows ListRequests. Empty fields are not sent; a zero
// Limit leaves the API's default page size.
type RequestFilter struct {
	Status   RequestStatus
	Priority string
	LoopID   string
	// Sort is created_at_desc (the default), created_at_asc,
	// priority_desc or status_asc.
	Sort   string
	Limit  int
	Offset int
}

func (f RequestFilter) query() string {
	v := url.Values{}
	for k, s := range map[string]string{"status": string(f.Status), "priority": f.Priority, "loop_id": f.LoopID, "sort": f.Sort} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Limit > 0 {
		v.Set("limit", strconv.Itoa(f.Limit))
	}
	if f.Offset > 0 {
		v.Set("offset", strconv.Itoa(f.Offset))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// RequestPage is one page of ListRequests.
type RequestPage struct {
	Requests []Request `json:"requests"`
	HasMore  bool      `json:"has_more"`
}

func (p *RequestPage) validate() error {
	if p.Requests == nil {
		return errors.New(`the response has no "requests" list`)
	}
	for i := range p.Requests {
		if err := p.Requests[i].validate(); err != nil {
			return err
		}
	}
	return nil
}

type requestData struct {
	Request Request `json:"request"`
}

func (d *requestData) validate() error { return d.Request.validate() }

func requestPath(id string) string { return "/api/requests/" + url.PathEscape(id) }

// CreateRequest sends a review request to the reviewers of a loop. It is
// retried only when the API certainly did not receive it, so it never asks
// the reviewers twice.
func (c *Client) CreateRequest(ctx context.Context, loopID string, in CreateRequestInput) (*CreatedRequest, error) {
	if in.Platform == "" {
		in.Platform = PlatformAPI
	}
	if in.ResponseConfig == nil {
		// The documented body has a response_config with every response
		// type; one without settings is an empty object.
		in.ResponseConfig = &ResponseConfig{}
	}
	var out CreatedRequest
	if err := c.do(ctx, http.MethodPost, loopPath(loopID)+"/requests", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetRequest returns one request with its status and, once answered, the
// response.
func (c *Client) GetRequest(ctx context.Context, id string) (*Request, error) {
	var out requestData
	if err := c.do(ctx, http.MethodGet, requestPath(id), nil, &out); err != nil {
		return nil, err
	}
	return &out.Request, nil
}

// ListRequests returns one page of the requests in the key's loops.
func (c *Client) ListRequests(ctx context.Context, f RequestFilter) (*RequestPage, error) {
	var out RequestPage
	if err := c.do(ctx, http.MethodGet, "/api/requests"+f.query(), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CancelRequest cancels a pending or claimed request. The API answers 400
// for a request that is already completed, timed out or cancelled.
func (c *Client) CancelRequest(ctx context.Context, id string) (*CancelledRequest, error) {
	var out CancelledRequest
	if err := c.do(ctx, http.MethodDelete, requestPath(id), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
