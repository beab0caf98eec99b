package hitl

import (
	"bytes"
	"encoding/json"
)

// ResponseType is the kind of answer a review request asks for, as the API
// names it.
type ResponseType string

// Response types.
const (
	ResponseSingleSelect ResponseType = "single_select"
	ResponseMultiSelect  ResponseType = "multi_select"
	ResponseRating       ResponseType = "rating"
	ResponseText         ResponseType = "text"
	ResponseNumber       ResponseType = "number"
	ResponseBoolean      ResponseType = "boolean"
)

// Labels the API shows for a boolean answer when the request sets none.
const (
	DefaultTrueLabel  = "True"
	DefaultFalseLabel = "False"
)

// AnswerLabel returns the label reviewers saw for the answer a request
// carries, when it has one apart from its value: for a boolean request,
// the response's "boolean_label", or else the request's true_label or
// false_label (or the API's defaults, "True" and "False"). It returns ""
// for other response types and when there is no answer.
func AnswerLabel(q *Request) string {
	if q == nil || q.ResponseType != ResponseBoolean {
		return ""
	}
	var wrapped struct {
		Boolean *bool  `json:"boolean"`
		Label   string `json:"boolean_label"`
	}
	var value bool
	raw := bytes.TrimSpace(q.ResponseData)
	switch {
	case json.Unmarshal(raw, &value) == nil:
	case json.Unmarshal(raw, &wrapped) == nil && wrapped.Boolean != nil:
		if wrapped.Label != "" {
			return wrapped.Label
		}
		value = *wrapped.Boolean
	default:
		return ""
	}
	return BooleanLabel(q.ResponseConfig, value)
}

// BooleanLabel is the label a boolean request with this configuration
// shows for value.
func BooleanLabel(cfg *ResponseConfig, value bool) string {
	switch {
	case value && cfg != nil && cfg.TrueLabel != nil && *cfg.TrueLabel != "":
		return *cfg.TrueLabel
	case value:
		return DefaultTrueLabel
	case cfg != nil && cfg.FalseLabel != nil && *cfg.FalseLabel != "":
		return *cfg.FalseLabel
	default:
		return DefaultFalseLabel
	}
}
