package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

const (
	defaultListLimit = 50
	maxListLimit     = 100
)

var (
	requestStatuses = []string{statusPending, statusClaimed, statusCompleted, statusTimeout, statusCancelled}
	listSorts       = []string{"created_at_desc", "created_at_asc", "priority_desc", "status_asc"}
	priorityRank    = map[string]int{"low": 0, "medium": 1, "high": 2, "critical": 3}
)

// listQuery is a validated request-list query.
type listQuery struct {
	status, priority, loopID, sort string
	limit, offset                  int
}

func parseListQuery(v url.Values) (listQuery, *apiError) {
	q := listQuery{
		status:   v.Get("status"),
		priority: v.Get("priority"),
		loopID:   v.Get("loop_id"),
		sort:     v.Get("sort"),
		limit:    defaultListLimit,
	}
	if q.status != "" && !slices.Contains(requestStatuses, q.status) {
		return q, validationFailed("status must be one of: " + strings.Join(requestStatuses, ", "))
	}
	if q.priority != "" && !slices.Contains(priorities, q.priority) {
		return q, validationFailed("priority must be one of: " + strings.Join(priorities, ", "))
	}
	if q.sort == "" {
		q.sort = listSorts[0]
	} else if !slices.Contains(listSorts, q.sort) {
		return q, validationFailed("sort must be one of: " + strings.Join(listSorts, ", "))
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, validationFailed("limit must be a positive integer")
		}
		// Larger limits are capped rather than refused, as list APIs
		// commonly do; the page then says has_more.
		q.limit = min(n, maxListLimit)
	}
	if s := v.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return q, validationFailed("offset must be a non-negative integer")
		}
		q.offset = n
	}
	return q, nil
}

// listRequests serves GET /api/requests: requests in the caller's loops.
func (e *Emulator) listRequests(w http.ResponseWriter, r *http.Request, c *call) {
	q, aerr := parseListQuery(r.URL.Query())
	if aerr != nil {
		aerr.write(w)
		return
	}
	e.mu.Lock()
	data := e.queryRequestsLocked(q, func(l *loop) bool { return l.creatorID == c.key.account.id })
	e.mu.Unlock()
	writeOK(w, http.StatusOK, "Requests retrieved successfully", data)
}

// listLoopRequests serves GET /api/loops/{id}/requests.
func (e *Emulator) listLoopRequests(w http.ResponseWriter, r *http.Request, c *call) {
	q, aerr := parseListQuery(r.URL.Query())
	if aerr != nil {
		aerr.write(w)
		return
	}
	e.mu.Lock()
	l, aerr := e.findLoopLocked(c.params[0], c.key.account)
	var data map[string]any
	if aerr == nil {
		q.loopID = l.id
		data = e.queryRequestsLocked(q, func(*loop) bool { return true })
	}
	e.mu.Unlock()
	if aerr != nil {
		aerr.write(w)
		return
	}
	writeOK(w, http.StatusOK, "Requests retrieved successfully", data)
}

func (e *Emulator) queryRequestsLocked(q listQuery, visible func(*loop) bool) map[string]any {
	now := e.now()
	var matched []*request
	for _, r := range e.requests {
		l := e.loops[r.loopID]
		if l == nil || !visible(l) || (q.loopID != "" && r.loopID != q.loopID) {
			continue
		}
		e.settleLocked(r, now)
		if (q.status != "" && r.status != q.status) || (q.priority != "" && r.priority != q.priority) {
			continue
		}
		matched = append(matched, r)
	}
	sortRequests(matched, q.sort)

	total := len(matched)
	start := min(q.offset, total)
	end := min(start+q.limit, total)
	page := make([]requestJSON, 0, end-start)
	for _, r := range matched[start:end] {
		page = append(page, r.json())
	}
	return map[string]any{
		"requests": page,
		"count":    len(page),
		"total":    total,
		"has_more": end < total,
	}
}

// sortRequests orders by the requested key, newest first within equal keys.
// Creation sequence stands in for created_at, which has one-second precision.
func sortRequests(rs []*request, order string) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		switch order {
		case "created_at_asc":
			return a.seq < b.seq
		case "priority_desc":
			if pa, pb := priorityRank[a.priority], priorityRank[b.priority]; pa != pb {
				return pa > pb
			}
		case "status_asc":
			if a.status != b.status {
				return a.status < b.status
			}
		}
		return a.seq > b.seq
	})
}
