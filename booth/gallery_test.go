package booth

import (
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"testing"
	"time"

	"veriport/config"
	"veriport/encounter"
	"veriport/gallery"
	"veriport/verify"
)

// fakeFaces returns a fixed template, or an error, and remembers the
// tracked box it was given.
type fakeFaces struct {
	t   verify.Template
	err error
	box *image.Rectangle
}

func (f fakeFaces) SingleNear(_ context.Context, _ image.Image, box image.Rectangle, _ verify.Priority) (verify.Face, bool, error) {
	if f.box != nil {
		*f.box = box
	}
	return verify.Face{Template: f.t}, !box.Empty(), f.err
}

// landmarksFaces answers with a face whose 5 landmarks are pts.
type landmarksFaces struct{ pts []image.Point }

func (f landmarksFaces) SingleNear(context.Context, image.Image, image.Rectangle, verify.Priority) (verify.Face, bool, error) {
	return verify.Face{Box: image.Rect(500, 200, 800, 500), Landmarks: f.pts, Template: tpl(0.1)}, true, nil
}

func TestPoseRecheckedOnCapturedFrame(t *testing.T) {
	b := bundleOf(entry("A", gallery.CategoryUSCitizen, tpl(0)))
	p := verify.Policy{Threshold: 0.5, Margin: 0.05}
	frame := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	box := image.Rect(500, 200, 800, 500)
	// dlib's 5 points: outer and inner corner of each eye, then the nose.
	straight := []image.Point{{720, 300}, {680, 302}, {580, 300}, {620, 302}, {650, 380}}
	turned := []image.Point{{720, 300}, {690, 302}, {580, 300}, {640, 302}, {700, 380}} // nose far to one side
	for _, tc := range []struct {
		name string
		pts  []image.Point
		ok   bool
	}{{"facing the camera", straight, true}, {"head turned", turned, false}} {
		g := NewGalleryDecider(landmarksFaces{tc.pts}, b, p)
		g.CheckPose(config.DefaultQuality())
		d, err := g.DecideNear(context.Background(), frame, box)
		if tc.ok && (err != nil || d.Outcome != encounter.OutcomeMatch) {
			t.Errorf("%s: %+v %v, want a match", tc.name, d, err)
		}
		if !tc.ok && !errors.Is(err, ErrPose) {
			t.Errorf("%s: %+v %v, want ErrPose before any decision", tc.name, d, err)
		}
	}
}

func TestDecisionUsesTrackedBox(t *testing.T) {
	var got image.Rectangle
	b := bundleOf(entry("A", gallery.CategoryUSCitizen, tpl(0)))
	g := NewGalleryDecider(fakeFaces{t: tpl(0.1), box: &got}, b, verify.Policy{Threshold: 0.5, Margin: 0.05})
	s, _ := newTestShift(t, g)
	box := image.Rect(500, 200, 800, 500)
	d, err := s.Decide(context.Background(), image.NewRGBA(image.Rect(0, 0, 1280, 720)), box, "")
	if err != nil || d.Outcome != encounter.OutcomeMatch {
		t.Fatalf("decision %+v %v", d, err)
	}
	if got != box {
		t.Errorf("the decision searched around %v, want the tracked face %v", got, box)
	}
}

func tpl(x float32) verify.Template {
	var t verify.Template
	t[0] = x
	return t
}

func bundleOf(entries ...gallery.Entry) *gallery.Bundle {
	return &gallery.Bundle{Entries: entries}
}

func entry(id string, c gallery.Category, ts ...verify.Template) gallery.Entry {
	e := gallery.Entry{Traveler: id, Category: c}
	for _, t := range ts {
		e.Templates = append(e.Templates, gallery.Template{Template: t})
	}
	return e
}

func TestGalleryDeciderOutcomesAndCategory(t *testing.T) {
	b := bundleOf(entry("A", gallery.CategoryUSCitizen, tpl(0), tpl(0.05)), entry("B", gallery.CategoryInScope, tpl(1)),
		entry("C", gallery.CategoryExempt, tpl(1.02)))
	p := verify.Policy{Threshold: 0.5, Margin: 0.05}
	for _, tc := range []struct {
		name  string
		probe float32
		want  encounter.Outcome
		subj  string
		cat   encounter.Category
	}{
		{"match", 0.1, encounter.OutcomeMatch, "A", encounter.CategoryUSCitizen},
		{"ambiguous", 1.01, encounter.OutcomeAmbiguous, "", ""},
		{"no match", 3, encounter.OutcomeNoMatch, "", ""},
	} {
		g := NewGalleryDecider(fakeFaces{t: tpl(tc.probe)}, b, p)
		if g.Travelers() != 3 {
			t.Fatalf("travelers %d", g.Travelers())
		}
		d, err := g.Decide(context.Background(), image.NewRGBA(image.Rect(0, 0, 4, 4)))
		if err != nil || d.Outcome != tc.want || d.Subject != tc.subj || d.Category != tc.cat {
			t.Errorf("%s: %+v %v", tc.name, d, err)
		}
	}
	g := NewGalleryDecider(fakeFaces{err: verify.ErrNoFace}, b, p)
	if _, err := g.Decide(context.Background(), image.NewRGBA(image.Rect(0, 0, 4, 4))); !errors.Is(err, verify.ErrNoFace) {
		t.Errorf("no face: %v", err)
	}
}

// portraitPath finds a cached public-domain portrait (make setup).
func portraitPath(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("VERIPORT_CACHE")
	if dir == "" {
		if x := os.Getenv("XDG_CACHE_HOME"); x != "" {
			dir = filepath.Join(x, "veriport")
		} else {
			home, _ := os.UserHomeDir()
			dir = filepath.Join(home, ".cache", "veriport")
		}
	}
	p := filepath.Join(dir, "portraits", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("portrait %s missing: run make setup (%v)", name, err)
	}
	return p
}

// TestMatchWithTheRealPipeline runs a shift's capture through the real face
// models: the gallery holds one portrait each of two people; another photo
// of the first is a MATCH with the category from the gallery.
func TestMatchWithTheRealPipeline(t *testing.T) {
	models := filepath.Join(filepath.Dir(filepath.Dir(portraitPath(t, "obama.jpg"))), "models")
	eng, err := verify.Open(models)
	if err != nil {
		t.Fatalf("load models: %v (run make setup)", err)
	}
	defer eng.Close()
	load := func(name string) image.Image {
		img, err := verify.LoadImage(portraitPath(t, name))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	tmpl := func(name string) verify.Template {
		f, err := eng.Single(load(name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return f.Template
	}
	b := bundleOf(entry("DEMO-OBAMA", gallery.CategoryUSCitizen, tmpl("obama.jpg")),
		entry("DEMO-BIDEN", gallery.CategoryInScope, tmpl("biden.jpg")))
	s, rec := newTestShift(t, NewGalleryDecider(eng, b, verify.Policy{Threshold: 0.5, Margin: 0.05}))
	start := time.Now()
	d, err := decideAndRecord(context.Background(), s, load("obama2.jpg"))
	t.Logf("capture to decision: %v", time.Since(start))
	if err != nil || d.Outcome != encounter.OutcomeMatch || d.Subject != "DEMO-OBAMA" || d.Category != encounter.CategoryUSCitizen {
		t.Fatalf("decision %+v %v", d, err)
	}
	if err := s.Next(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := rec.Records()[0]; r.TravelerID != "DEMO-OBAMA" || r.Distance == nil || *r.Distance > 0.5 {
		t.Errorf("record %+v", r)
	}
}
