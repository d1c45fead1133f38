package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGalleryDemoWhenCacheHoldsNewer: the demo profile's encrypted cache
// already holds a demo gallery issued later than the one in the assets
// cache (a second assets cache used with the same data folder, or the
// assets cache cleared and rebuilt). `gallery demo` (run by make setup) then
// makes a new one instead of failing on the rollback refusal, and the demo
// profile's cache takes it.
func TestGalleryDemoWhenCacheHoldsNewer(t *testing.T) {
	real := realCache(t)
	data := t.TempDir()
	t.Setenv("VERIPORT_MODELS", filepath.Join(real, "models"))
	caches := map[string]string{}
	for _, name := range []string{"a", "b"} {
		c := t.TempDir()
		if err := os.Symlink(filepath.Join(real, "portraits"), filepath.Join(c, "portraits")); err != nil {
			t.Fatal(err)
		}
		caches[name] = c
	}
	for i, name := range []string{"a", "b", "a"} {
		t.Setenv("VERIPORT_CACHE", caches[name])
		code, out, errs := gexec(t, "--data-dir", data, "gallery", "demo")
		if code != 0 || !strings.Contains(out, "stored in the encrypted cache") {
			t.Fatalf("run %d (cache %s): exit %d\n%s%s", i+1, name, code, out, errs)
		}
	}
}
