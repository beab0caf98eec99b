package emulator

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

type faultKind int

const (
	faultNone faultKind = iota
	faultServerError
	faultRateLimit
	faultMalformed
	faultDrop
)

var serverErrorCodes = [...]int{
	http.StatusInternalServerError,
	http.StatusBadGateway,
	http.StatusServiceUnavailable,
}

// malformedBody is a 200 answer cut off mid-object, as a broken proxy or a
// dropped connection would deliver it.
const malformedBody = `{"error":false,"msg":"OK","data":{"id":"65f1234567`

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch:
		return true
	}
	return false
}

// rate keeps a configured probability within [0, 1].
func rate(f float64) float64 {
	if math.IsNaN(f) || f < 0 {
		return 0
	}
	return min(f, 1)
}

// decideFault draws exactly one number per request, whatever the settings,
// so that the sequence of decisions depends only on the seed and the
// sequence of requests. The unit interval is cut into consecutive bands:
// server errors, then rate limits, then the method-specific fault.
func (e *Emulator) decideFault(method string) (faultKind, int, time.Duration) {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	f := e.faults
	x := e.faultRNG.Float64()

	se := rate(f.ServerErrorRate)
	if x < se {
		// Reuse the draw to pick the status, keeping one draw per request.
		i := min(int(x/se*float64(len(serverErrorCodes))), len(serverErrorCodes)-1)
		return faultServerError, serverErrorCodes[i], 0
	}
	x -= se
	rl := rate(f.RateLimitRate)
	if x < rl {
		retry := f.RetryAfter
		if retry <= 0 {
			retry = time.Second
		}
		return faultRateLimit, http.StatusTooManyRequests, retry
	}
	x -= rl
	switch {
	case method == http.MethodGet && x < rate(f.MalformedRate):
		return faultMalformed, http.StatusOK, 0
	case isWrite(method) && x < rate(f.DropAfterWriteRate):
		return faultDrop, 0, 0
	}
	return faultNone, 0, 0
}

// injectFault answers the request with a fault when one is drawn and reports
// whether it did. For a dropped write, dispatch still runs (into a discarded
// response) so the write takes effect before the connection is closed.
func (e *Emulator) injectFault(w http.ResponseWriter, r *http.Request, dispatch func(http.ResponseWriter)) bool {
	kind, status, retry := e.decideFault(r.Method)
	switch kind {
	case faultServerError:
		writeError(w, status, http.StatusText(status), nil)
	case faultRateLimit:
		secs := int64(math.Ceil(retry.Seconds()))
		w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
		writeError(w, status, "Rate limit exceeded", nil)
	case faultMalformed:
		w.WriteHeader(status)
		_, _ = w.Write([]byte(malformedBody))
	case faultDrop:
		dispatch(&discardWriter{header: http.Header{}})
		dropConnection(w)
	default:
		return false
	}
	return true
}

// dropConnection closes the client connection without writing a response.
// Hijacking works for HTTP/1.x; elsewhere ErrAbortHandler makes the server
// abort the response, which the client also sees as a broken connection.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// discardWriter is a ResponseWriter that forgets everything.
type discardWriter struct {
	header http.Header
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
