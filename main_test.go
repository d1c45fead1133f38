package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"veriport/version"
)

// TestPlainBuildReportsFyneAppVersion: a binary built without the release
// stamp (plain `go build`/`go test`, in a clone without tags) reports the
// release version FyneApp.toml names, never 0.0.0.
func TestPlainBuildReportsFyneAppVersion(t *testing.T) {
	b, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([0-9]+\.[0-9]+\.[0-9]+)"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("FyneApp.toml names no Version")
	}
	want := string(m[1])
	got := version.Get().Version
	if got != want && !strings.HasPrefix(got, want+"+") {
		t.Fatalf("version.Get().Version = %q, want %s or %s+<commit>", got, want, want)
	}
}
