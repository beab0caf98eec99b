package hitl

// DocumentedIcons are the loop icon identifiers the API documents, by group.
// The API may accept others, so callers should treat the list as advice.
var DocumentedIcons = map[string][]string{
	"security":      {"shield-check", "shield-alt", "shield-exclamation", "lock", "key"},
	"content":       {"document-text", "document-check", "file-text", "clipboard", "edit"},
	"review":        {"eye", "search", "thumbs-up", "thumbs-down", "star"},
	"quality":       {"badge-check", "certificate", "award", "beaker", "cog"},
	"communication": {"chat", "comment", "bell", "megaphone", "mail"},
	"general":       {"folder", "tag", "flag", "bookmark", "heart"},
}

// IconGroups lists the groups of DocumentedIcons in the documentation's order.
var IconGroups = []string{"security", "content", "review", "quality", "communication", "general"}

// AllDocumentedIcons returns every documented icon, grouped in order.
func AllDocumentedIcons() []string {
	var all []string
	for _, g := range IconGroups {
		all = append(all, DocumentedIcons[g]...)
	}
	return all
}
