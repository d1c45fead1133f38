package version

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestScriptReadsFyneAppVersion: scripts/version.sh (what make build,
// package.sh and check-package.sh stamp) takes the release version from
// FyneApp.toml, so a checkout without tags stamps 0.2.0, not 0.0.0.
func TestScriptReadsFyneAppVersion(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "FyneApp.toml"))
	if err != nil {
		t.Fatal(err)
	}
	app, err := FromAppFile(b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", filepath.Join("..", "scripts", "version.sh")).Output()
	if err != nil {
		t.Fatalf("version.sh: %v", err)
	}
	vars := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			vars[k] = strings.Trim(v, "'")
		}
	}
	if vars["APP_VERSION"] != app {
		t.Errorf("APP_VERSION = %q, want FyneApp.toml's %q\n%s", vars["APP_VERSION"], app, out)
	}
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(app) + `(\+|$)`).MatchString(vars["VERSION"]) {
		t.Errorf("VERSION = %q, want %s or %s+...", vars["VERSION"], app, app)
	}
}
