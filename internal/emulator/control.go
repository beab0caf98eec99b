package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
)

// serveControl answers the emulator's own endpoints under /v1/_emulator/.
// They let another process (a demo, a script) act as a reviewer and read
// the call counters. They need a valid key like the API, but are not
// counted, delayed or subjected to faults, so they never disturb what a
// test measures.
//
//	POST /v1/_emulator/requests/{id}/claim
//	POST /v1/_emulator/requests/{id}/respond   {"response_data": <any>}
//	POST /v1/_emulator/requests/{id}/expire
//	POST /v1/_emulator/loops/{id}/members      {"email": "...", "status": "active"|"pending",
//	                                            "role": "admin"|"member", "last_active": "<RFC 3339>"|""}
//	DELETE /v1/_emulator/loops/{id}/members/{email}   (the member leaves)
//	GET  /v1/_emulator/calls
//	POST /v1/_emulator/calls/reset
//	POST /v1/_emulator/rate-limit/reset   (starts a fresh budget window)
func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request, segs []string) {
	if _, ok := e.authenticate(w, r, false); !ok {
		return
	}
	method := func(want string, h func()) {
		if r.Method != want {
			w.Header().Set("Allow", want)
			writeError(w, http.StatusMethodNotAllowed, "Method not allowed", nil)
			return
		}
		h()
	}
	switch {
	case len(segs) == 3 && segs[0] == "requests" && segs[1] != "":
		id := segs[1]
		switch segs[2] {
		case "claim":
			method(http.MethodPost, func() { e.controlResult(w, id, "Request claimed", e.ClaimRequest(id)) })
		case "expire":
			method(http.MethodPost, func() { e.controlResult(w, id, "Request expired", e.ExpireRequest(id)) })
		case "respond":
			method(http.MethodPost, func() { e.controlRespond(w, r, id) })
		default:
			writeError(w, http.StatusNotFound, "Not found", nil)
		}
	case len(segs) == 3 && segs[0] == "loops" && segs[1] != "" && segs[2] == "members":
		method(http.MethodPost, func() { e.controlAddMember(w, r, segs[1]) })
	case len(segs) == 4 && segs[0] == "loops" && segs[1] != "" && segs[2] == "members" && segs[3] != "":
		method(http.MethodDelete, func() { e.controlLeave(w, segs[1], segs[3]) })
	case len(segs) == 1 && segs[0] == "calls":
		method(http.MethodGet, func() {
			writeOK(w, http.StatusOK, "Calls retrieved", map[string]any{
				"calls": e.Calls(),
				"total": e.TotalCalls(),
			})
		})
	case len(segs) == 2 && segs[0] == "calls" && segs[1] == "reset":
		method(http.MethodPost, func() {
			e.ResetCalls()
			writeOK(w, http.StatusOK, "Calls reset", map[string]any{"calls": map[string]int{}, "total": 0})
		})
	case len(segs) == 2 && segs[0] == "rate-limit" && segs[1] == "reset":
		method(http.MethodPost, func() {
			e.ResetRateLimit()
			writeOK(w, http.StatusOK, "Rate limit window reset", nil)
		})
	default:
		writeError(w, http.StatusNotFound, "Not found", nil)
	}
}

func (e *Emulator) controlRespond(w http.ResponseWriter, r *http.Request, id string) {
	m, aerr := decodeObject(r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	raw, present := m["response_data"]
	if !present {
		fieldRequired("response_data").write(w)
		return
	}
	var value any
	_ = json.Unmarshal(raw, &value) // decodeObject has checked the JSON.
	e.controlResult(w, id, "Request answered", e.RespondToRequest(id, value))
}

func (e *Emulator) controlAddMember(w http.ResponseWriter, r *http.Request, loopID string) {
	m, aerr := decodeObject(r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	email, _, aerr := stringField(m, "email")
	if aerr != nil {
		aerr.write(w)
		return
	}
	status, ok, aerr := stringField(m, "status")
	if aerr != nil {
		aerr.write(w)
		return
	}
	if !ok {
		status = memberActive
	}
	ch, aerr := memberChangeFields(m)
	if aerr != nil {
		aerr.write(w)
		return
	}
	userID, err := e.AddMember(loopID, email, status)
	if err == nil {
		err = e.ChangeMember(loopID, email, ch)
	}
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "Loop not found", nil)
	case err != nil:
		writeError(w, http.StatusBadRequest, "Validation failed", err.Error())
	default:
		writeOK(w, http.StatusOK, "Member added", map[string]any{"user_id": userID, "loop_id": loopID})
	}
}

// controlResult writes the outcome of a reviewer action with the request as
// it now stands.
func (e *Emulator) controlResult(w http.ResponseWriter, id, msg string, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, "Request not found", nil)
		return
	case errors.Is(err, ErrInvalidState):
		writeError(w, http.StatusConflict, "Request is not pending", err.Error())
		return
	case errors.Is(err, ErrInvalidAnswer):
		writeError(w, http.StatusBadRequest, "Validation failed", err.Error())
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "Invalid request body", err.Error())
		return
	}
	e.mu.Lock()
	q, ok := e.requests[id]
	var body requestJSON
	if ok {
		body = q.json()
	}
	e.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "Request not found", nil)
		return
	}
	writeOK(w, http.StatusOK, msg, map[string]any{"request": body})
}
