package hitl

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// retryReason says why a failed attempt may be repeated, or "" when it must
// not be. Creates (POST) are repeated only when the server certainly did not
// act on them: a 429, or a request that never left this machine.
func retryReason(method string, a attempt) string {
	idempotent := method != http.MethodPost
	switch {
	case a.err != nil && permanentTransportError(a.err):
		return ""
	case a.err != nil && !a.sent:
		return "connection error before the request was sent: " + a.err.Error()
	case a.err != nil && idempotent:
		return "connection error: " + a.err.Error()
	case a.err != nil:
		return ""
	case a.status == http.StatusTooManyRequests:
		return "rate limited (429)"
	case idempotent && (a.status == 500 || a.status == 502 || a.status == 503 || a.status == 504):
		return fmt.Sprintf("server error (%d)", a.status)
	}
	return ""
}

// permanentTransportError reports whether a transport failure will not go
// away by trying again: a host name that does not exist, or a server
// certificate that is not trusted. Both are configuration errors.
func permanentTransportError(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return true
	}
	var verifyErr *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuthority) ||
		errors.As(err, &hostnameErr) || errors.As(err, &invalidCert)
}

// backoff returns the wait before retry number try+1: exponential with
// jitter, never shorter than the server's Retry-After.
func (c *Client) backoff(try int, retryAfter time.Duration) time.Duration {
	wait := c.retryWaitMin << min(try, 20)
	if wait > c.retryWaitMax || wait <= 0 {
		wait = c.retryWaitMax
	}
	// Half fixed, half random, so that parallel resources that failed
	// together do not retry in lock step.
	wait = wait/2 + rand.N(wait/2+1)
	if retryAfter >= wait {
		// Never sooner than the server asked; spread the retries of
		// requests that were limited together a little after it.
		wait = retryAfter + rand.N(c.retryWaitMin/2+1)
	}
	return wait
}

// RetryWait returns how long to wait before attempt number try+1 of an
// operation that failed try times: the client's backoff, for callers that
// repeat whole operations (such as a create whose outcome was checked).
func (c *Client) RetryWait(try int) time.Duration { return c.backoff(try, 0) }

// firstContactAttempts is how many times a call is tried when its
// connections are refused and the client has never reached the API.
const firstContactAttempts = 3

// isConnRefused reports whether a transport error is a refused connection.
func isConnRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// sleepCtx waits for d and reports true, or false if ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}
