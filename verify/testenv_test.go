package verify

import (
	"image"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// cacheDir is where make setup puts models and portraits.
func cacheDir() string {
	if d := os.Getenv("VERIPORT_CACHE"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "veriport")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "veriport")
}

func modelsDir() string {
	if d := os.Getenv("VERIPORT_MODELS"); d != "" {
		return d
	}
	return filepath.Join(cacheDir(), "models")
}

// portrait is the path of a public-domain test portrait fetched by setup.
func portrait(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(cacheDir(), "portraits", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("test portrait %s missing: run make setup (%v)", name, err)
	}
	return p
}

var (
	sharedEngine     *Engine
	sharedEngineErr  error
	sharedEngineOnce sync.Once
)

// testEngine loads the real models once for the package's tests. Missing
// models fail the test: the real-model tests are never skipped.
func testEngine(t testing.TB) *Engine {
	t.Helper()
	sharedEngineOnce.Do(func() { sharedEngine, sharedEngineErr = Open(modelsDir()) })
	if sharedEngineErr != nil {
		t.Fatalf("load models: %v", sharedEngineErr)
	}
	return sharedEngine
}

func templateOf(t testing.TB, e *Engine, name string) Template {
	t.Helper()
	_, f := portraitFace(t, e, name)
	return f.Template
}

// portraitFace loads a test portrait and the one face go-face finds in it.
func portraitFace(t testing.TB, e *Engine, name string) (image.Image, Face) {
	t.Helper()
	img, err := LoadImage(portrait(t, name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.Single(img)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return img, f
}

// gap is the distance in pixels between two points.
func gap(p, q image.Point) float64 { return math.Hypot(float64(p.X-q.X), float64(p.Y-q.Y)) }

// eyeWidth is the distance between the outer eye corners of dlib's 5
// landmarks, the scale landmark errors are judged at.
func eyeWidth(l []image.Point) float64 { return gap(l[0], l[2]) }
