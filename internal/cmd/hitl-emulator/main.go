// Command hitl-emulator serves an in-memory HITL.sh API on a loopback
// address, for trying the provider, running demos and measuring behaviour
// under latency and faults without a real account.
//
// Usage:
//
//	hitl-emulator [-addr 127.0.0.1:8080] [-api-key KEY] [-latency 50ms] [-answer-delay 1s] [-seed N]
//	              [-fail-rate F] [-rate-limit-rate F] [-drop-after-write-rate F]
//	              [-malformed-rate F] [-auto-respond VALUE] [-auto-respond-delay 2s]
//	              [-url-file PATH] [-quiet]
//
// On start it prints the base URL and the shell lines that point the
// provider at it, and on standard error the seed of its ids and faults.
// Then it logs one line per API call on standard error (method, path,
// status, duration; never the key or a body) unless -quiet is given. It
// stops cleanly on SIGINT or SIGTERM.
//
// Run it as a built binary (go build -o bin/hitl-emulator
// ./internal/cmd/hitl-emulator, or make emulator) when another program
// stops it by process id: go run starts the emulator as a child process,
// which outlives a go run that is killed.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	switch {
	case errors.Is(err, flag.ErrHelp):
		// -h printed the usage; asking for help is not a failure.
	case err != nil:
		fmt.Fprintln(os.Stderr, "hitl-emulator:", err)
		stop()
		os.Exit(1)
	}
}

// options are the parsed command line.
type options struct {
	addr          string
	apiKey        string
	urlFile       string
	autoRespond   *string
	autoDelay     time.Duration
	latency       time.Duration
	answerDelay   time.Duration
	seed          int64
	quiet         bool
	faults        emulator.Faults
	keyFromCaller bool
	hourlyLimit   int
	window        time.Duration
}

func parseFlags(args []string, stderr io.Writer, getenv func(string) string) (options, error) {
	var o options
	fs := flag.NewFlagSet("hitl-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "loopback `address` to listen on; port 0 picks a free port")
	fs.StringVar(&o.apiKey, "api-key", "", "bearer `key` to accept (default $HITL_API_KEY, else a generated key)")
	fs.DurationVar(&o.latency, "latency", 0, "delay added before answering each API request")
	fs.DurationVar(&o.answerDelay, "answer-delay", 0, "delay between performing a write and answering it, so that an interrupt can fall in between")
	fs.Int64Var(&o.seed, "seed", 0, "seed for ids, invite codes and fault decisions, to repeat a run (default: a random seed, printed at start)")
	fs.BoolVar(&o.quiet, "quiet", false, "do not log each API call on standard error")
	fs.Float64Var(&o.faults.ServerErrorRate, "fail-rate", 0, "fraction of API requests answered 500, 502 or 503")
	fs.Float64Var(&o.faults.RateLimitRate, "rate-limit-rate", 0, "fraction of API requests answered 429")
	fs.IntVar(&o.hourlyLimit, "hourly-limit", 0, "enforce a budget of `N` API calls per key and window, as the API does (100); 0 reports the budget without enforcing it")
	fs.DurationVar(&o.window, "rate-limit-window", time.Hour, "length of the budget's window, from a key's first call")
	fs.Float64Var(&o.faults.DropAfterWriteRate, "drop-after-write-rate", 0, "fraction of writes performed and then answered by closing the connection")
	fs.Float64Var(&o.faults.MalformedRate, "malformed-rate", 0, "fraction of GET requests answered with truncated JSON")
	autoRespond := fs.String("auto-respond", "", "answer every new request with `VALUE` (a JSON literal, or else a plain string)")
	fs.DurationVar(&o.autoDelay, "auto-respond-delay", 2*time.Second, "how long after creation -auto-respond answers")
	fs.StringVar(&o.urlFile, "url-file", "", "write the base URL to `PATH` once listening, for scripts that use port 0")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "auto-respond" {
			o.autoRespond = autoRespond
		}
	})
	for name, r := range map[string]float64{
		"-fail-rate":             o.faults.ServerErrorRate,
		"-rate-limit-rate":       o.faults.RateLimitRate,
		"-drop-after-write-rate": o.faults.DropAfterWriteRate,
		"-malformed-rate":        o.faults.MalformedRate,
	} {
		if !(r >= 0 && r <= 1) {
			return o, fmt.Errorf("%s must be between 0 and 1, got %v", name, r)
		}
	}
	if o.hourlyLimit < 0 || o.window <= 0 {
		return o, errors.New("-hourly-limit must not be negative and -rate-limit-window must be positive")
	}
	if o.latency < 0 || o.autoDelay < 0 || o.answerDelay < 0 {
		return o, errors.New("-latency, -answer-delay and -auto-respond-delay must not be negative")
	}
	if o.apiKey == "" {
		o.apiKey = getenv("HITL_API_KEY")
	}
	o.keyFromCaller = o.apiKey != ""
	return o, nil
}

// autoValue reads an -auto-respond value: JSON when it parses as JSON, so
// that 4.5, true and {"selected_value":"approve"} keep their types, and the
// text itself otherwise, so that approve needs no quoting.
func autoValue(s string) any {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err == nil {
		return v
	}
	return s
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	o, err := parseFlags(args, stderr, getenv)
	if err != nil {
		return err
	}
	cfg := emulator.Config{
		APIKey:  o.apiKey,
		Latency: o.latency,
		Faults:  o.faults,
		Seed:    o.seed,

		HourlyLimit:     o.hourlyLimit,
		RateLimitWindow: o.window,
	}
	if !o.quiet {
		cfg.Log = stderr
	}
	emu := emulator.New(cfg)
	emu.SetAnswerDelay(o.answerDelay)
	if o.autoRespond != nil {
		value, delay := autoValue(*o.autoRespond), o.autoDelay
		emu.SetAutoResponder(func(emulator.Request) (any, time.Duration, bool) {
			return value, delay, true
		})
	}

	baseURL, shutdown, err := emu.Listen(o.addr)
	if err != nil {
		return err
	}
	if o.urlFile != "" {
		if err := writeFileAtomic(o.urlFile, baseURL+"\n"); err != nil {
			_ = shutdown(context.Background())
			return err
		}
		// A URL file outliving the server would point scripts at nothing.
		defer func() { _ = os.Remove(o.urlFile) }()
	}
	if _, err := io.WriteString(stdout, banner(baseURL, emu.APIKey(), o.keyFromCaller)); err != nil {
		_ = shutdown(context.Background())
		return err
	}
	_, _ = fmt.Fprintf(stderr, "hitl-emulator: ids, invite codes and faults from seed %d; -seed %d repeats them\n", emu.Seed(), emu.Seed())

	<-ctx.Done()
	_, _ = fmt.Fprintln(stderr, "hitl-emulator: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return shutdown(shutdownCtx)
}

// banner is what a person starting the emulator pastes into a shell.
func banner(baseURL, apiKey string, keyFromCaller bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HITL emulator listening on %s\n", baseURL)
	fmt.Fprintf(&b, "export HITL_BASE_URL=%s\n", baseURL)
	if keyFromCaller {
		// A key supplied by the caller may be a real one: never print it.
		b.WriteString("# HITL_API_KEY: the key given by -api-key or $HITL_API_KEY\n")
	} else {
		// A generated key is a throwaway for this local process.
		fmt.Fprintf(&b, "export HITL_API_KEY=%s\n", apiKey)
	}
	return b.String()
}

// writeFileAtomic writes through a temporary file and a rename, so that a
// script waiting for the file never reads it half-written.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".hitl-emulator-url-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // Fails harmlessly after the rename.
	if _, err := tmp.WriteString(content); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
