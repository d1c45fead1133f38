package version

import (
	"regexp"
	"strings"
	"testing"
)

// TestLinkerValuesWin: the values the release build stamps with -ldflags -X
// are what Get reports and what String prints.
func TestLinkerValuesWin(t *testing.T) {
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	version, commit, date = "0.2.0", "abc1234", "2026-11-26T13:00:00Z"
	i := Get()
	if i.Version != "0.2.0" || i.Commit != "abc1234" || i.Date != "2026-11-26T13:00:00Z" {
		t.Fatalf("Get() = %+v, want the linker values", i)
	}
	s := i.String()
	for _, want := range []string{"0.2.0", "commit abc1234", "built 2026-11-26T13:00:00Z"} {
		if !strings.Contains(s, want) {
			t.Errorf("String() = %q, lacks %q", s, want)
		}
	}
}

// TestUnstampedBuildIsNotARelease: an unstamped binary that was given no
// FyneApp.toml (SetRelease never called) reports a 0.0.0 development
// version, never a release number, and still names a commit and a date
// (possibly "unknown").
func TestUnstampedBuildIsNotARelease(t *testing.T) {
	defer func(v, c, d, r string) { version, commit, date, release = v, c, d, r }(version, commit, date, release)
	version, commit, date, release = "", "", "", ""
	i := Get()
	if !regexp.MustCompile(`^0\.0\.0\+`).MatchString(i.Version) {
		t.Errorf("Version = %q, want 0.0.0+<commit or dev>", i.Version)
	}
	if i.Commit == "" || i.Date == "" {
		t.Errorf("Commit %q, Date %q: want non-empty", i.Commit, i.Date)
	}
}

// TestUnstampedBuildReportsRelease: with FyneApp.toml's release recorded
// (main does it at start), an unstamped build reports <release>+<commit>,
// never 0.0.0; a FyneApp.toml without a Version is refused.
func TestUnstampedBuildReportsRelease(t *testing.T) {
	defer func(v, c, d, r string) { version, commit, date, release = v, c, d, r }(version, commit, date, release)
	version, commit, date = "", "", ""
	if err := SetRelease([]byte("[Details]\n  Name = \"Veriport\"\n  Version = \"0.2.0\"\n  Build = 1\n")); err != nil {
		t.Fatal(err)
	}
	if v := Get().Version; !regexp.MustCompile(`^0\.2\.0\+`).MatchString(v) {
		t.Errorf("Version = %q, want 0.2.0+<commit or dev>", v)
	}
	if err := SetRelease([]byte("[Details]\n  Name = \"Veriport\"\n")); err == nil {
		t.Error("SetRelease accepted a FyneApp.toml without Version")
	}
	if v := Get().Version; !regexp.MustCompile(`^0\.2\.0\+`).MatchString(v) {
		t.Errorf("after a refused file Version = %q, want 0.2.0 kept", v)
	}
}
