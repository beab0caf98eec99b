package provider

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// The icon table of the hitl_loop page (written by hand in its template)
// and the schema description rendered on it list exactly the icons of
// hitl.DocumentedIconGroups, in its order.
func TestLoopIconDocsMatchDocumentedIcons(t *testing.T) {
	raw, err := os.ReadFile("../../docs/resources/loop.md")
	if err != nil {
		t.Fatal(err)
	}
	page := string(raw)
	_, section, ok := strings.Cut(page, "\n## Icons\n")
	if !ok {
		t.Fatal("docs/resources/loop.md has no Icons section")
	}
	var got []hitl.IconGroup
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), "|")
		if !strings.HasPrefix(line, "|") || len(cells) != 2 {
			if len(got) > 0 {
				break // the end of the table
			}
			continue
		}
		name := strings.ToLower(strings.TrimSpace(cells[0]))
		if name == "group" || strings.Trim(name, "-") == "" {
			continue // the header and its rule
		}
		var icons []string
		for _, icon := range strings.Split(cells[1], ",") {
			icons = append(icons, strings.Trim(icon, " `"))
		}
		got = append(got, hitl.IconGroup{Name: name, Icons: icons})
	}
	if diff := cmp.Diff(hitl.DocumentedIconGroups, got); diff != "" {
		t.Errorf("the icon table of docs/resources/loop.md (from templates/resources/loop.md.tmpl) differs from hitl.DocumentedIconGroups (-code +docs):\n%s", diff)
	}
	if !strings.Contains(page, documentedIconsMarkdown()) {
		t.Errorf("the icon attribute's description on docs/resources/loop.md does not list %s: run make generate", documentedIconsMarkdown())
	}
}
