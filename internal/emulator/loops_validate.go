package emulator

import (
	"net/http"
	"unicode/utf8"
)

// Documented limits, in characters (Unicode code points, not bytes: a name
// of 100 "é" is valid although it is 200 bytes long).
const (
	maxNameChars        = 100
	maxDescriptionChars = 500
	maxIconChars        = 100
)

// loopInput holds the fields of a create or update body; nil means absent.
type loopInput struct {
	name, description, icon *string
}

// parseLoopInput decodes and validates a loop body. On create, name and icon
// are required; on update every field is optional, but a name or icon that
// is present must not be empty. An empty description is valid and clears it.
//
// The icon is not checked against the documented list: the API accepts
// others, and rejecting them here would hide that from the provider's tests.
func parseLoopInput(r *http.Request, create bool) (loopInput, *apiError) {
	var in loopInput
	m, aerr := decodeObject(r)
	if aerr != nil {
		return in, aerr
	}
	for _, f := range []struct {
		name string
		dst  **string
	}{{"name", &in.name}, {"description", &in.description}, {"icon", &in.icon}} {
		s, ok, aerr := stringField(m, f.name)
		if aerr != nil {
			return in, aerr
		}
		if ok {
			*f.dst = &s
		}
	}

	switch {
	case create && (in.name == nil || *in.name == ""):
		return in, fieldRequired("name")
	case in.name != nil && !between(*in.name, 1, maxNameChars):
		return in, validationFailed("name must be between 1 and 100 characters")
	case in.description != nil && !between(*in.description, 0, maxDescriptionChars):
		return in, validationFailed("description must be at most 500 characters")
	case in.icon == nil && create, in.icon != nil && *in.icon == "":
		return in, fieldRequired("icon")
	case in.icon != nil && !between(*in.icon, 1, maxIconChars):
		return in, validationFailed("icon must be at most 100 characters")
	}
	return in, nil
}

// between reports whether s has from lo to hi characters.
func between(s string, lo, hi int) bool {
	n := utf8.RuneCountInString(s)
	return n >= lo && n <= hi
}
