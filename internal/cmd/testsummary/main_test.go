package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const sample = `=== RUN   TestAccA
=== PAUSE TestAccA
=== RUN   TestAccB
    b_test.go:10: skipping: needs Terraform 1.14
--- SKIP: TestAccB (0.00s)
=== RUN   TestUnit
--- PASS: TestUnit (0.00s)
=== CONT  TestAccA
=== RUN   TestAccA/sub
    --- FAIL: TestAccA/sub (0.10s)
--- PASS: TestAccA (1.20s)
=== RUN   TestAccC
    c_test.go:3: step 2 failed
--- FAIL: TestAccC (0.50s)
FAIL
FAIL	example.com/p	1.8s
`

func TestSummarize(t *testing.T) {
	var out bytes.Buffer
	res, err := summarize(strings.NewReader(sample), &out, "TestAcc")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "=== ") || !strings.Contains(out.String(), "c_test.go:3: step 2 failed") {
		t.Errorf("passed through:\n%s", out.String())
	}
	want := "==> T 1.0: FAILED: 1 passed, 1 skipped, 1 failed (TestAcc* tests) in 3s"
	if got := res.line("T 1.0", "TestAcc", 3*time.Second); got != want {
		t.Errorf("line = %q, want %q", got, want)
	}
	if got, want := res.record(), "pass TestAccA\nskip TestAccB\nfail TestAccC\n"; got != want {
		t.Errorf("record = %q, want %q", got, want)
	}
	ok, err := summarize(strings.NewReader("--- PASS: TestAccA (1.00s)\nok  \texample.com/p\t1.0s\n"), &out, "TestAcc")
	if err != nil || !ok.ok() {
		t.Errorf("a passing run is not ok: %v", err)
	}
	failedMake, _ := summarize(strings.NewReader("--- PASS: TestAccA (1.00s)\nok  \texample.com/p\t1.0s\nmake[1]: *** [GNUmakefile:83: lint] Error 1\n"), &out, "TestAcc")
	if failedMake.ok() {
		t.Error("a run whose make target failed is ok")
	}
	empty, _ := summarize(strings.NewReader(""), &out, "TestAcc")
	if empty.ok() {
		t.Error("an empty run is ok")
	}
}

func TestCheckCoverage(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := write("old", "pass TestAccA\nskip TestAccQuery\nskip TestAccNever\n")
	newer := write("new", "pass TestAccA\npass TestAccQuery\nskip TestAccNever\n")
	var out bytes.Buffer
	err := checkCoverage([]string{old, newer}, &out)
	if err == nil || !strings.Contains(err.Error(), "TestAccNever") || strings.Contains(err.Error(), "TestAccQuery") {
		t.Errorf("err = %v, want only TestAccNever reported", err)
	}
	fixed := write("fixed", "pass TestAccNever\n")
	if err := checkCoverage([]string{old, newer, fixed}, &out); err != nil {
		t.Error(err)
	}
}
