package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hitl-sh/terraform-provider-hitl/internal/devenv"
	"github.com/hitl-sh/terraform-provider-hitl/internal/emulator"
)

// options are the benchmark's settings.
type options struct {
	// Terraform is the terraform binary; by default terraform on PATH.
	Terraform string
	// Ns are the numbers of loops to measure.
	Ns []int
	// Latency is added by the emulator to every API request.
	Latency time.Duration
	// Parallelism is passed to terraform as -parallelism and used in the
	// API floor.
	Parallelism int
	// Out receives the results as Markdown; empty means none.
	Out string
	// Verbose shows terraform's output.
	Verbose bool
	// RepoRoot is the repository checkout; by default the module root
	// found above the working directory.
	RepoRoot string
}

// Sampling interval of the provider's memory.
const sampleInterval = 20 * time.Millisecond

// Attribute values before and after the update.
const (
	createdValue = "Created by hitl-bench"
	updatedValue = "Updated by hitl-bench"
)

// errInterrupted is returned when Ctrl-C or SIGTERM ended the run.
var errInterrupted = errors.New("interrupted")

// bench is one run: a temporary directory with the provider binary, the
// CLI configuration and a working directory per configuration, and an
// emulator serving the API.
type bench struct {
	opts      options
	terraform string
	tmp       string
	binary    string
	env       []string
	emu       *emulator.Emulator
	watch     bool // whether /proc can be sampled
	stderr    io.Writer
}

// run measures every operation for every N and returns the results and a
// description of the environment they were taken in.
func run(ctx context.Context, opts options, stderr io.Writer) (results []result, env string, err error) {
	terraform, err := devenv.FindTerraform(opts.Terraform)
	if err != nil {
		return nil, "", err
	}
	if opts.RepoRoot == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, "", err
		}
		if opts.RepoRoot, err = devenv.FindModuleRoot(wd); err != nil {
			return nil, "", err
		}
	}

	tmp, err := os.MkdirTemp("", "hitl-bench-")
	if err != nil {
		return nil, "", err
	}
	defer func() {
		if rmErr := os.RemoveAll(tmp); rmErr != nil {
			fmt.Fprintf(stderr, "warning: could not remove %s: %v\n", tmp, rmErr)
		}
	}()

	b := &bench{opts: opts, terraform: terraform, tmp: tmp, stderr: stderr, watch: procWatchSupported()}
	results, env, err = b.run(ctx)
	if ctx.Err() != nil {
		return nil, "", errInterrupted
	}
	return results, env, err
}

func (b *bench) say(format string, args ...any) {
	fmt.Fprintf(b.stderr, "==> "+format+"\n", args...)
}

func (b *bench) run(ctx context.Context) ([]result, string, error) {
	pluginDir := filepath.Join(b.tmp, "plugins")
	if err := os.MkdirAll(pluginDir, 0o755); err != nil {
		return nil, "", err
	}
	cliConfig := filepath.Join(b.tmp, "terraform.rc")
	if err := devenv.WriteCLIConfig(cliConfig, pluginDir); err != nil {
		return nil, "", err
	}
	base := devenv.TerraformEnv(os.Environ(), map[string]string{"TF_CLI_CONFIG_FILE": cliConfig})
	version, err := devenv.TerraformVersion(ctx, b.terraform, base)
	if err != nil {
		return nil, "", err
	}
	b.say("Using Terraform %s (%s)", version, b.terraform)

	b.say("Building the provider")
	if b.binary, err = devenv.BuildProvider(ctx, b.opts.RepoRoot, pluginDir, b.stderr, b.stderr); err != nil {
		return nil, "", err
	}

	b.emu = emulator.New(emulator.Config{Latency: b.opts.Latency})
	baseURL, shutdown, err := b.emu.Listen("127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("starting the emulator: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = shutdown(sctx) // Its state is discarded.
	}()
	b.say("HITL emulator on %s, %s per request", baseURL, b.opts.Latency)

	b.env = devenv.TerraformEnv(os.Environ(), map[string]string{
		"TF_CLI_CONFIG_FILE": cliConfig,
		"HITL_BASE_URL":      baseURL,
		"HITL_API_KEY":       b.emu.APIKey(),
		"CHECKPOINT_DISABLE": "1",
		"TF_IN_AUTOMATION":   "1",
		"TF_INPUT":           "0",
		"TF_LOG":             "",
		"TF_LOG_PROVIDER":    "",
	})

	loadAtStart := loadAverage()
	if err := b.warmUp(ctx); err != nil {
		return nil, "", err
	}

	var results []result
	for _, n := range b.opts.Ns {
		rs, err := b.measureN(ctx, n)
		if err != nil {
			return nil, "", err
		}
		results = append(results, rs...)
	}
	return results, describeEnvironment(version, b.opts, loadAtStart, loadAverage()), nil
}

// warmUp runs one small plan of each configuration, so that the first
// measurement does not pay for loading terraform and the provider from
// disk.
func (b *bench) warmUp(ctx context.Context) error {
	b.say("Warming up")
	for _, cfg := range []string{hitlConfig(1, createdValue), dataConfig(1, createdValue)} {
		dir, err := os.MkdirTemp(b.tmp, "warm-up-")
		if err != nil {
			return err
		}
		if err := writeConfig(dir, cfg); err != nil {
			return err
		}
		if _, _, err := b.terraformRun(ctx, dir, "plan", "-input=false", "-no-color"); err != nil {
			return fmt.Errorf("warm-up plan: %w", err)
		}
	}
	return nil
}

// measureN measures every operation on n hitl_loop resources and on n
// terraform_data resources, each in a fresh working directory.
func (b *bench) measureN(ctx context.Context, n int) ([]result, error) {
	hitlDir := filepath.Join(b.tmp, fmt.Sprintf("hitl-%d", n))
	dataDir := filepath.Join(b.tmp, fmt.Sprintf("data-%d", n))
	if err := writeConfig(hitlDir, hitlConfig(n, createdValue)); err != nil {
		return nil, err
	}
	if err := writeConfig(dataDir, dataConfig(n, createdValue)); err != nil {
		return nil, err
	}

	var results []result
	for _, op := range operations {
		if op == opUpdate {
			if err := writeConfig(hitlDir, hitlConfig(n, updatedValue)); err != nil {
				return nil, err
			}
			if err := writeConfig(dataDir, dataConfig(n, updatedValue)); err != nil {
				return nil, err
			}
		}

		baseline, err := b.measure(ctx, dataDir, op)
		if err != nil {
			return nil, fmt.Errorf("%s of %d terraform_data resources: %w", op, n, err)
		}
		b.emu.ResetCalls()
		m, err := b.measure(ctx, hitlDir, op)
		if err != nil {
			return nil, fmt.Errorf("%s of %d loops: %w", op, n, err)
		}
		calls := b.emu.Calls()
		if err := b.checkEmulator(n, op); err != nil {
			return nil, fmt.Errorf("%s of %d loops: %w", op, n, err)
		}

		r := result{
			N: n, Op: op, Wall: m.wall, Baseline: baseline.wall,
			Floor: apiFloor(op, n, b.opts.Parallelism, b.opts.Latency),
			CPU:   m.cpu, ProviderCPU: -1,
			Calls:  calls,
			PeakKB: -1, Processes: -1,
		}
		if m.provider != nil {
			r.ProviderCPU, r.PeakKB, r.Processes = m.provider.CPU, m.provider.PeakKB, m.provider.Processes
		}
		b.say("N = %d, %s: %s (terraform_data %s, API floor %s), %d API calls, CPU %s (provider %s), provider peak %s",
			n, op, seconds(r.Wall), seconds(r.Baseline), seconds(r.Floor), r.TotalCalls(),
			seconds(r.CPU), formatCPU(r.ProviderCPU), formatMemory(r.PeakKB))
		results = append(results, r)
	}
	return results, nil
}

// checkEmulator makes sure that the operation did what it should, so that
// a fast but wrong run cannot pass for a good one.
func (b *bench) checkEmulator(n int, op operation) error {
	loops := b.emu.Loops()
	want := n
	if op == opDestroy {
		want = 0
	}
	if len(loops) != want {
		return fmt.Errorf("the emulator holds %d loops, want %d", len(loops), want)
	}
	wantDescription := createdValue
	if op == opUpdate {
		wantDescription = updatedValue
	}
	for _, l := range loops {
		if l.Description != wantDescription {
			return fmt.Errorf("loop %s has description %q, want %q", l.ID, l.Description, wantDescription)
		}
	}
	return nil
}

// measurement is what one terraform command cost.
type measurement struct {
	wall time.Duration
	// cpu is the CPU time of terraform and every process it started and
	// waited for, the provider among them.
	cpu time.Duration
	// provider is what the provider processes used; nil when /proc
	// cannot be read.
	provider *procUsage
}

// measure runs the operation in dir, timing it and watching the provider
// processes meanwhile (also for terraform_data, so that both runs carry the
// sampling's small cost).
func (b *bench) measure(ctx context.Context, dir string, op operation) (measurement, error) {
	var w *procWatcher
	if b.watch {
		w = watchProcesses(b.binary, sampleInterval)
	}
	wall, cpu, err := b.terraformRun(ctx, dir, op.args(b.opts.Parallelism)...)
	m := measurement{wall: wall, cpu: cpu}
	if w != nil {
		u := w.Stop()
		m.provider = &u
	}
	var exit *exec.ExitError
	if op == opPlan && errors.As(err, &exit) && exit.ExitCode() == 2 {
		return m, errors.New("terraform plan found changes; a no-op plan was expected")
	}
	return m, err
}

// terraformRun runs terraform in dir and returns its wall time and the CPU
// time of it and its children. Its output is shown with -v or when it
// fails.
func (b *bench) terraformRun(ctx context.Context, dir string, args ...string) (wall, cpu time.Duration, err error) {
	var out bytes.Buffer
	cmd := devenv.Command(ctx, dir, b.env, b.terraform, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if b.opts.Verbose {
		cmd.Stdout = io.MultiWriter(&out, b.stderr)
		cmd.Stderr = cmd.Stdout
	}
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if cmd.ProcessState != nil {
		// On Linux the rusage of a waited-for process includes that of
		// the children it waited for in turn.
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		// After Ctrl-C the output only says that terraform was stopped.
		if !b.opts.Verbose && ctx.Err() == nil {
			fmt.Fprintf(b.stderr, "$ terraform %s\n%s", strings.Join(args, " "), out.String())
		}
		return wall, cpu, fmt.Errorf("terraform %s: %w", args[0], err)
	}
	return wall, cpu, nil
}
