package hitl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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

// ResponseConfig configures the answer reviewers give, under the names the
// API's response-type pages document. Which fields apply depends on the
// response type:
//   - single_select: Options, Required;
//   - multi_select: Options, Required, MinSelections, MaxSelections;
//   - rating: ScaleMin, ScaleMax, ScaleStep, Labels, Required;
//   - text: Placeholder, MinLength, MaxLength, Required;
//   - number: MinValue, MaxValue, DecimalPlaces, Prefix, Suffix,
//     AllowNegative, Required;
//   - boolean: TrueLabel, FalseLabel, TrueColor, FalseColor, Required.
//
// Nil fields are not sent.
type ResponseConfig struct {
	Options       []ResponseOption  `json:"options,omitempty"`
	Required      *bool             `json:"required,omitempty"`
	MinSelections *int64            `json:"min_selections,omitempty"`
	MaxSelections *int64            `json:"max_selections,omitempty"`
	ScaleMin      *float64          `json:"scale_min,omitempty"`
	ScaleMax      *float64          `json:"scale_max,omitempty"`
	ScaleStep     *float64          `json:"scale_step,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
	Placeholder   *string           `json:"placeholder,omitempty"`
	MinLength     *int64            `json:"min_length,omitempty"`
	MaxLength     *int64            `json:"max_length,omitempty"`
	MinValue      *float64          `json:"min_value,omitempty"`
	MaxValue      *float64          `json:"max_value,omitempty"`
	DecimalPlaces *int64            `json:"decimal_places,omitempty"`
	Prefix        *string           `json:"prefix,omitempty"`
	Suffix        *string           `json:"suffix,omitempty"`
	AllowNegative *bool             `json:"allow_negative,omitempty"`
	TrueLabel     *string           `json:"true_label,omitempty"`
	FalseLabel    *string           `json:"false_label,omitempty"`
	TrueColor     *string           `json:"true_color,omitempty"`
	FalseColor    *string           `json:"false_color,omitempty"`
}

// IsEmpty reports whether no field is set.
func (c *ResponseConfig) IsEmpty() bool {
	return c == nil || (len(c.Options) == 0 && len(c.Labels) == 0 && c.Required == nil &&
		c.MinSelections == nil && c.MaxSelections == nil &&
		c.ScaleMin == nil && c.ScaleMax == nil && c.ScaleStep == nil &&
		c.Placeholder == nil && c.MinLength == nil && c.MaxLength == nil &&
		c.MinValue == nil && c.MaxValue == nil && c.DecimalPlaces == nil && c.Prefix == nil && c.Suffix == nil &&
		c.AllowNegative == nil &&
		c.TrueLabel == nil && c.FalseLabel == nil && c.TrueColor == nil && c.FalseColor == nil)
}

// ResponseOption is one choice of a select. The API takes an option either
// as a plain string or as a {value, label, color} object: an option with
// neither Label nor Color is sent as its value alone, and one with a Color
// but no Label gets its value as label, because the object form requires one.
type ResponseOption struct {
	Value string
	Label string
	Color string
}

type optionObject struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Color string `json:"color,omitempty"`
}

// MarshalJSON sends the plain-string form when it says everything.
func (o ResponseOption) MarshalJSON() ([]byte, error) {
	if o.Label == "" && o.Color == "" {
		return json.Marshal(o.Value)
	}
	label := o.Label
	if label == "" {
		label = o.Value
	}
	return json.Marshal(optionObject{Value: o.Value, Label: label, Color: o.Color})
}

// UnmarshalJSON accepts both forms.
func (o *ResponseOption) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*o = ResponseOption{Value: s}
		return nil
	}
	var obj optionObject
	if err := json.Unmarshal(b, &obj); err != nil {
		return errors.New("an option is neither a string nor a {value, label} object")
	}
	*o = ResponseOption(obj)
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

// IsNullJSON reports whether raw is absent or the JSON literal null.
func IsNullJSON(raw json.RawMessage) bool {
	return len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// AnswerText renders an answer (a response_data or default_response value)
// as one string, the way a configuration compares it:
//   - a string is itself;
//   - a number is its decimal form, such as "4" or "4.5";
//   - true and false are "true" and "false";
//   - a list is its elements rendered this way and joined with commas,
//     such as "grammar,accuracy";
//   - an object with one of the keys the response-type pages document
//     ("selected_value", "selected_values", "rating", "number",
//     "boolean") is that value rendered this way, since the API may wrap
//     an answer like that: {"boolean": true, "boolean_label": "Deploy"}
//     is "true";
//   - any other object is its compact JSON.
//
// ok is false when raw is absent or null: there is no answer.
func AnswerText(raw json.RawMessage) (text string, ok bool) {
	if IsNullJSON(raw) {
		return "", false
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return string(bytes.TrimSpace(raw)), true
	}
	return answerValueText(v, true), true
}

func answerValueText(v any, top bool) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		if f, err := strconv.ParseFloat(x.String(), 64); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case []any:
		if top {
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = answerValueText(e, false)
			}
			return strings.Join(parts, ",")
		}
	case map[string]any:
		if top {
			for _, key := range answerKeys {
				if inner, found := x[key]; found {
					return answerValueText(inner, true)
				}
			}
		}
	}
	b, _ := json.Marshal(v) // v came from JSON, so it encodes.
	return string(b)
}

// answerKeys are the keys under which the API's response_data objects
// carry the answer itself, beside its label or formatted value.
var answerKeys = []string{"selected_value", "selected_values", "boolean", "number", "rating"}

// EncodeAnswer is the inverse of AnswerText for an answer written by hand,
// such as a default response: it returns the JSON value that a response of
// responseType carries.
//   - rating and number: a JSON number; text must be one, such as "4.5";
//   - multi_select: a list of strings; text is the option values separated
//     by commas, such as "grammar,accuracy" (spaces around them are
//     ignored);
//   - boolean: JSON true or false; text must be "true" or "false";
//   - single_select, text and anything else: text as a JSON string.
func EncodeAnswer(responseType ResponseType, text string) (json.RawMessage, error) {
	switch responseType {
	case ResponseRating, ResponseNumber:
		t := strings.TrimSpace(text)
		var f float64
		if err := json.Unmarshal([]byte(t), &f); err != nil {
			return nil, fmt.Errorf("%q is not a number; a %s answer is a number such as 4 or 4.5", text, responseType)
		}
		return json.RawMessage(t), nil
	case ResponseBoolean:
		switch strings.TrimSpace(text) {
		case "true":
			return json.RawMessage("true"), nil
		case "false":
			return json.RawMessage("false"), nil
		}
		return nil, fmt.Errorf("%q is not a boolean; a boolean answer is true or false", text)
	case ResponseMultiSelect:
		values := SplitMultiAnswer(text)
		for _, v := range values {
			if v == "" {
				return nil, fmt.Errorf("%q has an empty option value; separate option values with single commas, such as \"a,b\"", text)
			}
		}
		return json.Marshal(values)
	default:
		return json.Marshal(text)
	}
}

// SplitMultiAnswer splits a multi_select answer written as comma-separated
// option values, trimming spaces around each.
func SplitMultiAnswer(text string) []string {
	parts := strings.Split(text, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}
