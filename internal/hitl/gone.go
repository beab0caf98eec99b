package hitl

import (
	"context"
	"fmt"
)

// A loop or review request is gone only when the API says so for that
// object and its list agrees: a 404 alone proves nothing, since a wrong base
// URL makes every route answer 404. The functions here check both, so that
// a misconfigured endpoint can never make Terraform forget objects that
// still exist.

// maxConfirmPages bounds how many pages of 100 requests ConfirmRequestGone
// reads. A loop with more requests than that is still checked for the
// essential part: the list endpoint answers as the API.
const maxConfirmPages = 50

// ReadLoop returns one loop with its own GET. An answer that the loop is
// not found (IsLoopGone) is returned only after the loop list, asked too,
// works and does not hold the loop; otherwise the error says why the loop's
// absence could not be confirmed.
func (c *Client) ReadLoop(ctx context.Context, id string) (*Loop, error) {
	loop, err := c.GetLoop(ctx, id)
	if !IsLoopGone(err) {
		return loop, err
	}
	if cerr := c.ConfirmLoopGone(ctx, id, err); cerr != nil {
		return nil, cerr
	}
	return nil, err
}

// ConfirmLoopGone checks, after a call on loop id answered that the loop
// was not found (gone), that the loop list works and does not hold it. It
// returns nil when the loop is certainly gone.
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
	return nil
}

// ReadRequest returns one review request with its own GET. An answer that
// the request is not found (IsRequestGone) is returned only after the
// request list of loopID (all loops when empty) works and does not hold
// it; otherwise the error says why its absence could not be confirmed.
func (c *Client) ReadRequest(ctx context.Context, id, loopID string) (*Request, error) {
	q, err := c.GetRequest(ctx, id)
	if !IsRequestGone(err) {
		return q, err
	}
	if cerr := c.ConfirmRequestGone(ctx, id, loopID, err); cerr != nil {
		return nil, cerr
	}
	return nil, err
}

// ConfirmRequestGone checks, after a call on request id answered that the
// request was not found (gone), that the request list of loopID (all loops
// when empty) works and does not hold it. It returns nil when the request
// is certainly gone.
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
	return nil
}
