// Package version says which build of Veriport is running: the release
// version (FyneApp.toml's Version, the one place it is kept), the commit and
// the build date. Release builds stamp them with -ldflags
// "-X veriport/version.version=..." (scripts/version.sh); a plain `go build`
// reports <release>+<commit> from the embedded FyneApp.toml (main.go passes
// it to SetRelease) and the Go toolchain's VCS stamp.
package version

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"sync"
)

// Set at link time by scripts/package.sh (-X veriport/version.NAME=VALUE).
var (
	version string
	commit  string
	date    string
)

var (
	mu      sync.Mutex
	release string // x.y.z from FyneApp.toml (SetRelease)
)

var appVersion = regexp.MustCompile(`(?m)^[ \t]*Version[ \t]*=[ \t]*"([0-9]+\.[0-9]+\.[0-9]+)"[ \t]*(?:#.*)?$`)

// FromAppFile returns the release version x.y.z a FyneApp.toml names (its
// [Details] Version), or an error when it names none.
func FromAppFile(toml []byte) (string, error) {
	m := appVersion.FindSubmatch(toml)
	if m == nil {
		return "", fmt.Errorf("FyneApp.toml: no Version = \"x.y.z\" line")
	}
	return string(m[1]), nil
}

// SetRelease records the release version from FyneApp.toml's contents (the
// main package embeds the file). An unstamped build reports it instead of
// 0.0.0; a file without a Version is an error and changes nothing.
func SetRelease(toml []byte) error {
	v, err := FromAppFile(toml)
	if err != nil {
		return err
	}
	mu.Lock()
	release = v
	mu.Unlock()
	return nil
}

// Info is one build's identity.
type Info struct {
	Version string // e.g. 0.2.0 (on its tag), 0.2.0+abc1234, 0.2.0+abc1234.dirty
	Commit  string // short commit hash, or "unknown"
	Date    string // build (or commit) time, RFC 3339 UTC, or "unknown"
}

// Get returns the running build's identity: the linker-stamped values, else
// what the Go toolchain recorded of the checkout.
func Get() Info {
	i := Info{Version: version, Commit: commit, Date: date}
	var rev, when string
	dirty := false
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if len(rev) > 7 {
		rev = rev[:7]
	}
	if i.Commit == "" {
		i.Commit = orUnknown(rev)
	}
	if i.Date == "" {
		i.Date = orUnknown(when)
	}
	if i.Version == "" {
		mu.Lock()
		base := release
		mu.Unlock()
		if base == "" {
			base = "0.0.0"
		}
		i.Version = base + "+dev"
		if rev != "" {
			i.Version = base + "+" + rev
			if dirty {
				i.Version += ".dirty"
			}
		}
	}
	return i
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// String is the one-line form `veriport --version` prints after the name.
func (i Info) String() string {
	return fmt.Sprintf("%s (commit %s, built %s)", i.Version, i.Commit, i.Date)
}
