package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"veriport/verify"
)

// TestEnrollIdentifySFace: enroll --engine sface writes templates tagged
// sface; identify takes the engine from the file and matches the same
// person's other photo with sface's own threshold; eval refuses a gallery
// and probes made by two engines.
func TestEnrollIdentifySFace(t *testing.T) {
	dir := t.TempDir()
	imgs := filepath.Join(dir, "images")
	copyFile(t, cachedPortrait(t, "obama.jpg"), filepath.Join(imgs, "obama.jpg"))
	copyFile(t, cachedPortrait(t, "biden.jpg"), filepath.Join(imgs, "biden.jpg"))
	sface := filepath.Join(dir, "sface.jsonl")
	rep := verifyJSON(t, "enroll", "--engine", "sface", "--images", imgs, "--out", sface, "--json")
	if rep["enrolled"] != 2.0 || rep["engine"] != "sface" {
		t.Fatalf("enroll report %v, want 2 enrolled by sface", rep)
	}
	f, err := os.Open(sface)
	if err != nil {
		t.Fatal(err)
	}
	es, err := verify.ReadTemplates(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Engine != verify.EngineSFace {
			t.Fatalf("template of %s has engine %q, want sface", e.Subject, e.Engine)
		}
	}
	id := verifyJSON(t, "identify", "--gallery", sface, "--image", cachedPortrait(t, "obama2.jpg"), "--json")
	if id["decision"] != "match" || id["subject"] != "obama" || id["engine"] != "sface" {
		t.Fatalf("identify on the sface gallery: %v, want a sface match with obama", id)
	}
	if th, _ := id["threshold"].(float64); th <= 0.6 {
		t.Errorf("identify decided sface templates at threshold %v: dlib's scale", th)
	}

	// dlib probes against the sface gallery: refused, naming both engines.
	var dlib strings.Builder
	for _, e := range es {
		e.Engine = verify.EngineDlib
		if err := verify.WriteTemplate(&dlib, e); err != nil {
			t.Fatal(err)
		}
	}
	probes := filepath.Join(dir, "dlib.jsonl")
	if err := os.WriteFile(probes, []byte(dlib.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := verifyRun(t, "eval", "--gallery", sface, "--probes", probes)
	if code == 0 || !strings.Contains(errs, "two face engines") || !strings.Contains(errs, "sface") {
		t.Fatalf("eval of sface gallery with dlib probes: exit %d, %s; want refused as mixed engines", code, errs)
	}
}
