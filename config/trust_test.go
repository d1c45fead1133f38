package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnknownConfigKeyRefused: a key the settings do not know (a typo such
// as master_key_fle) is an error naming the key and the file, never
// silently ignored.
func TestUnknownConfigKeyRefused(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, FileName)
	for _, tc := range []struct{ toml, key string }{
		{"[retention]\nmaster_key_fle = \"/secure/master.key\"\n", "retention.master_key_fle"},
		{"stationn = \"gate-b7\"\n", "stationn"},
		{"[verfy]\nthreshold = 0.4\n", "verfy"},
	} {
		if err := os.WriteFile(file, []byte(tc.toml), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(Overrides{DataDir: dir})
		if err == nil || !strings.Contains(err.Error(), tc.key) || !strings.Contains(err.Error(), file) {
			t.Errorf("%q: error %v", tc.toml, err)
		}
	}
	if err := os.WriteFile(file, []byte("[retention]\nmaster_key_file = \"/secure/master.key\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(Overrides{DataDir: dir}); err != nil || c.Retention.MasterKeyFile != "/secure/master.key" {
		t.Errorf("the right key: %v", err)
	}
}

// FuzzConfigTOML: whatever the file holds, Load returns settings that pass
// Validate or an error; it never panics.
func FuzzConfigTOML(f *testing.F) {
	f.Add("station = \"gate-b7\"\n[verify]\nthreshold = 0.45\n")
	f.Add("[retention]\nmode = \"partner\"\npurge_interval = \"30s\"\nmaster_key_file = \"/k\"\n")
	f.Add("[retention]\nmaster_key_fle = \"/k\"\n")
	f.Add("[verify\n")
	f.Add("[quality]\ninter_eye_min_px = 1e308\n")
	f.Add("")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, s string) {
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(Overrides{DataDir: dir})
		if err == nil {
			if verr := c.Validate(); verr != nil {
				t.Fatalf("Load accepted settings Validate refuses: %v", verr)
			}
		}
	})
}
