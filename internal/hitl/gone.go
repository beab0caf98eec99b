package hitl

import (
	"context"
	"errors"
	"fmt"
)

// A loop or review request is gone only when the API says so for that
// object and its list agrees: a 404 alone proves nothing, since a wrong base
// URL makes every route answer 404. The functions here check both, so that
// a misconfigured endpoint can never make Terraform forget objects that
// still exist. Only they return a *GoneError.

// GoneError means that an object is certainly gone: the API answered that
// it is not found, and its list, asked too, works and does not hold it.
// Only the confirming functions (ReadLoop, ConfirmLoopGone, ReadRequest,
// ConfirmRequestGone, LoopSnapshot.Get) return it; check it with
// IsConfirmedGone. Its message is the API's answer, which it wraps.
type GoneError struct {
	// Kind is "loop" or "review request".
	Kind string
	ID   string
	// Answer is the API's answer that the object is not found.
	Answer error
}

func (e *GoneError) Error() string { return e.Answer.Error() }

func (e *GoneError) Unwrap() error { return e.Answer }

// IsConfirmedGone reports whether err is a *GoneError: the object is
// certainly gone, as its list confirmed. A not-found answer alone
// (IsLoopNotFoundAnswer, IsRequestNotFoundAnswer) is not.
func IsConfirmedGone(err error) bool {
	var g *GoneError
	return errors.As(err, &g)
}

// maxConfirmPages bounds how many pages of 100 requests ConfirmRequestGone
// reads. A loop with more requests than that is still checked for the
// essential part: the list endpoint answers as the API.
const maxConfirmPages = 50

// ReadLoop returns one loop with its own GET. An answer that the loop is
// not found becomes a *GoneError only after the loop list, asked too,
// works and does not hold the loop; otherwise the error says why the loop's
// absence could not be confirmed.
func (c *Client) ReadLoop(ctx context.Context, id string) (*Loop, error) {
	loop, err := c.GetLoop(ctx, id)
	if !IsLoopNotFoundAnswer(err) {
		return loop, err
	}
	return nil, c.ConfirmLoopGone(ctx, id, err)
}

// ConfirmLoopGone checks, after a call on loop id answered that the loop
// was not found (IsLoopNotFoundAnswer), that the loop list works and does
// not hold it. It returns a *GoneError when the loop is certainly gone,
// and otherwise an error that says why that could not be confirmed.
func (c *Client) ConfirmLoopGone(ctx context.Context, id string, gone error) error {
	loops, err := c.ListLoops(ctx)
	if err != nil {
		return fmt.Errorf("%v, but listing the loops to confirm that failed: %w", gone, err)
	}
	for i := range loops {
		if loops[i].ID == id {
			return fmt.Errorf("%v, but the loop list still holds loop %s, so it is not treated as deleted; try again", gone, id)
		}
	}
	return &GoneError{Kind: "loop", ID: id, Answer: gone}
}

// ReadRequest returns one review request with its own GET. An answer that
// the request is not found becomes a *GoneError only after the request
// list of loopID (all loops when empty) works and does not hold it;
// otherwise the error says why its absence could not be confirmed.
func (c *Client) ReadRequest(ctx context.Context, id, loopID string) (*Request, error) {
	q, err := c.GetRequest(ctx, id)
	if !IsRequestNotFoundAnswer(err) {
		return q, err
	}
	return nil, c.ConfirmRequestGone(ctx, id, loopID, err)
}

// ConfirmRequestGone checks, after a call on request id answered that the
// request was not found (IsRequestNotFoundAnswer), that the request list
// of loopID (all loops when empty) works and does not hold it. It returns
// a *GoneError when the request is certainly gone, and otherwise an error
// that says why that could not be confirmed.
func (c *Client) ConfirmRequestGone(ctx context.Context, id, loopID string, gone error) error {
	f := RequestFilter{LoopID: loopID, Sort: "created_at_desc", Limit: 100}
	for range maxConfirmPages {
		page, err := c.ListRequests(ctx, f)
		if err != nil {
			return fmt.Errorf("%v, but listing the requests to confirm that failed: %w", gone, err)
		}
		for i := range page.Requests {
			if page.Requests[i].ID == id {
				return fmt.Errorf("%v, but the request list still holds request %s, so it is not treated as deleted; try again", gone, id)
			}
		}
		if !page.HasMore || len(page.Requests) == 0 {
			break
		}
		f.Offset += len(page.Requests)
	}
	return &GoneError{Kind: "review request", ID: id, Answer: gone}
}
