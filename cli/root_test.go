package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"veriport/version"
)

func TestHelpListsSubcommands(t *testing.T) {
	var out, errb bytes.Buffer
	code := Execute(context.Background(), []string{"--help"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"run", "demo", "--data-dir", "--models", "--camera"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help does not mention %q", want)
		}
	}
}

func TestUnknownCommandFails(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Execute(context.Background(), []string{"no-such-command"}, &out, &errb); code == 0 {
		t.Error("unknown command exited 0")
	}
}

// TestVersionFlagPrintsVersionCommitDate: `veriport --version` prints the
// version, commit and build date of the binary.
func TestVersionFlagPrintsVersionCommitDate(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Execute(context.Background(), []string{"--version"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	i := version.Get()
	for _, want := range []string{"veriport " + i.Version, "commit " + i.Commit, "built " + i.Date} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--version printed %q, lacks %q", out.String(), want)
		}
	}
}

// TestManPagesOnePerCommand: `veriport dev man DIR` writes veriport.1 and
// one page per visible subcommand, hidden ones left out.
func TestManPagesOnePerCommand(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := Execute(context.Background(), []string{"dev", "man", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, page := range []string{"veriport.1", "veriport-run.1", "veriport-setup-models.1", "veriport-gallery-serve.1"} {
		b, err := os.ReadFile(filepath.Join(dir, page))
		if err != nil {
			t.Errorf("%s: %v", page, err)
			continue
		}
		if !strings.Contains(string(b), `.TH "VERIPORT" "1"`) {
			t.Errorf("%s has no VERIPORT(1) header: %.80q", page, b)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "veriport-dev.1")); err == nil {
		t.Error("the hidden dev command got a man page")
	}
}
