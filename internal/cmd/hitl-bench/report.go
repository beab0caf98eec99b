package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// operation is one Terraform command the benchmark measures.
type operation int

const (
	opApply   operation = iota // create N resources: terraform apply
	opPlan                     // nothing to do: terraform plan -detailed-exitcode
	opUpdate                   // change an attribute of every resource: terraform apply
	opDestroy                  // terraform destroy
)

var operations = []operation{opApply, opPlan, opUpdate, opDestroy}

func (o operation) String() string {
	switch o {
	case opApply:
		return "apply"
	case opPlan:
		return "no-op plan"
	case opUpdate:
		return "update"
	case opDestroy:
		return "destroy"
	}
	return fmt.Sprintf("operation(%d)", int(o))
}

// args are the terraform command line of the operation.
func (o operation) args(parallelism int) []string {
	p := fmt.Sprintf("-parallelism=%d", parallelism)
	switch o {
	case opPlan:
		return []string{"plan", "-detailed-exitcode", "-input=false", "-no-color", p}
	case opDestroy:
		return []string{"destroy", "-auto-approve", "-input=false", "-no-color", p}
	default:
		return []string{"apply", "-auto-approve", "-input=false", "-no-color", p}
	}
}

// apiFloor is the time the API calls of an operation on n loops cannot
// avoid when every request takes latency: Terraform writes at most
// parallelism resources at once, so n writes take ceil(n/parallelism)
// round trips, and a refresh of any number of loops is one list call.
// Creating new loops refreshes nothing; a no-op plan only refreshes; an
// update or a destroy refreshes and then writes.
func apiFloor(o operation, n, parallelism int, latency time.Duration) time.Duration {
	writes := time.Duration(ceilDiv(n, parallelism)) * latency
	switch o {
	case opApply:
		return writes
	case opPlan:
		return latency
	default:
		return latency + writes
	}
}

func ceilDiv(a, b int) int {
	if b <= 0 {
		b = 1
	}
	return (a + b - 1) / b
}

// result is the measurement of one operation on N loops.
type result struct {
	N  int
	Op operation
	// Wall is the wall time of the terraform command on hitl_loop
	// resources.
	Wall time.Duration
	// Baseline is the wall time of the same command on N terraform_data
	// resources: Terraform's own cost, with no provider and no API.
	Baseline time.Duration
	// Floor is apiFloor for the operation.
	Floor time.Duration
	// CPU is the CPU time of terraform and the provider processes it
	// started; ProviderCPU that of the provider processes alone, -1 when
	// not measured.
	CPU, ProviderCPU time.Duration
	// Calls are the API calls the emulator received, by method and path.
	Calls map[string]int
	// PeakKB is the largest VmHWM of a provider process in KiB, 0 when
	// none was seen; Processes counts the provider processes seen. Both
	// are -1 when memory was not measured.
	PeakKB    int64
	Processes int
}

// Limit is the best wall time a provider could reach: Terraform's own
// overhead plus the unavoidable API time.
func (r result) Limit() time.Duration { return r.Baseline + r.Floor }

// Ratio is Wall / Limit.
func (r result) Ratio() float64 {
	if r.Limit() <= 0 {
		return 0
	}
	return float64(r.Wall) / float64(r.Limit())
}

// TotalCalls is the number of API calls.
func (r result) TotalCalls() int {
	n := 0
	for _, c := range r.Calls {
		n += c
	}
	return n
}

// renderTable returns the results as a Markdown table.
func renderTable(results []result) string {
	var b strings.Builder
	b.WriteString("| N | Operation | Wall | terraform_data | API floor | Limit | Wall / limit | CPU | Provider CPU | API calls | Calls by endpoint | Provider peak RSS | Provider processes |\n")
	b.WriteString("|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %.2f× | %s | %s | %d | %s | %s | %s |\n",
			r.N, r.Op, seconds(r.Wall), seconds(r.Baseline), seconds(r.Floor), seconds(r.Limit()), r.Ratio(),
			seconds(r.CPU), formatCPU(r.ProviderCPU), r.TotalCalls(), formatCalls(r.Calls),
			formatMemory(r.PeakKB), formatCount(r.Processes))
	}
	return b.String()
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// formatCalls lists the calls by endpoint, in a fixed order: reads, then
// creates, updates and deletes.
func formatCalls(calls map[string]int) string {
	if len(calls) == 0 {
		return "none"
	}
	order := map[string]int{"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}
	keys := slices.Collect(maps.Keys(calls))
	slices.SortFunc(keys, func(a, b string) int {
		ma, _, _ := strings.Cut(a, " ")
		mb, _, _ := strings.Cut(b, " ")
		oa, okA := order[ma]
		ob, okB := order[mb]
		if !okA {
			oa = len(order)
		}
		if !okB {
			ob = len(order)
		}
		if oa != ob {
			return oa - ob
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d × `%s`", calls[k], k)
	}
	return strings.Join(parts, ", ")
}

func formatCPU(d time.Duration) string {
	if d < 0 {
		return "n/a"
	}
	return seconds(d)
}

func formatMemory(kb int64) string {
	switch {
	case kb < 0:
		return "n/a"
	case kb == 0:
		return "not seen"
	}
	return fmt.Sprintf("%.1f MiB", float64(kb)/1024)
}

func formatCount(n int) string {
	if n < 0 {
		return "n/a"
	}
	return fmt.Sprint(n)
}

// verdict is the outcome of one target.
type verdict string

const (
	pass    verdict = "PASS"
	miss    verdict = "MISS"
	skipped verdict = "SKIP"
)

// target is one promise of the provider and whether this run kept it.
type target struct {
	Name    string
	Verdict verdict
	Detail  string
}

// Target thresholds.
const (
	maxPlanCalls = 2   // a no-op plan of any size
	maxRatio     = 1.2 // wall time against the limit at targetRatioN
	targetRatioN = 100
)

// checkTargets compares the results with the provider's promises.
func checkTargets(results []result) []target {
	find := func(n int, o operation) (result, bool) {
		for _, r := range results {
			if r.N == n && r.Op == o {
				return r, true
			}
		}
		return result{}, false
	}
	var ns []int
	for _, r := range results {
		if !slices.Contains(ns, r.N) {
			ns = append(ns, r.N)
		}
	}

	var out []target
	notMeasured := func(name string, n int) target {
		return target{Name: name, Verdict: skipped, Detail: fmt.Sprintf("N = %d was not measured (add it to -n)", n)}
	}

	for _, n := range []int{100, 500} {
		name := fmt.Sprintf("no-op plan of %d loops makes at most %d API calls", n, maxPlanCalls)
		r, ok := find(n, opPlan)
		if !ok {
			out = append(out, notMeasured(name, n))
			continue
		}
		out = append(out, judge(name, r.TotalCalls() <= maxPlanCalls, fmt.Sprintf("%d: %s", r.TotalCalls(), formatCalls(r.Calls))))
	}

	for _, n := range ns {
		if r, ok := find(n, opApply); ok {
			want := map[string]int{"POST /api/loops": n}
			out = append(out, judge(fmt.Sprintf("apply of %d loops makes exactly %d × POST /api/loops and nothing else", n, n),
				maps.Equal(r.Calls, want), formatCalls(r.Calls)))
		}
	}
	for _, n := range ns {
		if r, ok := find(n, opDestroy); ok {
			want := map[string]int{"GET /api/loops": 1, "DELETE /api/loops/{id}": n}
			out = append(out, judge(fmt.Sprintf("destroy of %d loops makes exactly %d × DELETE /api/loops/{id} and one list", n, n),
				maps.Equal(r.Calls, want), formatCalls(r.Calls)))
		}
	}

	for _, o := range []operation{opApply, opPlan} {
		name := fmt.Sprintf("%s of %d loops within %.1f× the limit", o, targetRatioN, maxRatio)
		r, ok := find(targetRatioN, o)
		if !ok {
			out = append(out, notMeasured(name, targetRatioN))
			continue
		}
		out = append(out, judge(name, r.Ratio() <= maxRatio,
			fmt.Sprintf("%.2f×: %s against %s (terraform_data %s + API %s)",
				r.Ratio(), seconds(r.Wall), seconds(r.Limit()), seconds(r.Baseline), seconds(r.Floor))))
	}
	return out
}

func judge(name string, ok bool, detail string) target {
	if ok {
		return target{Name: name, Verdict: pass, Detail: detail}
	}
	return target{Name: name, Verdict: miss, Detail: detail}
}

// renderTargets lists the targets, one per line.
func renderTargets(targets []target) string {
	var b strings.Builder
	for _, t := range targets {
		fmt.Fprintf(&b, "- **%s** %s — %s\n", t.Verdict, t.Name, t.Detail)
	}
	return b.String()
}

// missed counts the targets this run did not reach.
func missed(targets []target) int {
	n := 0
	for _, t := range targets {
		if t.Verdict == miss {
			n++
		}
	}
	return n
}
