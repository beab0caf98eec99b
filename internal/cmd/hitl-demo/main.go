// Command hitl-demo shows the provider working end to end on one machine,
// with no HITL.sh account and no network: it builds the provider, starts the
// HITL emulator on a loopback port, and runs `terraform apply`, `terraform
// output` and `terraform destroy` on a copy of examples/quickstart. The
// loops' QR codes are written as PNG files.
//
// Run it from a checkout of the repository with `make demo`, or:
//
//	go run ./internal/cmd/hitl-demo [-terraform PATH] [-example DIR] [-out DIR]
//
// Everything it creates lives in a temporary directory that is removed at
// the end, also after a failure or Ctrl-C; only the PNG files stay. The
// user's Terraform configuration (~/.terraformrc) is never read or changed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(realMain())
}

func realMain() int {
	var opts options
	flag.StringVar(&opts.Terraform, "terraform", "", "path of the terraform binary (default: terraform on PATH)")
	flag.StringVar(&opts.Example, "example", "", "Terraform configuration to run (default: examples/quickstart of the repository)")
	flag.StringVar(&opts.OutDir, "out", "", "directory for the QR code PNG files (default: demo-output in the repository)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: %s [flags]\n\n"+
			"Runs examples/quickstart against a local HITL emulator: builds the provider,\n"+
			"applies, shows the outputs, writes the QR codes as PNG files, and destroys.\n\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		return 2
	}

	// Ctrl-C or SIGTERM stops the current step; the deferred cleanup in run
	// still stops the emulator and removes the temporary files.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	err := run(ctx, opts, os.Stdout, os.Stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errInterrupted):
		fmt.Fprintln(os.Stderr, "hitl-demo: interrupted; temporary files removed.")
		return 130
	default:
		fmt.Fprintf(os.Stderr, "\nhitl-demo: %v\n", err)
		return 1
	}
}
