package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// describeEnvironment says what the results were measured on.
// loadStart and loadEnd are the load averages at the start and the end of
// the run, "" when unknown: other work on the machine skews the times.
func describeEnvironment(terraformVersion string, opts options, loadStart, loadEnd string) string {
	ns := make([]string, len(opts.Ns))
	for i, n := range opts.Ns {
		ns[i] = strconv.Itoa(n)
	}
	machine := fmt.Sprintf("%d CPUs", runtime.NumCPU())
	if model := procField("/proc/cpuinfo", "model name"); model != "" {
		machine += " (" + model + ")"
	}
	if mem := procField("/proc/meminfo", "MemTotal"); mem != "" {
		if kb, err := strconv.ParseInt(strings.TrimSuffix(mem, " kB"), 10, 64); err == nil {
			machine += fmt.Sprintf(", %.0f GiB memory", float64(kb)/(1<<20))
		}
	}
	s := fmt.Sprintf("- Date: %s\n- Terraform %s, %s %s/%s\n- Machine: %s\n- Emulator latency %s per request, Terraform parallelism %d, N = %s\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), terraformVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH,
		machine, opts.Latency, opts.Parallelism, strings.Join(ns, ", "))
	if loadStart != "" && loadEnd != "" {
		s += fmt.Sprintf("- Load average (1, 5, 15 min): %s at the start, %s at the end\n", loadStart, loadEnd)
	}
	return s
}

// loadAverage returns the first three fields of /proc/loadavg, or "".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], ", ")
}

// procField returns the value of the first "key: value" line of a /proc
// file, or "" when there is none.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
