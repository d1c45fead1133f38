package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"veriport/verify"
)

// verifyRun runs the command line with a private data dir and returns the
// exit code, stdout and stderr.
func verifyRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	args = append([]string{"--data-dir", t.TempDir()}, args...)
	code := Execute(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// verifyJSON runs a command that must succeed and decodes its JSON object.
func verifyJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, out, errs := verifyRun(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v: output is not one JSON object: %v\n%s", args, err, out)
	}
	return m
}

// cachedPortrait is a portrait setup fetched; the real-model tests fail
// (never skip) without it.
func cachedPortrait(t *testing.T, name string) string {
	t.Helper()
	cache := os.Getenv("VERIPORT_CACHE")
	if cache == "" {
		base := os.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home, _ := os.UserHomeDir()
			base = filepath.Join(home, ".cache")
		}
		cache = filepath.Join(base, "veriport")
	}
	p := filepath.Join(cache, "portraits", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("portrait %s missing: run make setup (%v)", name, err)
	}
	return p
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func TestEnrollIdentifyRealModels(t *testing.T) {
	dir := t.TempDir()
	imgs := filepath.Join(dir, "images")
	copyFile(t, cachedPortrait(t, "obama.jpg"), filepath.Join(imgs, "obama.jpg"))
	copyFile(t, cachedPortrait(t, "biden.jpg"), filepath.Join(imgs, "biden.jpg"))
	copyFile(t, cachedPortrait(t, "obama2.jpg"), filepath.Join(imgs, "obama-folder", "2.jpg"))
	if err := os.WriteFile(filepath.Join(imgs, "notes.txt"), []byte("not a photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	pattern := image.NewRGBA(image.Rect(0, 0, 160, 120))
	for i := range pattern.Pix {
		pattern.Pix[i] = uint8(i * 13)
	}
	writePNG(t, filepath.Join(imgs, "pattern.png"), pattern)
	gallery := filepath.Join(dir, "g.jsonl")

	rep := verifyJSON(t, "enroll", "--images", imgs, "--out", gallery, "--json")
	if rep["enrolled"] != 3.0 || rep["subjects"] != 3.0 || rep["images"] != 5.0 {
		t.Errorf("enroll report %v, want 3 enrolled of 5 images, 3 subjects", rep)
	}
	skipped, _ := json.Marshal(rep["skipped"])
	for _, want := range []string{`"image":"notes.txt","reason":"not a JPEG or PNG image"`,
		`"image":"pattern.png","reason":"no face found"`} {
		if !strings.Contains(string(skipped), want) {
			t.Errorf("skipped %s lacks %s", skipped, want)
		}
	}
	f, err := os.Open(gallery)
	if err != nil {
		t.Fatal(err)
	}
	es, err := verify.ReadTemplates(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	subjects := map[string]bool{}
	for _, e := range es {
		subjects[e.Subject] = true
	}
	if !subjects["obama"] || !subjects["biden"] || !subjects["obama-folder"] {
		t.Fatalf("subjects %v, want obama, biden (stems) and obama-folder (sub-folder)", subjects)
	}

	// obama3 against obama + biden: a match with obama.
	var ob []verify.Enrolled
	var noBiden bytes.Buffer
	for _, e := range es {
		if e.Subject != "obama-folder" {
			ob = append(ob, e)
		}
		if e.Subject != "biden" {
			_ = verify.WriteTemplate(&noBiden, e)
		}
	}
	var obamaBiden bytes.Buffer
	for _, e := range ob {
		_ = verify.WriteTemplate(&obamaBiden, e)
	}
	g1 := filepath.Join(dir, "obama-biden.jsonl")
	g2 := filepath.Join(dir, "no-biden.jsonl")
	os.WriteFile(g1, obamaBiden.Bytes(), 0o600)
	os.WriteFile(g2, noBiden.Bytes(), 0o600)

	got := verifyJSON(t, "identify", "--gallery", g1, "--image", cachedPortrait(t, "obama3.jpg"), "--json")
	if got["decision"] != "match" || got["subject"] != "obama" {
		t.Errorf("obama3 vs obama+biden = %v, want match obama", got)
	}
	for _, k := range []string{"engine", "decision", "subject", "distance", "margin", "ms", "threshold", "threshold_calibrated"} {
		if _, ok := got[k]; !ok {
			t.Errorf("identify output lacks %q: %v", k, got)
		}
	}
	if len(got) != 8 || got["engine"] != "dlib" {
		t.Errorf("identify printed %d keys, want exactly 8, engine dlib: %v", len(got), got)
	}
	// biden against a gallery of two obama subjects: no match.
	got = verifyJSON(t, "identify", "--gallery", g2, "--image", cachedPortrait(t, "biden.jpg"), "--json")
	if got["decision"] != "no-match" || got["subject"] != "" {
		t.Errorf("biden vs gallery without biden = %v, want no-match", got)
	}
	// A pattern without a face.
	got = verifyJSON(t, "identify", "--gallery", g1, "--image", filepath.Join(imgs, "pattern.png"), "--json")
	if got["decision"] != "no-face" || got["distance"] != nil {
		t.Errorf("pattern = %v, want no-face with null distance", got)
	}
	// Two portraits side by side: many faces.
	two := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	for i, name := range []string{"obama.jpg", "biden.jpg"} {
		img, err := verify.LoadImage(cachedPortrait(t, name))
		if err != nil {
			t.Fatal(err)
		}
		half := verify.Letterbox(img, 640, 720)
		draw.Draw(two, image.Rect(i*640, 0, i*640+640, 720), half, image.Point{}, draw.Src)
	}
	twoPath := filepath.Join(dir, "two.png")
	writePNG(t, twoPath, two)
	got = verifyJSON(t, "identify", "--gallery", g1, "--image", twoPath, "--json")
	if got["decision"] != "many-faces" {
		t.Errorf("two faces = %v, want many-faces", got)
	}
}
