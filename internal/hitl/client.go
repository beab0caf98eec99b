// Package hitl is a small client for the HITL.sh REST API.
//
// It has no Terraform imports so that it can be read, tested and reused on its
// own. Every method takes a context, returns typed values, and reports API
// failures as *APIError.
package hitl

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultBaseURL is the production API root. Paths such as /api/loops are
// appended to it.
const DefaultBaseURL = "https://api.hitl.sh/v1"

// Defaults for the knobs that Options can change.
const (
	// DefaultHTTPTimeout bounds one HTTP attempt (the provider's
	// request_timeout).
	DefaultHTTPTimeout = 30 * time.Second
	// MinHTTPTimeout is the shortest HTTP timeout that leaves an answer
	// any chance of arriving over a real network.
	MinHTTPTimeout = time.Second
	// DefaultRetryWindow bounds the retries of a call whose context has
	// no deadline. Callers that know how long their operation may take
	// should say so with a context deadline instead.
	DefaultRetryWindow  = 5 * time.Minute
	defaultRetryWaitMin = 500 * time.Millisecond
	defaultRetryWaitMax = 30 * time.Second

	// maxResponseBytes caps how much of a response body is read, so that a
	// misbehaving proxy cannot make the provider allocate without bound.
	maxResponseBytes = 10 << 20
)

// Client talks to one HITL.sh account, identified by its API key.
type Client struct {
	baseURL    *url.URL
	apiKey     string
	httpClient *http.Client
	userAgent  string
	// maxRetries caps the retries of one call; negative means no cap, so
	// that the deadline alone decides.
	maxRetries   int
	retryWindow  time.Duration
	retryWaitMin time.Duration
	retryWaitMax time.Duration
	logger       Logger

	// writes counts successful and attempted writes; caches compare it to
	// know whether data they hold may have been changed by this client.
	writes writeCounter

	// rate is the latest request budget the API reported.
	rate rateState
	// contacted is set by the first answer of any kind; unreachable once a
	// call gave up because nothing ever accepted a connection.
	contacted, unreachable atomic.Bool
}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL sets the API root, for example "https://api.hitl.sh/v1".
// Plain http is accepted only for loopback hosts, because the API key would
// otherwise cross the network in clear text.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := ParseBaseURL(raw)
		if err != nil {
			return err
		}
		c.baseURL = u
		return nil
	}
}

// WithUserAgent sets the User-Agent header sent with every request.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		c.userAgent = ua
		return nil
	}
}

// WithHTTPTimeout bounds each HTTP attempt (not the whole operation,
// which the caller's context bounds).
func WithHTTPTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("HTTP timeout must be positive, got %s", d)
		}
		c.httpClient.Timeout = d
		return nil
	}
}

// WithMaxRetries caps how many times a failed request may be retried. By
// default there is no cap: a request is retried until the next wait would
// pass its context's deadline. Zero disables retries.
func WithMaxRetries(n int) Option {
	return func(c *Client) error {
		if n < 0 {
			return fmt.Errorf("max retries must not be negative, got %d", n)
		}
		c.maxRetries = n
		return nil
	}
}

// WithRetryWindow bounds the retries of calls whose context has no
// deadline (DefaultRetryWindow by default).
func WithRetryWindow(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("retry window must be positive, got %s", d)
		}
		c.retryWindow = d
		return nil
	}
}

// WithRetryWait sets the bounds of the exponential backoff between retries.
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(c *Client) error {
		if minWait <= 0 || maxWait < minWait {
			return fmt.Errorf("invalid retry wait bounds %s..%s", minWait, maxWait)
		}
		c.retryWaitMin, c.retryWaitMax = minWait, maxWait
		return nil
	}
}

// WithLogger sends request and retry logs to l.
func WithLogger(l Logger) Option {
	return func(c *Client) error {
		if l != nil {
			c.logger = l
		}
		return nil
	}
}

// New returns a client for the account that owns apiKey.
func New(apiKey string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(apiKey) == "" {
		return nil, errors.New("an API key is required")
	}
	base, _ := url.Parse(DefaultBaseURL)
	c := &Client{
		baseURL: base,
		apiKey:  apiKey,
		// One client, and so one pool of keep-alive connections, for the
		// whole provider process. The default transport is cloned rather
		// than shared so that nothing here changes global state.
		httpClient: &http.Client{
			Transport: newTransport(),
			Timeout:   DefaultHTTPTimeout,
		},
		userAgent:    "terraform-provider-hitl",
		maxRetries:   -1,
		retryWindow:  DefaultRetryWindow,
		retryWaitMin: defaultRetryWaitMin,
		retryWaitMax: defaultRetryWaitMax,
		logger:       nopLogger{},
	}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func newTransport() *http.Transport {
	t := &http.Transport{Proxy: http.ProxyFromEnvironment}
	if def, ok := http.DefaultTransport.(*http.Transport); ok {
		t = def.Clone()
	}
	// Terraform reads and writes with up to 10 resources at once by default;
	// keep enough idle connections that none of them has to re-dial.
	t.MaxIdleConnsPerHost = 32
	return t
}

// MaxRetries returns the cap on retries of one request, or -1 when there is
// none and the operation's deadline alone decides.
func (c *Client) MaxRetries() int { return c.maxRetries }

// HTTPTimeout returns the time limit of one HTTP attempt.
func (c *Client) HTTPTimeout() time.Duration { return c.httpClient.Timeout }

// ParseBaseURL checks an API root. It must be an absolute http(s) URL; plain
// http is allowed only when the host is a loopback address, so the API key
// never travels unencrypted over a network.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil {
		// url.Parse errors quote the input; keep that out of diagnostics in
		// case the URL carries credentials.
		return nil, errors.New("base URL is not a valid URL")
	}
	if u.User != nil {
		return nil, errors.New("base URL must not contain credentials; the API key is sent as a bearer token")
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("base URL %q must be an absolute https:// URL, such as %s", raw, DefaultBaseURL)
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("base URL %q uses plain http to a host that is not loopback; "+
			"the API key would be sent in clear text, so use https:// (plain http is allowed only for 127.0.0.1, ::1 and localhost)", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q must not contain a query or a fragment", raw)
	}
	return u, nil
}
