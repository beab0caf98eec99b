package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAPIFloor(t *testing.T) {
	const lat = 50 * time.Millisecond
	for _, tc := range []struct {
		op          operation
		n, parallel int
		want        time.Duration
	}{
		// Creating new loops: writes only, ceil(n/parallelism) rounds.
		{opApply, 10, 10, 1 * lat},
		{opApply, 100, 10, 10 * lat},
		{opApply, 101, 10, 11 * lat},
		{opApply, 500, 10, 50 * lat},
		{opApply, 7, 1, 7 * lat},
		// A no-op plan is one list call, whatever n.
		{opPlan, 10, 10, lat},
		{opPlan, 500, 10, lat},
		// Update and destroy refresh once, then write.
		{opUpdate, 100, 10, 11 * lat},
		{opUpdate, 500, 20, 26 * lat},
		{opDestroy, 10, 10, 2 * lat},
		{opDestroy, 500, 10, 51 * lat},
	} {
		if got := apiFloor(tc.op, tc.n, tc.parallel, lat); got != tc.want {
			t.Errorf("apiFloor(%s, n=%d, parallelism=%d) = %s, want %s", tc.op, tc.n, tc.parallel, got, tc.want)
		}
	}
}

func TestResultLimitAndRatio(t *testing.T) {
	r := result{Wall: 1200 * time.Millisecond, Baseline: 500 * time.Millisecond, Floor: 500 * time.Millisecond}
	if r.Limit() != time.Second {
		t.Errorf("Limit = %s, want 1s", r.Limit())
	}
	if got := r.Ratio(); got < 1.1999 || got > 1.2001 {
		t.Errorf("Ratio = %v, want 1.2", got)
	}
	if got := (result{Wall: time.Second}).Ratio(); got != 0 {
		t.Errorf("Ratio without a limit = %v, want 0", got)
	}
}

func TestOperationArgs(t *testing.T) {
	for op, want := range map[operation][]string{
		opApply:   {"apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=7"},
		opPlan:    {"plan", "-detailed-exitcode", "-input=false", "-no-color", "-parallelism=7"},
		opUpdate:  {"apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=7"},
		opDestroy: {"destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=7"},
	} {
		if got := op.args(7); !slices.Equal(got, want) {
			t.Errorf("%s: args %q, want %q", op, got, want)
		}
	}
}

func sampleResults() []result {
	return []result{
		{N: 100, Op: opApply, Wall: 660 * time.Millisecond, Baseline: 100 * time.Millisecond, Floor: 500 * time.Millisecond,
			CPU: 900 * time.Millisecond, ProviderCPU: 300 * time.Millisecond,
			Calls: map[string]int{"POST /api/loops": 100}, PeakKB: 40 * 1024, Processes: 3},
		{N: 100, Op: opPlan, Wall: 400 * time.Millisecond, Baseline: 100 * time.Millisecond, Floor: 50 * time.Millisecond,
			CPU: 500 * time.Millisecond, ProviderCPU: 250 * time.Millisecond,
			Calls: map[string]int{"GET /api/loops": 1}, PeakKB: 30 * 1024, Processes: 2},
		{N: 100, Op: opDestroy, Wall: time.Second, Baseline: 100 * time.Millisecond, Floor: 550 * time.Millisecond,
			CPU: time.Second, ProviderCPU: -1,
			Calls: map[string]int{"DELETE /api/loops/{id}": 100, "GET /api/loops": 1, "GET /api/loops/{id}": 1}, PeakKB: -1, Processes: -1},
		{N: 500, Op: opPlan, Wall: time.Second, Baseline: 500 * time.Millisecond, Floor: 50 * time.Millisecond,
			CPU: 2 * time.Second, ProviderCPU: 0,
			Calls: map[string]int{"GET /api/loops/{id}": 500}, PeakKB: 0, Processes: 0},
	}
}

func TestRenderTable(t *testing.T) {
	got := renderTable(sampleResults())
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 2+4 {
		t.Fatalf("want a header, a separator and 4 rows, got:\n%s", got)
	}
	columns := strings.Count(lines[0], "|")
	for i, l := range lines {
		if strings.Count(l, "|") != columns {
			t.Errorf("line %d has %d cells, the header %d: %s", i, strings.Count(l, "|"), columns, l)
		}
	}
	for _, want := range []string{
		"| 100 | apply | 0.66 s | 0.10 s | 0.50 s | 0.60 s | 1.10× | 0.90 s | 0.30 s | 100 | 100 × `POST /api/loops` | 40.0 MiB | 3 |",
		"| 100 | no-op plan | 0.40 s | 0.10 s | 0.05 s | 0.15 s | 2.67× | 0.50 s | 0.25 s | 1 | 1 × `GET /api/loops` | 30.0 MiB | 2 |",
		// Reads first, then writes; the provider not measured.
		"| 1.00 s | n/a | 102 | 1 × `GET /api/loops`, 1 × `GET /api/loops/{id}`, 100 × `DELETE /api/loops/{id}` | n/a | n/a |",
		"| 2.00 s | 0.00 s | 500 | 500 × `GET /api/loops/{id}` | not seen | 0 |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}

func TestFormatCalls(t *testing.T) {
	if got := formatCalls(nil); got != "none" {
		t.Errorf("no calls: %q", got)
	}
	got := formatCalls(map[string]int{"PUT /api/loops/{id}": 3, "GET /test": 1, "OPTIONS /x": 2, "GET /api/loops": 1})
	want := "1 × `GET /api/loops`, 1 × `GET /test`, 3 × `PUT /api/loops/{id}`, 2 × `OPTIONS /x`"
	if got != want {
		t.Errorf("formatCalls = %q, want %q", got, want)
	}
}

func TestCheckTargets(t *testing.T) {
	targets := checkTargets(sampleResults())
	got := map[string]verdict{}
	for _, tg := range targets {
		got[tg.Name] = tg.Verdict
	}
	want := map[string]verdict{
		"no-op plan of 100 loops makes at most 2 API calls":                            pass,
		"no-op plan of 500 loops makes at most 2 API calls":                            miss, // 500 single reads
		"apply of 100 loops makes exactly 100 × POST /api/loops and nothing else":      pass,
		"destroy of 100 loops makes exactly 100 × DELETE /api/loops/{id} and one list": miss, // one read too many
		"apply of 100 loops within 1.2× the limit":                                     pass, // 1.10×
		"no-op plan of 100 loops within 1.2× the limit":                                miss, // 2.67×
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s: %s, want %s", name, got[name], v)
		}
	}
	if len(targets) != len(want) {
		t.Errorf("%d targets, want %d: %+v", len(targets), len(want), targets)
	}
	if n := missed(targets); n != 3 {
		t.Errorf("missed = %d, want 3", n)
	}
	rendered := renderTargets(targets)
	if !strings.Contains(rendered, "- **MISS** no-op plan of 100 loops within 1.2× the limit — 2.67×") {
		t.Errorf("rendered targets:\n%s", rendered)
	}
}

func TestCheckTargets_notMeasured(t *testing.T) {
	targets := checkTargets([]result{{N: 10, Op: opApply, Calls: map[string]int{"POST /api/loops": 10}}})
	var skips int
	for _, tg := range targets {
		if tg.Verdict == skipped {
			skips++
			if !strings.Contains(tg.Detail, "add it to -n") {
				t.Errorf("%s: detail %q", tg.Name, tg.Detail)
			}
		}
	}
	// Two call-count plans and two timings need N = 100 or 500.
	if skips != 4 || missed(targets) != 0 {
		t.Errorf("skips = %d, missed = %d: %+v", skips, missed(targets), targets)
	}
}

func TestParseVmHWM(t *testing.T) {
	status := "Name:\tterraform-provi\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t4242\n" +
		"VmPeak:\t 1262308 kB\nVmSize:\t 1262308 kB\nVmHWM:\t   41236 kB\nVmRSS:\t   40112 kB\nThreads:\t9\n"
	if kb, ok := parseVmHWM([]byte(status)); !ok || kb != 41236 {
		t.Errorf("parseVmHWM = %d, %v; want 41236", kb, ok)
	}
	for name, in := range map[string]string{
		"kernel thread": "Name:\tkthreadd\nState:\tS (sleeping)\nThreads:\t1\n",
		"other unit":    "VmHWM:\t 12 MB\n",
		"garbage":       "VmHWM:\t lots kB\n",
		"empty":         "",
	} {
		if kb, ok := parseVmHWM([]byte(in)); ok {
			t.Errorf("%s: parseVmHWM = %d, true; want not found", name, kb)
		}
	}
}

func TestCommandIs(t *testing.T) {
	const bin = "/tmp/hitl-bench-1/plugins/terraform-provider-hitl"
	for cmdline, want := range map[string]bool{
		bin + "\x00":                   true,
		bin:                            true,
		bin + "\x00-debug\x00":         true,
		bin + "-other\x00":             false,
		"/usr/bin/terraform\x00" + bin: false,
		"":                             false,
	} {
		if got := commandIs([]byte(cmdline), bin); got != want {
			t.Errorf("commandIs(%q) = %v, want %v", cmdline, got, want)
		}
	}
}

// The watcher finds a running copy of a binary and reads its memory and
// CPU time.
func TestProcWatcher(t *testing.T) {
	if !procWatchSupported() {
		t.Skip("no /proc")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	// A private copy, so that no other process runs the same file.
	bin := filepath.Join(t.TempDir(), "busy-shell")
	data, err := os.ReadFile(sh)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	w := watchProcesses(bin, 5*time.Millisecond)
	// Spin for a while, with builtins only (no child processes), so that
	// there is CPU time to see.
	cmd := exec.Command(bin, "-c", `i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done`)
	if err := cmd.Run(); err != nil {
		w.Stop()
		t.Fatal(err)
	}
	u := w.Stop()
	if u.Processes != 1 || u.PeakKB <= 0 || u.CPU <= 0 {
		t.Errorf("watcher saw %+v; want 1 process with some memory and CPU time", u)
	}
}

func TestParseCPUTime(t *testing.T) {
	// A command name with a space and a parenthesis, as a process may set.
	stat := "4242 (terraform-pro) x) S 4200 4242 4200 0 -1 4194560 2011 0 0 0 37 5 0 0 20 0 9 0 12345 1262308000 10000 18446744073709551615\n"
	if got, ok := parseCPUTime([]byte(stat)); !ok || got != 420*time.Millisecond {
		t.Errorf("parseCPUTime = %s, %v; want 420ms", got, ok)
	}
	for _, in := range []string{"", "4242 (x) S 1 2 3", "4242 no parenthesis S 1 2 3 4 5 6 7 8 9 10 11 12 13", "4242 (x) S 1 2 3 4 5 6 7 8 9 10 ten 12 13"} {
		if got, ok := parseCPUTime([]byte(in)); ok {
			t.Errorf("parseCPUTime(%q) = %s, true; want not parsed", in, got)
		}
	}
}

func TestParseFlags(t *testing.T) {
	var stderr bytes.Buffer
	c, err := parseFlags(nil, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.opts.Ns, []int{10, 100, 500}) || c.opts.Latency != 50*time.Millisecond ||
		c.opts.Parallelism != 10 || c.opts.Out != ".bench/results.md" || c.strict {
		t.Errorf("defaults: %+v", c)
	}

	c, err = parseFlags([]string{"-n", "1, 20", "-latency", "10ms", "-parallelism", "4", "-strict", "-out", ""}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.opts.Ns, []int{1, 20}) || c.opts.Latency != 10*time.Millisecond ||
		c.opts.Parallelism != 4 || c.opts.Out != "" || !c.strict {
		t.Errorf("parsed: %+v", c)
	}

	for _, args := range [][]string{
		{"-n", "10,,100"}, {"-n", "0"}, {"-n", "ten"}, {"-parallelism", "0"}, {"-latency", "-1s"}, {"extra"},
	} {
		if _, err := parseFlags(args, &stderr); err == nil {
			t.Errorf("%q: want an error", args)
		}
	}
	if _, err := parseFlags([]string{"-h"}, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: err = %v, want flag.ErrHelp", err)
	}
}

func TestConfigs(t *testing.T) {
	hitl := hitlConfig(3, `say "hi" ${x}`)
	for _, want := range []string{`source = "hitl-sh/hitl"`, `resource "hitl_loop" "bench"`, "count       = 3", `description = "say \"hi\" $${x}"`} {
		if !strings.Contains(hitl, want) {
			t.Errorf("hitl configuration lacks %q:\n%s", want, hitl)
		}
	}
	data := dataConfig(3, "v")
	if !strings.Contains(data, `resource "terraform_data" "bench"`) || !strings.Contains(data, "count = 3") || strings.Contains(data, "hitl") {
		t.Errorf("terraform_data configuration:\n%s", data)
	}
}

func TestRenderReportAndWrite(t *testing.T) {
	results := sampleResults()
	report := renderReport("- Machine: test\n", results, checkTargets(results))
	for _, want := range []string{"## hitl-bench results", "- Machine: test", "| N | Operation |", "### Targets", "**MISS**"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	path := filepath.Join(t.TempDir(), ".bench", "results.md")
	if err := writeReport(path, report); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != report {
		t.Errorf("results file: %v", err)
	}
}

func TestDescribeEnvironment(t *testing.T) {
	got := describeEnvironment("1.11.4", options{Ns: []int{10, 100}, Latency: 50 * time.Millisecond, Parallelism: 10}, "0.50, 0.40, 0.30", "1.00, 0.50, 0.30")
	for _, want := range []string{"Terraform 1.11.4", runtime.Version(), "CPUs", "latency 50ms", "parallelism 10", "N = 10, 100",
		"0.50, 0.40, 0.30 at the start, 1.00, 0.50, 0.30 at the end"} {
		if !strings.Contains(got, want) {
			t.Errorf("environment %q lacks %q", got, want)
		}
	}
}
