package booth

import (
	"strings"
	"unicode"
)

// ManifestLookup is a Decider that can say whether a traveler, by the name
// read from the document, is on the flight's manifest (its gallery).
type ManifestLookup interface {
	// OnManifest finds the traveler named surname, given names (as the
	// MRZ gives them) and returns the seat ("" when the gallery has none).
	OnManifest(surname, given string) (seat string, found bool)
}

var _ ManifestLookup = (*GalleryDecider)(nil)

// nameKey is a name reduced for comparison: upper-case letters and single
// spaces, "<" and punctuation as spaces.
func nameKey(s string) string {
	f := strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool { return !unicode.IsLetter(r) })
	return strings.Join(f, " ")
}

// OnManifest implements ManifestLookup against the gallery's display
// names, written "GIVEN SURNAME" or "SURNAME GIVEN" (either order).
func (g *GalleryDecider) OnManifest(surname, given string) (string, bool) {
	a, b := nameKey(surname+" "+given), nameKey(given+" "+surname)
	if strings.TrimSpace(a) == "" {
		return "", false
	}
	for _, ns := range g.display {
		if k := nameKey(ns[0]); k == a || k == b {
			return ns[1], true
		}
	}
	return "", false
}

// LookupManifest looks a traveler up on the loaded flight's manifest;
// known is false when no gallery is loaded or it cannot be searched by name.
func (st *Station) LookupManifest(surname, given string) (flight, seat string, found, known bool) {
	flight, d, _ := st.gallery.get()
	m, ok := d.(ManifestLookup)
	if !ok {
		return flight, "", false, false
	}
	seat, found = m.OnManifest(surname, given)
	return flight, seat, found, true
}
