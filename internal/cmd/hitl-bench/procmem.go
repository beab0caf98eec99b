package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// procRoot is where the process table is read; only Linux has one.
const procRoot = "/proc"

// procWatcher samples every running process of one executable: its peak
// resident memory and the CPU time it has used. Terraform starts a provider
// several times per command (to validate, to plan, to apply), so it keeps
// the largest VmHWM seen, sums the CPU time over the processes and counts
// them.
//
// Sampling misses a process that lives shorter than the interval, and sees
// a process's peak and CPU time only up to its last sample.
type procWatcher struct {
	binary   string
	interval time.Duration

	stop chan struct{}
	done chan struct{}

	mu     sync.Mutex
	peakKB int64
	cpu    map[int]time.Duration // by pid, at the last sample
}

// procUsage is what a procWatcher saw.
type procUsage struct {
	// PeakKB is the largest VmHWM in KiB, 0 when no process was seen.
	PeakKB int64
	// CPU is the user and system time of the processes.
	CPU time.Duration
	// Processes is the number of distinct processes.
	Processes int
}

// procWatchSupported reports whether this system has a /proc to sample.
func procWatchSupported() bool {
	_, err := os.Stat(filepath.Join(procRoot, "self", "status"))
	return err == nil
}

// watchProcesses starts sampling the processes running binary every
// interval until Stop.
func watchProcesses(binary string, interval time.Duration) *procWatcher {
	if resolved, err := filepath.EvalSymlinks(binary); err == nil {
		binary = resolved
	}
	w := &procWatcher{
		binary:   binary,
		interval: interval,
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		cpu:      map[int]time.Duration{},
	}
	go w.loop()
	return w
}

func (w *procWatcher) loop() {
	defer close(w.done)
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		w.sample()
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
	}
}

// Stop ends the sampling and returns what it saw.
func (w *procWatcher) Stop() procUsage {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	u := procUsage{PeakKB: w.peakKB, Processes: len(w.cpu)}
	for _, d := range w.cpu {
		u.CPU += d
	}
	return u
}

func (w *procWatcher) sample() {
	entries, err := os.ReadDir(procRoot)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || !e.IsDir() {
			continue
		}
		dir := filepath.Join(procRoot, e.Name())
		if !w.runsBinary(dir) {
			continue
		}
		status, err := os.ReadFile(filepath.Join(dir, "status"))
		if err != nil {
			continue // It exited meanwhile.
		}
		kb, ok := parseVmHWM(status)
		if !ok {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(dir, "stat"))
		if err != nil {
			continue
		}
		cpu, ok := parseCPUTime(stat)
		if !ok {
			continue
		}
		w.mu.Lock()
		w.peakKB = max(w.peakKB, kb)
		w.cpu[pid] = max(w.cpu[pid], cpu)
		w.mu.Unlock()
	}
}

// runsBinary reports whether the process in the /proc directory dir runs
// the watched binary: its exe link points at it, or, when the link cannot
// be read, its command line starts with it.
func (w *procWatcher) runsBinary(dir string) bool {
	if exe, err := os.Readlink(filepath.Join(dir, "exe")); err == nil {
		return exe == w.binary
	}
	cmdline, err := os.ReadFile(filepath.Join(dir, "cmdline"))
	if err != nil {
		return false
	}
	return commandIs(cmdline, w.binary)
}

// commandIs reports whether a NUL-separated /proc/PID/cmdline starts with
// binary as its first argument.
func commandIs(cmdline []byte, binary string) bool {
	first, _, _ := bytes.Cut(cmdline, []byte{0})
	return len(first) > 0 && string(first) == binary
}

// parseVmHWM returns the VmHWM ("high water mark", the peak resident set
// size) of a /proc/PID/status file, in KiB. Kernel threads and zombies have
// none.
func parseVmHWM(status []byte) (kb int64, ok bool) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		value, found := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !found {
			continue
		}
		fields := strings.Fields(value)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, false
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil || n < 0 {
			return 0, false
		}
		return n, true
	}
	return 0, false
}

// clockTick is the unit of the CPU times in /proc/PID/stat (USER_HZ), 100
// per second on every Linux architecture Go supports.
const clockTick = 10 * time.Millisecond

// parseCPUTime returns the user plus system CPU time of a /proc/PID/stat
// line: fields 14 and 15, counted after the parenthesised command name,
// which may itself contain spaces and parentheses.
func parseCPUTime(stat []byte) (time.Duration, bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	// fields[0] is field 3 (state), so utime (14) and stime (15) are
	// fields[11] and fields[12].
	fields := strings.Fields(string(stat[i+1:]))
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil || utime < 0 || stime < 0 {
		return 0, false
	}
	return time.Duration(utime+stime) * clockTick, true
}
