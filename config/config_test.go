package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func TestLoadDefaultsWithDataDir(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(Overrides{DataDir: dir, Camera: "2"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Paths.Database != filepath.Join(dir, "veriport.db") {
		t.Errorf("database %s not under --data-dir", c.Paths.Database)
	}
	if c.Camera.Source != "2" {
		t.Errorf("--camera not applied: %q", c.Camera.Source)
	}
	if c.Verify.Threshold != Default().Verify.Threshold {
		t.Error("default threshold not kept")
	}
}

func TestLoadReadsTOMLAndValidates(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("station = \"gate-b7\"\n[verify]\nthreshold = 0.45\n")
	c, err := Load(Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if c.Station != "gate-b7" || c.Verify.Threshold != 0.45 {
		t.Errorf("settings not read: %+v", c)
	}
	write("[verify]\nthreshold = 7\n")
	if _, err := Load(Overrides{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "verify.threshold") {
		t.Errorf("out-of-range threshold accepted or unnamed: %v", err)
	}
	write("[verify\n")
	if _, err := Load(Overrides{DataDir: dir}); err == nil || !strings.Contains(err.Error(), FileName) {
		t.Errorf("malformed TOML error does not name the file: %v", err)
	}
}

func TestModelsOverride(t *testing.T) {
	c, err := Load(Overrides{DataDir: t.TempDir(), Models: "/opt/models"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Paths.ModelsDir != "/opt/models" {
		t.Errorf("models dir %s", c.Paths.ModelsDir)
	}
}

func TestWorkflowSettings(t *testing.T) {
	d := Default().Workflow
	if d.PolicyRules != "seed" || d.LockFailures != 5 || d.LockFor != 15*time.Minute || d.IdleLogout != 15*time.Minute {
		t.Fatalf("workflow defaults %+v", d)
	}
	dir := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("[workflow]\npolicy_rules = \"in-force\"\nlock_for = \"30m\"\nidle_logout = \"5m\"\n")
	c, err := Load(Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Workflow; w.PolicyRules != "in-force" || w.LockFor != 30*time.Minute || w.IdleLogout != 5*time.Minute || w.LockFailures != 5 {
		t.Errorf("workflow settings not read: %+v", w)
	}
	for _, bad := range []string{"policy_rules = \"\"", "lock_failures = 0", "lock_for = \"10s\"", "idle_logout = \"24h\""} {
		write("[workflow]\n" + bad + "\n")
		if _, err := Load(Overrides{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "workflow.") {
			t.Errorf("%s: error %v", bad, err)
		}
	}
}

func TestGallerySection(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if c.Gallery.Grace.Hours() != 12 {
		t.Errorf("default grace %s, want 12h", c.Gallery.Grace)
	}
	if c.Paths.GalleryCache() != filepath.Join(dir, "galleries") {
		t.Errorf("gallery cache %s not under the data dir", c.Paths.GalleryCache())
	}
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("[gallery]\nservice = \"https://127.0.0.1:8443\"\ngrace = \"90m\"\nissuer_keys = [\"a.pub\", \"b.pub\"]\n")
	if c, err = Load(Overrides{DataDir: dir}); err != nil {
		t.Fatal(err)
	}
	if c.Gallery.Grace.Minutes() != 90 || len(c.Gallery.IssuerKeys) != 2 || c.Gallery.Service == "" {
		t.Errorf("gallery section not read: %+v", c.Gallery)
	}
	for _, bad := range []string{"service = \"http://x\"", "grace = \"-1h\"", "grace = \"soon\"", "client_cert = \"c.pem\""} {
		write("[gallery]\n" + bad + "\n")
		if _, err := Load(Overrides{DataDir: dir}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// TestSystemConfigIsTheDefaultUnderTheUsersFile: the package's
// /etc/veriport/config.toml (here $VERIPORT_SYSTEM_CONFIG) sets site-wide
// defaults, the user's own config.toml overrides them key by key, and a
// --data-dir run reads neither the system file nor the user's.
func TestSystemConfigIsTheDefaultUnderTheUsersFile(t *testing.T) {
	sys := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(sys, []byte("station = \"gate-sys\"\n[verify]\nthreshold = 0.42\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VERIPORT_SYSTEM_CONFIG", sys)
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("XDG_DATA_HOME", t.TempDir())

	c, err := Load(Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Station != "gate-sys" || c.Verify.Threshold != 0.42 {
		t.Errorf("system settings not read: station %q threshold %v", c.Station, c.Verify.Threshold)
	}
	if c.Paths.SystemConfig != sys {
		t.Errorf("Paths.SystemConfig = %q, want %q", c.Paths.SystemConfig, sys)
	}

	if err := os.MkdirAll(filepath.Join(home, "veriport"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "veriport", FileName), []byte("station = \"gate-user\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = Load(Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Station != "gate-user" || c.Verify.Threshold != 0.42 {
		t.Errorf("user file should override station only: station %q threshold %v", c.Station, c.Verify.Threshold)
	}

	c, err = Load(Overrides{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if c.Station != Default().Station || c.Verify.Threshold != Default().Verify.Threshold {
		t.Errorf("--data-dir run read the system file: station %q threshold %v", c.Station, c.Verify.Threshold)
	}

	if err := os.WriteFile(sys, []byte("[verify\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(Overrides{}); err == nil || !strings.Contains(err.Error(), sys) {
		t.Errorf("malformed system file error does not name it: %v", err)
	}
}

// TestShippedSystemConfig: the /etc/veriport/config.toml the package ships
// changes nothing (every key commented out), and each key it documents is a
// real setting (uncommented, every key decodes).
func TestShippedSystemConfig(t *testing.T) {
	shipped := "../packaging/config.toml"
	t.Setenv("VERIPORT_SYSTEM_CONFIG", shipped)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	c, err := Load(Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Station != Default().Station || c.Verify != Default().Verify || c.Camera != Default().Camera {
		t.Errorf("shipped file changes the defaults: %+v", c)
	}
	b, err := os.ReadFile(shipped)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if s, ok := strings.CutPrefix(l, "# "); ok && (strings.HasPrefix(s, "[") || strings.Contains(s, " = ")) {
			lines = append(lines, s)
		}
	}
	var all Config
	md, err := toml.Decode(strings.Join(lines, "\n"), &all)
	if err != nil {
		t.Fatalf("documented keys do not parse: %v", err)
	}
	if len(md.Keys()) < 10 {
		t.Errorf("only %d keys documented", len(md.Keys()))
	}
	if u := md.Undecoded(); len(u) > 0 {
		t.Errorf("documented keys that are not settings: %v", u)
	}
}
