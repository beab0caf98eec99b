// Command hitl-bench measures what the provider costs with the real
// Terraform CLI: wall time, API calls and the provider's memory for
// creating, planning, updating and destroying N loops against the HITL
// emulator with a per-request latency, next to the same commands on N
// terraform_data resources (Terraform's own overhead).
//
// HITL.sh limits API calls per key and hour, so the call counts matter as
// much as the time: a no-op plan of any size should take one list call.
//
// Run it from a checkout of the repository with `make bench`, or:
//
//	go run ./internal/cmd/hitl-bench [-n 10,100,500] [-latency 50ms] [-parallelism 10]
//	                                 [-out .bench/results.md] [-strict] [-terraform PATH] [-v]
//
// It prints a Markdown table and the targets, each PASS or MISS, and writes
// them to the -out file. With -strict a missed target fails the run.
// Everything else it creates lives in a temporary directory that is removed
// at the end; the user's Terraform configuration is never read or changed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := realMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is the parsed command line.
type config struct {
	opts   options
	strict bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("hitl-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ns := fs.String("n", "10,100,500", "comma-separated numbers of loops to measure")
	fs.DurationVar(&c.opts.Latency, "latency", 50*time.Millisecond, "latency the emulator adds to every API request")
	fs.IntVar(&c.opts.Parallelism, "parallelism", 10, "terraform -parallelism, also used for the API floor")
	fs.StringVar(&c.opts.Out, "out", ".bench/results.md", "file for the results in Markdown (empty: none)")
	fs.BoolVar(&c.strict, "strict", false, "exit with status 1 when a target is missed")
	fs.StringVar(&c.opts.Terraform, "terraform", "", "path of the terraform binary (default: terraform on PATH)")
	fs.BoolVar(&c.opts.Verbose, "v", false, "show terraform's output")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: hitl-bench [flags]\n\n"+
			"Measures apply, no-op plan, update and destroy of N loops with the real\n"+
			"Terraform CLI against a local HITL emulator, next to N terraform_data.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	var err error
	if c.opts.Ns, err = parseNs(*ns); err != nil {
		return c, err
	}
	if c.opts.Latency < 0 {
		return c, errors.New("-latency must not be negative")
	}
	if c.opts.Parallelism < 1 {
		return c, errors.New("-parallelism must be at least 1")
	}
	return c, nil
}

// parseNs reads a list such as "10,100,500".
func parseNs(s string) ([]int, error) {
	var ns []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-n: %q is not a positive number of loops", f)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

func realMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "hitl-bench:", err)
		return 2
	}

	results, env, err := run(ctx, c.opts, stderr)
	switch {
	case errors.Is(err, errInterrupted):
		fmt.Fprintln(stderr, "hitl-bench: interrupted; temporary files removed.")
		return 130
	case err != nil:
		fmt.Fprintf(stderr, "\nhitl-bench: %v\n", err)
		return 1
	}

	targets := checkTargets(results)
	report := renderReport(env, results, targets)
	fmt.Fprint(stdout, "\n"+report)
	if c.opts.Out != "" {
		if err := writeReport(c.opts.Out, report); err != nil {
			fmt.Fprintln(stderr, "hitl-bench:", err)
			return 1
		}
		fmt.Fprintf(stderr, "hitl-bench: results written to %s\n", c.opts.Out)
	}
	if n := missed(targets); n > 0 && c.strict {
		fmt.Fprintf(stderr, "hitl-bench: %d target(s) missed\n", n)
		return 1
	}
	return 0
}

// renderReport is the Markdown printed and written to the results file.
func renderReport(env string, results []result, targets []target) string {
	return "## hitl-bench results\n\n" + env + "\n" + renderTable(results) + "\n" + legend +
		"\n### Targets\n\n" + renderTargets(targets)
}

// legend explains the columns of the table.
const legend = `Wall: the terraform command on hitl_loop resources. terraform_data: the same command on
terraform_data resources, Terraform's own cost. API floor: the round trips the API calls need
at this latency. Limit: terraform_data + API floor. CPU: terraform and the provider together;
Provider CPU: the provider processes alone. API calls: counted by the emulator. Provider peak
RSS: the largest VmHWM of the provider processes the command started. The provider columns are
sampled from /proc every 20 ms.
`

func writeReport(path, report string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(report), 0o644)
}
