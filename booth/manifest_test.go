package booth

import (
	"context"
	"image"
	"testing"

	"veriport/encounter"
	"veriport/gallery"
	"veriport/verify"
)

// TestMatchShowsNameAndSeatAndManifestLookup: a MATCH carries the matched
// traveler's name and seat from the gallery's display fields (for the
// officer to compare with the face), a NO MATCH none; the document's name
// is found on the manifest whatever the order and the MRZ's fillers, and
// a name not on the flight is not.
func TestMatchShowsNameAndSeatAndManifestLookup(t *testing.T) {
	a := entry("A", gallery.CategoryInScope, tpl(0))
	a.Display = []gallery.Field{{Key: "name", Value: "Claire Martin"}, {Key: "seat", Value: "12A"}}
	b := bundleOf(a, entry("B", gallery.CategoryUSCitizen, tpl(1)))
	p := verify.Policy{Threshold: 0.5, Margin: 0.05}
	frame := image.NewRGBA(image.Rect(0, 0, 4, 4))
	d, err := NewGalleryDecider(fakeFaces{t: tpl(0.1)}, b, p).Decide(context.Background(), frame)
	if err != nil || d.Outcome != encounter.OutcomeMatch || d.Name != "Claire Martin" || d.Seat != "12A" {
		t.Fatalf("match %+v %v: want name and seat", d, err)
	}
	if d, _ := NewGalleryDecider(fakeFaces{t: tpl(3)}, b, p).Decide(context.Background(), frame); d.Name != "" || d.Seat != "" {
		t.Fatalf("no match shows a name: %+v", d)
	}
	g := NewGalleryDecider(fakeFaces{}, b, p)
	for _, tc := range []struct {
		surname, given string
		seat           string
		found          bool
	}{
		{"MARTIN", "CLAIRE", "12A", true},
		{"MARTIN<", "CLAIRE<<", "12A", true},
		{"DUPONT", "CLAIRE", "", false},
		{"", "", "", false},
	} {
		seat, found := g.OnManifest(tc.surname, tc.given)
		if seat != tc.seat || found != tc.found {
			t.Errorf("%s, %s: seat %q found %v; want %q %v", tc.surname, tc.given, seat, found, tc.seat, tc.found)
		}
	}
	st := NewStation(StationConfig{})
	if _, _, _, known := st.LookupManifest("MARTIN", "CLAIRE"); known {
		t.Error("manifest known without a gallery")
	}
	st.SetGallery("VP123", g)
	if fl, seat, found, known := st.LookupManifest("MARTIN", "CLAIRE"); !known || !found || seat != "12A" || fl != "VP123" {
		t.Errorf("station lookup: %s %s %v %v", fl, seat, found, known)
	}
}
