package verify

import (
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
	img, err := LoadImage(portrait(t, name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := e.Single(img)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f.Template
}
