package app

import (
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"veriport/config"
	"veriport/gallery"
	"veriport/verify"
)

// twoEngineBundle is a gallery of n synthetic travelers with dlib
// templates and, when sface is true, an sface template each.
func twoEngineBundle(n int, sface bool) *gallery.Bundle {
	b := &gallery.Bundle{Header: gallery.Header{Flight: gallery.Flight{Carrier: "ZZ", Number: "420",
		Date: "2026-12-05", Origin: "IAD", Destination: "LHR", Departure: time.Now().Add(20 * time.Hour)}},
		Entries: gallery.SyntheticEntries(n, 7)}
	if sface {
		for i := range b.Entries {
			var t verify.Template
			t[i%verify.TemplateLen] = 1
			b.Entries[i].Templates = append(b.Entries[i].Templates,
				gallery.Template{Source: gallery.SourcePassport, Engine: verify.EngineSFace, Template: t})
		}
	}
	return b
}

// TestBoothPicksEngineOfGallery: a booth decides a gallery with sface
// templates for everyone with sface (loaded on first need) and the sface
// threshold, a dlib-only gallery with dlib; [verify] engine = "dlib" keeps
// dlib, and asking for sface of a dlib-only gallery is refused with the
// reason; without sface models the booth falls back to dlib.
func TestBoothPicksEngineOfGallery(t *testing.T) {
	cfg, err := config.Load(config.Overrides{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	dlib, err := verify.OpenWith(cfg.Paths.ModelsDir, verify.Options{Recognizers: 1})
	if err != nil {
		t.Fatalf("dlib models (run make setup): %v", err)
	}
	defer dlib.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	slot := NewEngines(cfg.Paths.ModelsDir, log)
	defer slot.close()
	if _, err := slot.pick(twoEngineBundle(3, true), ""); err == nil {
		t.Fatal("a gallery was decided before the face models loaded")
	}
	slot.set(dlib)

	both, dlibOnly := twoEngineBundle(5, true), twoEngineBundle(5, false)
	cases := []struct {
		b    *gallery.Bundle
		want string
		got  verify.EngineName
	}{
		{both, "", verify.EngineSFace},
		{both, "dlib", verify.EngineDlib},
		{both, "sface", verify.EngineSFace},
		{dlibOnly, "", verify.EngineDlib},
	}
	for _, c := range cases {
		e, err := slot.pick(c.b, c.want)
		if err != nil || e.Name() != c.got {
			t.Errorf("engine %q on a gallery with %v: %v, %v; want %s", c.want, c.b.Engines(), e, err, c.got)
		}
	}
	if _, err := slot.pick(dlibOnly, "sface"); !errors.Is(err, gallery.ErrNoEngine) {
		t.Errorf("sface asked of a dlib-only gallery: %v, want ErrNoEngine", err)
	}
	if p := PolicyFor(cfg, verify.EngineSFace); p.Threshold != cfg.Verify.SFaceThreshold || p.Margin <= cfg.Verify.Margin {
		t.Errorf("sface policy %+v: want sface_threshold and the margin scaled up", p)
	}

	bare := NewEngines(t.TempDir(), log)
	bare.set(dlib)
	if e, err := bare.pick(both, ""); err != nil || e.Name() != verify.EngineDlib {
		t.Errorf("without sface models: %v, %v; want dlib", e, err)
	}
	if _, err := bare.pick(both, "sface"); err == nil {
		t.Error("sface asked for without its models: no error")
	}
}
