package provider

import (
	"bufio"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// invalidBlock is a resource or data source block with one mistake, and
// the error that the plan must report for it.
type invalidBlock struct {
	name  string // what is wrong, for failure messages
	block string // the whole block; its label is replaced
	err   *regexp.Regexp
}

// blockLabel matches the first line of a resource or data source block.
var blockLabel = regexp.MustCompile(`^((?:resource|data) "[a-z_]+") "[^"]+"`)

// expectPlanErrors plans one configuration that holds every block of
// cases, as a user with many mistakes would write it, and checks that the
// single plan reports each block's error, located in that block, and no
// other error. Terraform reports every invalid block at once, so one plan
// checks what would otherwise take a plan per mistake.
//
// header is the rest of the configuration: the provider block and
// whatever the blocks refer to.
func expectPlanErrors(t *testing.T, header string, cases []invalidBlock) {
	t.Helper()
	config := header
	type span struct{ first, last int }
	spans := make([]span, len(cases))
	for i, c := range cases {
		block := strings.TrimSpace(c.block)
		if !blockLabel.MatchString(block) {
			t.Fatalf("case %q: the block does not start with a resource or data source label:\n%s", c.name, block)
		}
		block = blockLabel.ReplaceAllString(block, fmt.Sprintf(`$1 "case_%d"`, i))
		config = strings.TrimRight(config, "\n") + "\n\n"
		first := strings.Count(config, "\n") + 1
		config += block + "\n"
		spans[i] = span{first, strings.Count(config, "\n")}
	}

	cli := initCLI(t, config)
	out, code := cli.run("plan", "-json", "-no-color", "-input=false")
	if code != 1 {
		t.Fatalf("plan exited with %d, want 1 (errors):\n%s", code, out)
	}

	found := make([][]string, len(cases))
	lines := bufio.NewScanner(strings.NewReader(out))
	lines.Buffer(nil, 1<<20)
	for lines.Scan() {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity string `json:"severity"`
				Summary  string `json:"summary"`
				Detail   string `json:"detail"`
				Range    *struct {
					Filename string `json:"filename"`
					Start    struct {
						Line int `json:"line"`
					} `json:"start"`
				} `json:"range"`
			} `json:"diagnostic"`
		}
		if json.Unmarshal(lines.Bytes(), &msg) != nil || msg.Type != "diagnostic" || msg.Diagnostic.Severity != "error" {
			continue
		}
		d := msg.Diagnostic
		text := d.Summary + "\n" + d.Detail
		owner := -1
		if d.Range != nil && d.Range.Filename == "main.tf" {
			for i, sp := range spans {
				if d.Range.Start.Line >= sp.first && d.Range.Start.Line <= sp.last {
					owner = i
				}
			}
		}
		if owner < 0 {
			t.Errorf("an error outside the invalid blocks:\n%s", text)
			continue
		}
		found[owner] = append(found[owner], text)
	}
	for i, c := range cases {
		if text := strings.Join(found[i], "\n\n"); !c.err.MatchString(text) {
			t.Errorf("%s (case_%d): the plan reported %q, want a match for %s", c.name, i, text, c.err)
		}
	}
	if t.Failed() {
		t.Logf("the configuration:\n%s\nthe plan's output:\n%s", config, out)
	}
}
