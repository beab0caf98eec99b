package emulator

import (
	"bytes"
	"net/http"
	"sync/atomic"
	"time"
)

// lateAnswers holds the delay between performing a write and answering it.
type lateAnswers struct {
	delay atomic.Int64 // a time.Duration
}

// SetAnswerDelay makes every API write (POST, PUT, DELETE) take effect at
// once and be answered d later, after Config.Latency, which passes before
// anything is performed. A client that gives up or is interrupted in
// between never sees the answer to a write that was done: the gap in which
// the live API's answers can be lost. Zero, the default, answers at once.
// It is safe to call while serving.
func (e *Emulator) SetAnswerDelay(d time.Duration) {
	e.late.delay.Store(int64(max(d, 0)))
}

// answerLate performs a write with dispatch and answers it after the
// answer delay, and reports whether it did; it does nothing for reads or
// without a delay. When the client goes away meanwhile, the write stays
// done and the answer is dropped.
func (e *Emulator) answerLate(w http.ResponseWriter, r *http.Request, dispatch func(http.ResponseWriter)) bool {
	d := time.Duration(e.late.delay.Load())
	if d <= 0 || !isWrite(r.Method) {
		return false
	}
	rec := &heldAnswer{header: http.Header{}, status: http.StatusOK}
	dispatch(rec)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
		return true
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
	return true
}

// heldAnswer is a ResponseWriter that keeps an answer to send later.
type heldAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *heldAnswer) Header() http.Header         { return a.header }
func (a *heldAnswer) Write(b []byte) (int, error) { return a.body.Write(b) }
func (a *heldAnswer) WriteHeader(status int)      { a.status = status }
