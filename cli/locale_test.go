package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoFyneOutputAnyLocale builds the veriport binary and runs commands
// that open no window under the C locale in its usual spellings and with
// no locale at all: none may print a Fyne line. Fyne's lang package reads
// the locale while the program initialises, before main, so only the
// built binary shows it.
func TestNoFyneOutputAnyLocale(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "veriport")
	build := exec.Command("go", "build", "-o", bin, "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES":
		default:
			env = append(env, kv)
		}
	}
	locales := map[string][]string{
		"unset": nil, "LANG=C": {"LANG=C"}, "LANG=C.UTF-8": {"LANG=C.UTF-8"}, "LANG=C.utf8": {"LANG=C.utf8"},
		"LANG=POSIX": {"LANG=POSIX"}, "LC_ALL=C.UTF-8": {"LANG=en_US.UTF-8", "LC_ALL=C.UTF-8"},
	}
	dir := t.TempDir()
	commands := [][]string{
		{"--help"},
		{"--data-dir", dir, "officer", "list"},
		{"bench", "--only", "no-such-bench"},
	}
	for name, extra := range locales {
		for _, args := range commands {
			cmd := exec.Command(bin, args...)
			cmd.Env = append(append([]string(nil), env...), extra...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			_ = cmd.Run() // bench --only refuses the name: a non-zero exit is expected
			if s := stderr.String(); strings.Contains(s, "Fyne") || strings.Contains(s, "locale") {
				t.Errorf("%s, veriport %s: stderr\n%s", name, strings.Join(args, " "), s)
			}
		}
	}
}
