package assess

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"veriport/verify"
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
	sharedEngine     *verify.Engine
	sharedEngineErr  error
	sharedEngineOnce sync.Once
)

// testEngine loads the real models once for the package's tests (the
// landmark finder). Missing models fail the test: never skipped.
func testEngine(t testing.TB) *verify.Engine {
	t.Helper()
	sharedEngineOnce.Do(func() {
		dir := os.Getenv("VERIPORT_MODELS")
		if dir == "" {
			dir = filepath.Join(cacheDir(), "models")
		}
		sharedEngine, sharedEngineErr = verify.Open(dir)
	})
	if sharedEngineErr != nil {
		t.Fatalf("load models: %v", sharedEngineErr)
	}
	return sharedEngine
}
