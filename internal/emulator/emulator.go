// Package emulator is an in-memory implementation of the HITL.sh REST API.
//
// It follows the documented contract (status codes, envelopes, validation
// messages and both path spellings) closely enough to serve the API client's
// tests, the provider's acceptance tests, demos and benchmarks without network
// access or a real account. It deliberately shares no code with the client: a
// test that passes against it shows that two independent readings of the
// contract agree.
//
// An Emulator is an http.Handler and is safe for concurrent use.
package emulator

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"io"
	"log"
	mrand "math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Config configures an Emulator. The zero value is usable.
type Config struct {
	// APIKey is the owner's bearer key. When empty, New generates
	// "hitl_" followed by 40 hex characters.
	APIKey string
	// Email is the key owner's email. Default "owner@example.com".
	Email string
	// Latency is added before answering every API request.
	Latency time.Duration
	// Faults configures fault injection.
	Faults Faults
	// Seed seeds the ids, the invite codes and the fault decisions, so that
	// a run can be repeated exactly. Zero, the default, draws a seed from
	// the operating system's generator: ids and invite codes then differ
	// from one emulator to the next, so state left by an earlier run can
	// never name a loop of this one. Emulator.Seed reports the seed in use.
	Seed int64
	// RateLimit is the hourly limit reported by GET /test and the
	// X-RateLimit headers when HourlyLimit is zero. Default 100. It is
	// reported, not enforced: use HourlyLimit, or Faults.RateLimitRate
	// for random 429s.
	RateLimit int
	// HourlyLimit, when positive, is enforced: each key may make that many
	// API calls per window, and further calls are answered 429 "API rate
	// limit exceeded" until the window ends. It is also the limit reported.
	HourlyLimit int
	// RateLimitWindow is the length of the budget's window, which starts
	// with a key's first call. Default one hour, as the API documents;
	// tests use seconds.
	RateLimitWindow time.Duration
	// Permissions are reported by GET /test. Default loops:read,
	// loops:write, requests:read, requests:write.
	Permissions []string
	// PublicURL, when set, is the base of join_url and qr_code_url.
	// By default join URLs use https://my.hitl.sh and QR code URLs
	// https://api.hitl.sh, as the live service does.
	PublicURL string
	// Log, when set, receives one line per HTTP request: time, method,
	// path, status and duration. Headers, query strings and bodies are
	// never written, so neither is the API key. Nil, the default, logs
	// nothing.
	Log io.Writer
}

// Faults makes a fraction of API requests fail. Each rate is a probability
// between 0 and 1; one decision is drawn per authenticated API request from
// the seeded generator, so the same seed and the same sequence of requests
// give the same faults.
type Faults struct {
	// ServerErrorRate is the fraction answered 500, 502 or 503 (chosen at
	// random) without any side effect.
	ServerErrorRate float64
	// RateLimitRate is the fraction answered 429 with a Retry-After header
	// and no side effect.
	RateLimitRate float64
	// RetryAfter is the wait announced by 429 answers, rounded up to whole
	// seconds, at least one. Default 1s.
	RetryAfter time.Duration
	// DropAfterWriteRate is the fraction of POST, PUT and DELETE requests
	// that are performed and then answered by closing the connection, the
	// way a proxy timeout looks to a client.
	DropAfterWriteRate float64
	// MalformedRate is the fraction of GET requests answered 200 with a
	// truncated JSON body and no side effect.
	MalformedRate float64
}

const (
	defaultEmail     = "owner@example.com"
	defaultRateLimit = 100
	defaultJoinBase  = "https://my.hitl.sh"
	defaultQRBase    = "https://api.hitl.sh"
)

// Emulator is an in-memory HITL.sh API. Create it with New.
type Emulator struct {
	seed        int64
	log         *log.Logger
	email       string
	rateLimit   int
	hourlyLimit int // guarded by mu
	window      time.Duration
	permissions []string
	joinBase    string
	qrBase      string

	// now is the clock. Tests in this package replace it to move time
	// forward without sleeping.
	now func() time.Time

	// mu guards the account, loop and request state below.
	mu            sync.Mutex
	ids           *mrand.Rand
	usedIDs       map[string]struct{}
	seq           uint64
	owner         *account
	ownerKey      string
	keys          map[string]*apiKey
	accounts      map[string]*account // by id
	accountsEmail map[string]*account // by lower-cased email
	loops         map[string]*loop
	inviteCodes   map[string]struct{}
	requests      map[string]*request
	autoResponder func(Request) (any, time.Duration, bool)

	// callsMu guards the call counters, which are read far more often
	// than the state and must not wait behind it.
	callsMu sync.Mutex
	calls   map[string]int

	// faultMu guards the fault settings, the latency and the fault RNG.
	faultMu  sync.Mutex
	faults   Faults
	latency  time.Duration
	faultRNG *mrand.Rand

	// late delays the answers to writes (answer_delay.go).
	late lateAnswers
}

// account is a HITL.sh user: an API key owner or a reviewer who joined a loop.
type account struct {
	id    string
	email string
}

// apiKey is one bearer key. Usage is tracked per key and per window for the
// X-RateLimit headers and the rate_limit block of GET /test (see budget.go).
type apiKey struct {
	id          string
	account     *account
	windowStart time.Time
	windowCalls int
}

// New returns an Emulator with one account, the owner of cfg.APIKey.
func New(cfg Config) *Emulator {
	seed := cfg.Seed
	if seed == 0 {
		seed = randomSeed()
	}
	e := &Emulator{
		seed:        seed,
		email:       cfg.Email,
		rateLimit:   cfg.RateLimit,
		hourlyLimit: max(cfg.HourlyLimit, 0),
		window:      cfg.RateLimitWindow,
		permissions: append([]string(nil), cfg.Permissions...),
		joinBase:    defaultJoinBase,
		qrBase:      defaultQRBase,
		now:         time.Now,

		// Two streams from one seed, so that the fault sequence does not
		// shift when a test creates one more loop, and vice versa.
		ids:      mrand.New(mrand.NewPCG(uint64(seed), 0x1d5)),
		faultRNG: mrand.New(mrand.NewPCG(uint64(seed), 0xfa17)),

		usedIDs:       map[string]struct{}{},
		keys:          map[string]*apiKey{},
		accounts:      map[string]*account{},
		accountsEmail: map[string]*account{},
		loops:         map[string]*loop{},
		inviteCodes:   map[string]struct{}{},
		requests:      map[string]*request{},
		calls:         map[string]int{},
		faults:        cfg.Faults,
		latency:       cfg.Latency,
	}
	if e.email == "" {
		e.email = defaultEmail
	}
	if e.rateLimit <= 0 {
		e.rateLimit = defaultRateLimit
	}
	if e.window <= 0 {
		e.window = defaultRateLimitWindow
	}
	if len(e.permissions) == 0 {
		e.permissions = []string{"loops:read", "loops:write", "requests:read", "requests:write"}
	}
	if base := strings.TrimRight(cfg.PublicURL, "/"); base != "" {
		e.joinBase, e.qrBase = base, base
	}
	if cfg.Log != nil {
		e.log = log.New(cfg.Log, "", log.LstdFlags|log.Lmicroseconds)
	}
	key := cfg.APIKey
	if key == "" {
		key = generateAPIKey()
	}
	e.ownerKey = key
	e.owner = e.accountForEmailLocked(e.email)
	e.addKeyLocked(key, e.owner)
	return e
}

// generateAPIKey returns a fresh key from the operating system's generator
// rather than the seeded one: the key guards a listening server, and nothing
// is gained by making it predictable.
func generateAPIKey() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error.
	return "hitl_" + hex.EncodeToString(b)
}

// randomSeed returns a positive seed from the operating system's generator.
func randomSeed() int64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error.
	return max(int64(binary.BigEndian.Uint64(b[:])>>1), 1)
}

// Seed returns the seed of the ids, invite codes and fault decisions:
// Config.Seed, or the one drawn when that was zero. An emulator created
// with this seed and sent the same requests repeats them exactly.
func (e *Emulator) Seed() int64 { return e.seed }

// APIKey returns the owner's bearer key.
func (e *Emulator) APIKey() string { return e.ownerKey }

// SetFaults replaces the fault settings. It is safe to call while serving.
func (e *Emulator) SetFaults(f Faults) {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	e.faults = f
}

// SetLatency sets the delay added before answering each API request.
func (e *Emulator) SetLatency(d time.Duration) {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	e.latency = d
}

// AddUser creates a second account (or a further key for an existing one,
// matched by email) and returns its API key. Loops it creates are invisible
// to the owner, which is what the 403 paths of the API need.
func (e *Emulator) AddUser(email string) (apiKey string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	acct := e.accountForEmailLocked(email)
	key := generateAPIKey()
	e.addKeyLocked(key, acct)
	return key
}

func (e *Emulator) addKeyLocked(key string, acct *account) {
	e.keys[key] = &apiKey{id: e.newIDLocked(), account: acct}
}

// accountForEmailLocked returns the account with this email, creating it
// when needed, so that a reviewer added to a loop and a user with an API
// key are the same person when their emails match.
func (e *Emulator) accountForEmailLocked(email string) *account {
	norm := strings.ToLower(strings.TrimSpace(email))
	if a, ok := e.accountsEmail[norm]; ok {
		return a
	}
	a := &account{id: e.newIDLocked(), email: email}
	e.accounts[a.id] = a
	e.accountsEmail[norm] = a
	return a
}

// newIDLocked returns a unique 24-hex-character id shaped like a MongoDB
// ObjectID, which is what the live API returns.
func (e *Emulator) newIDLocked() string {
	for {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], e.ids.Uint64())
		binary.BigEndian.PutUint64(b[8:], e.ids.Uint64())
		id := hex.EncodeToString(b[:12])
		if _, dup := e.usedIDs[id]; !dup {
			e.usedIDs[id] = struct{}{}
			return id
		}
	}
}

const inviteAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newInviteCodeLocked returns a unique nine-character invite code.
func (e *Emulator) newInviteCodeLocked() string {
	for {
		b := make([]byte, 9)
		for i := range b {
			b[i] = inviteAlphabet[e.ids.IntN(len(inviteAlphabet))]
		}
		code := string(b)
		if _, dup := e.inviteCodes[code]; !dup {
			e.inviteCodes[code] = struct{}{}
			return code
		}
	}
}

// clock returns the current time at the API's precision: UTC, whole seconds.
func (e *Emulator) clock() time.Time {
	return e.now().UTC().Truncate(time.Second)
}

// nextSeq orders objects by creation, which timestamps of one-second
// precision cannot do on their own.
func (e *Emulator) nextSeqLocked() uint64 {
	e.seq++
	return e.seq
}

// ServeHTTP answers one request: control endpoints under /v1/_emulator/,
// QR code pictures under /qr/, everything else as the API. With
// Config.Log set, it logs one line per request.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.log == nil {
		e.serve(w, r)
		return
	}
	rec := &statusRecorder{ResponseWriter: w}
	start := time.Now()
	// Deferred, so that a response aborted by a panic is logged too.
	defer func() { e.logRequest(r, rec, time.Since(start)) }()
	e.serve(rec, r)
	rec.done = true
}

func (e *Emulator) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, qrPathPrefix) {
		e.serveQR(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	p := parsePath(r.URL.Path)
	if p.control {
		e.serveControl(w, r, p.segs)
		return
	}
	e.serveAPI(w, r, p)
}
