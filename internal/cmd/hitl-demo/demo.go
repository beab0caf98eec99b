package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/devenv"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// options are the demo's settings. Empty fields take their defaults.
type options struct {
	// Terraform is the terraform binary; by default "terraform" on PATH.
	Terraform string
	// Example is the configuration to run; by default examples/quickstart.
	Example string
	// OutDir receives the QR code PNG files; by default demo-output in the
	// repository root.
	OutDir string
	// RepoRoot is the repository checkout; by default the module root
	// found above the working directory.
	RepoRoot string

	// tempDir holds the demo's scratch directory; by default the system's
	// temporary directory. Tests set it to check that nothing is left
	// behind without changing TMPDIR, so that they can run in parallel.
	tempDir string

	// build, when set, puts the provider binary into dir instead of
	// building it from RepoRoot. Tests share one build this way.
	build func(ctx context.Context, dir string) error

	// afterApply, when set, is called with the output of `terraform output
	// -json` and the emulator's loops before the destroy; an error ends
	// the demo. Tests use it to look at what was applied.
	afterApply func(outputJSON []byte, loops []emulator.Loop) error
}

// errInterrupted is returned when Ctrl-C or SIGTERM ended the demo.
var errInterrupted = errors.New("interrupted")

// emulatorShutdownTimeout bounds the wait for in-flight requests when the
// emulator stops.
const emulatorShutdownTimeout = 5 * time.Second

// run performs the whole demo and prints its progress to stdout; terraform
// and go write their own output to stdout and stderr as usual.
func run(ctx context.Context, opts options, stdout, stderr io.Writer) error {
	terraform, err := devenv.FindTerraform(opts.Terraform)
	if err != nil {
		return err
	}
	if opts.RepoRoot == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		if opts.RepoRoot, err = devenv.FindModuleRoot(wd); err != nil {
			return err
		}
	}
	if opts.Example == "" {
		opts.Example = filepath.Join(opts.RepoRoot, "examples", "quickstart")
	}
	if opts.OutDir == "" {
		opts.OutDir = filepath.Join(opts.RepoRoot, "demo-output")
	}

	s := &session{opts: opts, terraform: terraform, stdout: stdout, stderr: stderr, color: isTerminal(stdout)}
	files, err := s.run(ctx)
	if ctx.Err() != nil {
		return errInterrupted
	}
	if err != nil {
		return err
	}

	s.say("Done: the loops were created on the emulator, shown above, and destroyed again.")
	if len(files) > 0 {
		fmt.Fprintln(stdout, "    QR codes (PNG), one per loop:")
		for _, f := range files {
			fmt.Fprintf(stdout, "      %s\n", displayPath(f))
		}
		fmt.Fprintln(stdout, "    Each encodes its loop's join URL, as those of the live service do.")
	}
	fmt.Fprintln(stdout, "    To create the same loops on HITL.sh, export HITL_API_KEY and follow examples/quickstart/README.md.")
	return nil
}

// session is one run of the demo: a temporary directory holding the
// provider binary, the CLI configuration and the working directory, and an
// emulator serving the API.
type session struct {
	opts      options
	terraform string
	stdout    io.Writer
	stderr    io.Writer
	// color lets terraform color its output, which only a terminal shows.
	color bool
}

func (s *session) say(format string, args ...any) {
	fmt.Fprintf(s.stdout, "==> "+format+"\n", args...)
}

// run builds, applies, shows, decodes and destroys, and returns the PNG
// files written. Whatever happens, the deferred steps destroy what was
// applied (unless interrupted), stop the emulator and remove the temporary
// directory.
func (s *session) run(ctx context.Context) (files []string, err error) {
	tmp, err := os.MkdirTemp(s.opts.tempDir, "hitl-demo-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if rmErr := os.RemoveAll(tmp); rmErr != nil {
			fmt.Fprintf(s.stderr, "warning: could not remove %s: %v\n", tmp, rmErr)
		}
	}()

	pluginDir := filepath.Join(tmp, "plugins")
	workDir := filepath.Join(tmp, "work")
	cliConfig := filepath.Join(tmp, "terraform.rc")
	if err := devenv.WriteCLIConfig(cliConfig, pluginDir); err != nil {
		return nil, err
	}
	env := devenv.TerraformEnv(os.Environ(), map[string]string{"TF_CLI_CONFIG_FILE": cliConfig})

	version, err := devenv.TerraformVersion(ctx, s.terraform, env)
	if err != nil {
		return nil, err
	}
	s.say("Using Terraform %s (%s)", version, s.terraform)

	s.say("Building the provider")
	build := s.opts.build
	if build == nil {
		build = func(ctx context.Context, dir string) error {
			_, err := devenv.BuildProvider(ctx, s.opts.RepoRoot, dir, s.stdout, s.stderr)
			return err
		}
	}
	if err := build(ctx, pluginDir); err != nil {
		return nil, err
	}

	emu := emulator.New(emulator.Config{})
	baseURL, shutdown, err := emu.Listen("127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	defer func() {
		s.say("Stopping the emulator")
		sctx, cancel := context.WithTimeout(context.Background(), emulatorShutdownTimeout)
		defer cancel()
		_ = shutdown(sctx) // Nothing is left to lose: its state is discarded.
	}()
	s.say("Starting the HITL emulator on %s (no account needed)", baseURL)

	if err := copyConfig(s.opts.Example, workDir); err != nil {
		return nil, fmt.Errorf("copying %s: %w", s.opts.Example, err)
	}
	s.say("Copied %s to a temporary working directory; the repository stays untouched", displayPath(s.opts.Example))

	env = devenv.TerraformEnv(os.Environ(), map[string]string{
		"TF_CLI_CONFIG_FILE": cliConfig,
		"HITL_BASE_URL":      baseURL,
		"HITL_API_KEY":       emu.APIKey(),
		"CHECKPOINT_DISABLE": "1",
		"TF_IN_AUTOMATION":   "1",
		"TF_INPUT":           "0",
	})
	tf := func(args ...string) error {
		if !s.color {
			args = append(args, "-no-color")
		}
		return s.exec(ctx, workDir, env, s.stdout, s.terraform, args...)
	}

	// From here on something may exist on the emulator: destroy it on the
	// way out unless the explicit destroy below has run. After Ctrl-C the
	// user wants out, and the emulator's state is discarded anyway.
	destroyed := false
	defer func() {
		if destroyed || ctx.Err() != nil {
			return
		}
		s.say("Cleaning up: terraform destroy -auto-approve")
		if derr := tf("destroy", "-auto-approve"); derr != nil {
			fmt.Fprintf(s.stderr, "warning: terraform destroy failed: %v\n", derr)
		}
	}()

	// No terraform init: with dev_overrides, a configuration that uses only
	// the hitl provider and Terraform's built-ins needs no installation.
	s.say("terraform apply -auto-approve")
	if err := tf("apply", "-auto-approve"); err != nil {
		return nil, fmt.Errorf("terraform apply: %w", err)
	}
	loops := emu.Loops()
	names := make([]string, 0, len(loops))
	for _, l := range loops {
		names = append(names, l.Name)
	}
	sort.Strings(names)
	s.say("The emulator now holds %d loop(s): %s", len(loops), strings.Join(names, ", "))

	s.say("terraform output")
	if err := tf("output"); err != nil {
		return nil, fmt.Errorf("terraform output: %w", err)
	}

	s.say("Decoding the QR codes from terraform output -json")
	var out strings.Builder
	if err := s.exec(ctx, workDir, env, &out, s.terraform, "output", "-json"); err != nil {
		return nil, fmt.Errorf("terraform output -json: %w", err)
	}
	if s.opts.afterApply != nil {
		if err := s.opts.afterApply([]byte(out.String()), emu.Loops()); err != nil {
			return nil, err
		}
	}
	codes, err := qrCodes([]byte(out.String()))
	if err != nil {
		return nil, err
	}
	if files, err = writeQRCodes(s.opts.OutDir, codes); err != nil {
		return nil, err
	}
	for _, f := range files {
		fmt.Fprintf(s.stdout, "    wrote %s\n", displayPath(f))
	}
	if len(files) == 0 {
		fmt.Fprintln(s.stdout, "    (the configuration has no QR code outputs)")
	}

	s.say("terraform destroy -auto-approve")
	destroyed = true
	if err := tf("destroy", "-auto-approve"); err != nil {
		return nil, fmt.Errorf("terraform destroy: %w", err)
	}
	if n := len(emu.Loops()); n != 0 {
		return nil, fmt.Errorf("terraform destroy left %d loop(s) on the emulator", n)
	}
	return files, nil
}

// exec runs a command in dir with its standard output going to stdout and
// its standard error to the demo's.
func (s *session) exec(ctx context.Context, dir string, env []string, stdout io.Writer, name string, args ...string) error {
	cmd := devenv.Command(ctx, dir, env, name, args...)
	cmd.Stdout = stdout
	cmd.Stderr = s.stderr
	return cmd.Run()
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
