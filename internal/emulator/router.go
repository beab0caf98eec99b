package emulator

import (
	"net/http"
	"sort"
	"strings"
)

// apiPath is a request path split into what routing needs.
type apiPath struct {
	raw     string
	v1      bool     // under /v1/
	api     bool     // spelled /v1/api/...
	control bool     // under /v1/_emulator/
	segs    []string // the segments after /v1, /v1/api or /v1/_emulator
}

func parsePath(raw string) apiPath {
	p := apiPath{raw: raw}
	rest, ok := strings.CutPrefix(raw, "/v1/")
	if !ok {
		return p
	}
	p.v1 = true
	segs := strings.Split(rest, "/")
	switch segs[0] {
	case "_emulator":
		p.control = true
		segs = segs[1:]
	case "api":
		p.api = true
		segs = segs[1:]
	}
	p.segs = segs
	return p
}

// call is what a handler knows about the request beyond *http.Request.
type call struct {
	key    *apiKey
	params []string // wildcard segments, in order
}

type handler func(e *Emulator, w http.ResponseWriter, r *http.Request, c *call)

// route is one resource path. Its pattern is the spelling-independent form
// used as the call-counting key, e.g. "/api/loops/{id}".
type route struct {
	pattern string
	segs    []string
	// bare routes exist only without the /api prefix.
	bare    bool
	methods map[string]handler
}

var routes = []*route{
	newRoute("/api/loops", map[string]handler{
		http.MethodGet:  (*Emulator).listLoops,
		http.MethodPost: (*Emulator).createLoop,
	}),
	newRoute("/api/loops/{id}", map[string]handler{
		http.MethodGet:    (*Emulator).getLoop,
		http.MethodPut:    (*Emulator).updateLoop,
		http.MethodDelete: (*Emulator).deleteLoop,
	}),
	newRoute("/api/loops/{id}/members", map[string]handler{
		http.MethodGet: (*Emulator).listMembers,
	}),
	newRoute("/api/loops/{id}/members/{userId}", map[string]handler{
		http.MethodDelete: (*Emulator).removeMember,
	}),
	newRoute("/api/loops/{id}/requests", map[string]handler{
		http.MethodGet:  (*Emulator).listLoopRequests,
		http.MethodPost: (*Emulator).createRequest,
	}),
	newRoute("/api/requests", map[string]handler{
		http.MethodGet: (*Emulator).listRequests,
	}),
	newRoute("/api/requests/{id}", map[string]handler{
		http.MethodGet:    (*Emulator).getRequest,
		http.MethodDelete: (*Emulator).cancelRequest,
	}),
	newRoute("/api/requests/{id}/feedback", map[string]handler{
		http.MethodPost: (*Emulator).submitFeedback,
	}),
	bareRoute(newRoute("/test", map[string]handler{
		http.MethodGet: (*Emulator).testKey,
	})),
}

func newRoute(pattern string, methods map[string]handler) *route {
	rest := strings.TrimPrefix(pattern, "/api")
	return &route{
		pattern: pattern,
		segs:    strings.Split(strings.TrimPrefix(rest, "/"), "/"),
		methods: methods,
	}
}

func bareRoute(rt *route) *route {
	rt.bare = true
	return rt
}

// match finds the route for segs and returns its wildcard values.
func (rt *route) match(segs []string, api bool) ([]string, bool) {
	if len(segs) != len(rt.segs) || (rt.bare && api) {
		return nil, false
	}
	var params []string
	for i, s := range rt.segs {
		if strings.HasPrefix(s, "{") {
			if segs[i] == "" {
				return nil, false
			}
			params = append(params, segs[i])
			continue
		}
		if segs[i] != s {
			return nil, false
		}
	}
	return params, true
}

func (rt *route) allow() string {
	ms := make([]string, 0, len(rt.methods))
	for m := range rt.methods {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	return strings.Join(ms, ", ")
}

func findRoute(p apiPath) (*route, []string) {
	if !p.v1 {
		return nil, nil
	}
	for _, rt := range routes {
		if params, ok := rt.match(p.segs, p.api); ok {
			return rt, params
		}
	}
	return nil, nil
}

// serveAPI runs the API pipeline: count, wait, authenticate, maybe inject a
// fault, then dispatch.
func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request, p apiPath) {
	rt, params := findRoute(p)
	counted := strings.TrimPrefix(p.raw, "/v1")
	if rt != nil {
		counted = rt.pattern
	}
	e.countCall(r.Method + " " + counted)

	if !e.wait(r) {
		return
	}
	key, ok := e.authenticate(w, r, true)
	if !ok {
		return
	}
	c := &call{key: key, params: params}
	dispatch := func(w http.ResponseWriter) {
		switch {
		case rt == nil:
			writeError(w, http.StatusNotFound, "Not found", nil)
		case rt.methods[r.Method] == nil:
			w.Header().Set("Allow", rt.allow())
			writeError(w, http.StatusMethodNotAllowed, "Method not allowed", nil)
		default:
			rt.methods[r.Method](e, w, r, c)
		}
	}
	if e.injectFault(w, r, dispatch) || e.answerLate(w, r, dispatch) {
		return
	}
	dispatch(w)
}
