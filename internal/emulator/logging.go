package emulator

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"time"
)

// statusRecorder remembers the status a handler answered with, and whether
// it took the connection over to drop it.
type statusRecorder struct {
	http.ResponseWriter
	status   int
	hijacked bool
	// done is set when the handler returned; it stays unset when the
	// handler aborted the response with a panic.
	done bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Hijack lets fault injection drop the connection through the recorder.
func (s *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := s.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	conn, rw, err := hj.Hijack()
	if err == nil {
		s.hijacked = true
	}
	return conn, rw, err
}

// Unwrap gives http.ResponseController the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequest writes one line: method, path, outcome and duration. The
// path is written escaped, so a request cannot forge a line break, and
// without its query; headers and bodies, where the key and the data
// travel, are never looked at.
func (e *Emulator) logRequest(r *http.Request, rec *statusRecorder, d time.Duration) {
	outcome := strconv.Itoa(rec.status)
	switch {
	case rec.hijacked || (!rec.done && rec.status == 0):
		outcome = "dropped"
	case rec.status == 0 && r.Context().Err() != nil:
		outcome = "canceled"
	case rec.status == 0:
		outcome = strconv.Itoa(http.StatusOK) // What net/http sends for an empty answer.
	}
	e.log.Printf("%s %s %s %s", r.Method, r.URL.EscapedPath(), outcome, d.Round(time.Microsecond))
}
