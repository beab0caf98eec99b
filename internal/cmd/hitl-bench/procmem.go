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

// memWatcher samples the peak resident memory of every running process of
// one executable. Terraform starts a provider several times per command
// (to validate, to plan, to apply), so it keeps the largest VmHWM seen and
// counts the distinct processes.
//
// Sampling misses a process that lives shorter than the interval, and sees
// a process's peak only up to its last sample.
type memWatcher struct {
	binary   string
	interval time.Duration

	stop chan struct{}
	done chan struct{}

	mu     sync.Mutex
	peakKB int64
	pids   map[int]bool
}

// memoryWatchSupported reports whether this system has a /proc to sample.
func memoryWatchSupported() bool {
	_, err := os.Stat(filepath.Join(procRoot, "self", "status"))
	return err == nil
}

// watchMemory starts sampling the processes running binary every interval
// until Stop.
func watchMemory(binary string, interval time.Duration) *memWatcher {
	if resolved, err := filepath.EvalSymlinks(binary); err == nil {
		binary = resolved
	}
	w := &memWatcher{
		binary:   binary,
		interval: interval,
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		pids:     map[int]bool{},
	}
	go w.loop()
	return w
}

func (w *memWatcher) loop() {
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

// Stop ends the sampling and returns the largest VmHWM seen, in KiB (0 when
// no process was seen), and the number of distinct processes.
func (w *memWatcher) Stop() (peakKB int64, processes int) {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peakKB, len(w.pids)
}

func (w *memWatcher) sample() {
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
		w.mu.Lock()
		w.pids[pid] = true
		w.peakKB = max(w.peakKB, kb)
		w.mu.Unlock()
	}
}

// runsBinary reports whether the process in the /proc directory dir runs
// the watched binary: its exe link points at it, or, when the link cannot
// be read, its command line starts with it.
func (w *memWatcher) runsBinary(dir string) bool {
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
