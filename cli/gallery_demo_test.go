package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"veriport/config"
	"veriport/gallery"
	"veriport/verify"
)

// realCache is where make setup put the models and portraits.
func realCache(t *testing.T) string {
	t.Helper()
	d := os.Getenv("VERIPORT_CACHE")
	if d == "" {
		base := os.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home, _ := os.UserHomeDir()
			base = filepath.Join(home, ".cache")
		}
		d = filepath.Join(base, "veriport")
	}
	for _, need := range []string{"models", "portraits/obama.jpg", "portraits/obama3.jpg", "portraits/biden.jpg"} {
		if _, err := os.Stat(filepath.Join(d, need)); err != nil {
			t.Fatalf("%s missing: run make setup (%v)", need, err)
		}
	}
	return d
}

// TestGalleryDemo builds the demo gallery with the real engine into a
// scratch cache and checks that an unseen portrait of a demo traveler finds
// its traveler, and that every other entry is marked synthetic.
func TestGalleryDemo(t *testing.T) {
	real := realCache(t)
	cache, data := t.TempDir(), t.TempDir()
	if err := os.Symlink(filepath.Join(real, "portraits"), filepath.Join(cache, "portraits")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VERIPORT_CACHE", cache)
	t.Setenv("VERIPORT_MODELS", filepath.Join(real, "models"))
	code, out, errs := gexec(t, "--data-dir", data, "gallery", "demo")
	if code != 0 || !strings.Contains(out, "420 travelers") {
		t.Fatalf("gallery demo: %d %s %s", code, out, errs)
	}
	if code, out, _ = gexec(t, "--data-dir", data, "gallery", "demo"); code != 0 || !strings.Contains(out, "present") {
		t.Fatalf("second gallery demo rebuilt: %s", out)
	}
	dir := filepath.Join(cache, "demo", "gallery")
	files, _ := filepath.Glob(filepath.Join(dir, "bundles", "*.bundle"))
	if len(files) != 1 {
		t.Fatalf("demo bundles %v", files)
	}
	raw, _ := os.ReadFile(files[0])
	keys, err := gallery.LoadKeyring(filepath.Join(dir, "issuer.pub"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := gallery.Open(raw, keys, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Entries) != 420 {
		t.Fatalf("%d entries, want 420", len(b.Entries))
	}
	for _, e := range b.Entries {
		if !strings.HasPrefix(e.Traveler, "DEMO-") && (e.Field("note") != gallery.SyntheticNote ||
			!strings.HasPrefix(e.Field("name"), "SYNTHETIC")) {
			t.Fatalf("entry %s is not marked synthetic: %+v", e.Traveler, e.Display)
		}
	}
	if e := b.Engines(); len(e) != 2 || e[0] != verify.EngineSFace || e[1] != verify.EngineDlib {
		t.Fatalf("demo gallery engines %v, want [sface dlib] (every traveler has both)", e)
	}
	img, err := verify.LoadImage(filepath.Join(real, "portraits", "obama3.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []verify.EngineName{verify.EngineDlib, verify.EngineSFace} {
		engine, err := verify.OpenEngine(name, filepath.Join(real, "models"))
		if err != nil {
			t.Fatal(err)
		}
		probe, err := engine.SingleAt(context.Background(), img, verify.Live)
		engine.Close()
		if err != nil {
			t.Fatal(err)
		}
		best, bestD := "", 9.0
		for traveler, tp := range b.Templates(name) {
			if d := verify.Distance(&probe.Template, tp); d < bestD {
				best, bestD = traveler, d
			}
		}
		limit := map[verify.EngineName]float64{verify.EngineDlib: 0.5, verify.EngineSFace: 1.1287}[name]
		if best != "DEMO-OBAMA" || bestD > limit {
			t.Fatalf("%s: obama3.jpg nearest %s at %.3f, want DEMO-OBAMA within %.4f", name, best, bestD, limit)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "templates-sface.jsonl")); err != nil {
		t.Errorf("the demo's sface template file: %v", err)
	}
	// The encrypted cache of the demo profile (its own folder) holds it too.
	c, err := gallery.OpenCache(filepath.Join(data, config.DemoDirName, "galleries"))
	if err != nil {
		t.Fatal(err)
	}
	if recs, err := c.Records(); err != nil || len(recs) != 1 || recs[0].Entries != 420 {
		t.Fatalf("cache records %+v %v", recs, err)
	}
}
