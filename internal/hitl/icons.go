package hitl

// IconGroup is a group of loop icon identifiers as the API documents them.
type IconGroup struct {
	Name  string
	Icons []string
}

// DocumentedIconGroups are the loop icon identifiers the API documents, in
// the documentation's order. The API may accept others, so callers should
// treat the list as advice. The provider's schema description is built from
// this list, and a test compares the icon table of the hitl_loop page with
// it.
var DocumentedIconGroups = []IconGroup{
	{"security", []string{"shield-check", "shield-alt", "shield-exclamation", "lock", "key"}},
	{"content", []string{"document-text", "document-check", "file-text", "clipboard", "edit"}},
	{"review", []string{"eye", "search", "thumbs-up", "thumbs-down", "star"}},
	{"quality", []string{"badge-check", "certificate", "award", "beaker", "cog"}},
	{"communication", []string{"chat", "comment", "bell", "megaphone", "mail"}},
	{"general", []string{"folder", "tag", "flag", "bookmark", "heart"}},
}

// AllDocumentedIcons returns every documented icon, grouped in order.
func AllDocumentedIcons() []string {
	var all []string
	for _, g := range DocumentedIconGroups {
		all = append(all, g.Icons...)
	}
	return all
}
