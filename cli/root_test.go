package cli

import (
	"bytes"
	"context"
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
