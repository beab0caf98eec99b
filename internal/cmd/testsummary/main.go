// Command testsummary reads the output of `go test -v`, passes it through
// without the === RUN/PAUSE/CONT lines, and ends with one line that counts
// the top-level tests that passed, were skipped and failed. make testacc
// runs the acceptance tests under each CLI of a list through it; the
// records it writes let -coverage check that every test ran (passed) under
// at least one CLI.
//
//	go test -v -run '^TestAcc' ./... | testsummary -label "Terraform 1.15.9" -record tf115.txt
//	testsummary -coverage tf111.txt tf115.txt tofu112.txt
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
)

var (
	// Top-level results are not indented; subtests' are.
	testResult = regexp.MustCompile(`^--- (PASS|FAIL|SKIP): (\S+) \(`)
	// A failed package, a panic, or a failed make target when the output
	// of a whole make run comes through.
	pkgFailed = regexp.MustCompile(`^(FAIL\s+\S+|FAIL$|panic: |make(\[\d+\])?: \*\*\* )`)
	pkgOK     = regexp.MustCompile(`^ok\s+\S+`)
	progress  = regexp.MustCompile(`^=== (RUN|PAUSE|CONT|NAME)\s`)
)

func main() {
	label := flag.String("label", "tests", "name of the run in the summary line, e.g. the CLI's name and version")
	record := flag.String("record", "", "write one line per top-level test to this file: its result and its name")
	summary := flag.String("summary", "", "also append the summary line to this file")
	prefix := flag.String("prefix", "TestAcc", "count only the tests whose name starts with this")
	quiet := flag.Bool("quiet", false, "do not pass the test output through, only print the summary line")
	coverage := flag.Bool("coverage", false, "read the record files given as arguments and fail if a test never passed in any")
	flag.Parse()

	if *coverage {
		if err := checkCoverage(flag.Args(), os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(1)
		}
		return
	}
	out := io.Writer(os.Stdout)
	if *quiet {
		out = io.Discard
	}
	start := time.Now()
	res, err := summarize(os.Stdin, out, *prefix)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(1)
	}
	line := res.line(*label, *prefix, time.Since(start))
	fmt.Println(line)
	if *summary != "" {
		if err := appendLine(*summary, line); err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(1)
		}
	}
	if *record != "" {
		if err := os.WriteFile(*record, []byte(res.record()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(1)
		}
	}
	if !res.ok() {
		os.Exit(1)
	}
}

// results are the outcomes of the top-level tests of one run.
type results struct {
	byTest     map[string]string // name → PASS, FAIL or SKIP
	pkgFailure bool              // a package failed outside a test, e.g. to build
	pkgPassed  bool              // at least one package passed: go test did run
}

func summarize(r io.Reader, out io.Writer, prefix string) (*results, error) {
	res := &results{byTest: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if m := testResult.FindStringSubmatch(line); m != nil {
			if strings.HasPrefix(m[2], prefix) {
				res.byTest[m[2]] = m[1]
			}
		} else if pkgFailed.MatchString(line) {
			res.pkgFailure = true
		} else if pkgOK.MatchString(line) {
			res.pkgPassed = true
		}
		if !progress.MatchString(line) {
			if _, err := fmt.Fprintln(out, line); err != nil {
				return nil, err
			}
		}
	}
	return res, sc.Err()
}

func (r *results) count(result string) int {
	n := 0
	for _, v := range r.byTest {
		if v == result {
			n++
		}
	}
	return n
}

func (r *results) ok() bool {
	return r.count("FAIL") == 0 && !r.pkgFailure && r.pkgPassed
}

func (r *results) line(label, prefix string, elapsed time.Duration) string {
	status := "ok"
	if !r.ok() {
		status = "FAILED"
	}
	return fmt.Sprintf("==> %s: %s: %d passed, %d skipped, %d failed (%s* tests) in %s",
		label, status, r.count("PASS"), r.count("SKIP"), r.count("FAIL"), prefix, elapsed.Round(time.Second))
}

func (r *results) record() string {
	names := make([]string, 0, len(r.byTest))
	for name := range r.byTest {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		fmt.Fprintf(&b, "%s %s\n", strings.ToLower(r.byTest[name]), name)
	}
	return b.String()
}

func appendLine(path, line string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(f, line)
	return errors.Join(err, f.Close())
}

// checkCoverage fails when a test appears in the records but passed in
// none of them: skipped under every CLI, it tests nothing.
func checkCoverage(files []string, out io.Writer) error {
	if len(files) == 0 {
		return errors.New("-coverage needs record files")
	}
	passed := map[string]bool{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			result, name, ok := strings.Cut(line, " ")
			if !ok {
				continue
			}
			passed[name] = passed[name] || result == "pass"
		}
	}
	var never []string
	for name, ok := range passed {
		if !ok {
			never = append(never, name)
		}
	}
	sort.Strings(never)
	if len(never) > 0 {
		return fmt.Errorf("%d test(s) ran under none of the CLIs (skipped or failed everywhere): %s", len(never), strings.Join(never, ", "))
	}
	_, err := fmt.Fprintf(out, "==> Each of the %d tests passed under at least one CLI\n", len(passed))
	return err
}
