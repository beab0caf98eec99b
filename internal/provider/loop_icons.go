package provider

import (
	"strings"

	"github.com/hitl-sh/terraform-provider-hitl/internal/hitl"
)

// documentedIconsMarkdown lists the documented icons for the schema
// description: "`lock`, `key` (security); `eye`, `star` (review)".
func documentedIconsMarkdown() string {
	groups := make([]string, len(hitl.DocumentedIconGroups))
	for i, g := range hitl.DocumentedIconGroups {
		groups[i] = "`" + strings.Join(g.Icons, "`, `") + "` (" + g.Name + ")"
	}
	return strings.Join(groups, "; ")
}
