package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"veriport/retention"
)

// TestMissingMasterKeyRefused: once the store holds data sealed under the
// master key (an officer's TOTP secret), removing master.key makes every
// command that opens the store refuse, naming the file, and no new key is
// written. An empty store still gets a key on first use.
func TestMissingMasterKeyRefused(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	dir := t.TempDir()
	keyFile := filepath.Join(dir, retention.MasterKeyFileName)
	if code, _, errs := run(t, "--data-dir", dir, "purge", "--dry-run"); code != 0 {
		t.Fatalf("empty store: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(keyFile); err != nil {
		t.Fatalf("empty store got no key: %v", err)
	}
	if code, _, errs := runIn(t, "246810\n", "--data-dir", dir, "officer", "add", "--id", "o.lee",
		"--name", "Officer Lee", "--pin-stdin"); code != 0 {
		t.Fatalf("officer add: exit %d: %s", code, errs)
	}
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"purge", "--dry-run"},
		{"purge"},
		{"audit", "verify"},
		{"audit", "export", "--out", filepath.Join(t.TempDir(), "a.jsonl")},
		{"outbox"},
	} {
		code, _, errs := run(t, append([]string{"--data-dir", dir}, args...)...)
		if code == 0 || !strings.Contains(errs, keyFile) {
			t.Errorf("%v without the key: exit %d, message %q", args, code, errs)
		}
		if _, err := os.Stat(keyFile); err == nil {
			t.Fatalf("%v wrote a new master key over sealed data", args)
		}
	}
	code, _, errs := runIn(t, "135790\n", "--data-dir", dir, "officer", "add", "--id", "o.kim",
		"--name", "Officer Kim", "--pin-stdin")
	if code == 0 || !strings.Contains(errs, keyFile) {
		t.Errorf("officer add without the key: exit %d, message %q", code, errs)
	}
	if _, err := os.Stat(keyFile); err == nil {
		t.Fatal("officer add wrote a new master key over sealed data")
	}
}
