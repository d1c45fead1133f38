// Package version says which build of Veriport is running: the release
// version (from the git tag), the commit and the build date. Release builds
// stamp them with -ldflags "-X veriport/version.version=..."; a plain
// `go build` reports 0.0.0+<commit> from the Go toolchain's VCS stamp.
package version

import (
	"fmt"
	"runtime/debug"
)

// Set at link time by scripts/package.sh (-X veriport/version.NAME=VALUE).
var (
	version string
	commit  string
	date    string
)

// Info is one build's identity.
type Info struct {
	Version string // e.g. 0.2.0, 0.2.0+git3.abc1234, 0.0.0+abc1234
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
		i.Version = "0.0.0+dev"
		if rev != "" {
			i.Version = "0.0.0+" + rev
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
