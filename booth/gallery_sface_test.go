package booth

import (
	"context"
	"image"
	"path/filepath"
	"testing"

	"veriport/encounter"
	"veriport/gallery"
	"veriport/verify"
)

// sfaceDecider is a gallery decider on the sface engine for a gallery of
// two travelers (DEMO-OBAMA, a U.S. citizen, and DEMO-BIDEN, in scope)
// with both engines' templates, and a loader of the cached portraits.
// The dlib templates would match anything: were they searched, every
// decision would be AMBIGUOUS between the two travelers.
func sfaceDecider(t *testing.T) (*GalleryDecider, func(string) image.Image) {
	t.Helper()
	models := filepath.Join(filepath.Dir(filepath.Dir(portraitPath(t, "obama.jpg"))), "models")
	sf, err := verify.OpenSFace(models)
	if err != nil {
		t.Fatalf("load sface: %v (run make setup)", err)
	}
	t.Cleanup(func() { sf.Close() })
	load := func(name string) image.Image {
		img, err := verify.LoadImage(portraitPath(t, name))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	both := func(id string, c gallery.Category, photo string) gallery.Entry {
		f, err := sf.SingleAt(context.Background(), load(photo), verify.Live)
		if err != nil {
			t.Fatalf("%s: %v", photo, err)
		}
		return gallery.Entry{Traveler: id, Category: c, Templates: []gallery.Template{
			{Source: gallery.SourcePassport, Engine: verify.EngineDlib, Template: tpl(0)},
			{Source: gallery.SourcePassport, Engine: verify.EngineSFace, Template: f.Template}}}
	}
	b := bundleOf(both("DEMO-OBAMA", gallery.CategoryUSCitizen, "obama.jpg"),
		both("DEMO-BIDEN", gallery.CategoryInScope, "biden.jpg"))
	g := NewGalleryDecider(sf, b, verify.Policy{Threshold: verify.EngineSFace.DefaultThreshold(), Margin: 0.094})
	return g, load
}

// TestMatchWithSFace runs a shift's capture through the sface engine
// against a gallery holding both engines' templates: the booth loads the
// sface templates only, and another photo of the first traveler is a
// MATCH with sface's distance (well above dlib's scale) on the record.
func TestMatchWithSFace(t *testing.T) {
	g, load := sfaceDecider(t)
	if g.Travelers() != 2 || g.index.Len() != 2 {
		t.Fatalf("index holds %d templates of %d travelers, want the 2 sface templates only", g.index.Len(), g.Travelers())
	}
	if g.Calibration().Engine != verify.EngineSFace {
		t.Errorf("calibration engine %q, want sface", g.Calibration().Engine)
	}
	s, rec := newTestShift(t, g)
	d, err := decideAndRecord(context.Background(), s, load("obama2.jpg"))
	if err != nil || d.Outcome != encounter.OutcomeMatch || d.Subject != "DEMO-OBAMA" || d.Category != encounter.CategoryUSCitizen {
		t.Fatalf("decision %+v %v", d, err)
	}
	if err := s.Next(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := rec.Records()[0]; r.TravelerID != "DEMO-OBAMA" || r.Distance == nil || *r.Distance > 1.1287 {
		t.Errorf("record %+v", r)
	}
}
