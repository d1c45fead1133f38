package app

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"veriport/config"
	"veriport/record"
	"veriport/retention"
)

// TestSafetySettingChangeAudited: a safety setting changed in config.toml
// between two runs is written to the audit chain at start-up with its old
// and new value; an unchanged run writes nothing; a threshold above the
// safe bound is refused outright.
func TestSafetySettingChangeAudited(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	start := func(toml string) []record.AuditEntry {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, config.FileName), []byte(toml), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(config.Overrides{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		st, err := OpenProfile(ctx, log, cfg, false)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var out []record.AuditEntry
		rows, err := st.DB.QueryContext(ctx, `SELECT subject, detail FROM audit_log WHERE kind = ? ORDER BY seq`,
			record.AuditSettingChange)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var e record.AuditEntry
			rows.Scan(&e.Subject, &e.Detail)
			out = append(out, e)
		}
		return out
	}
	first := start("[verify]\nthreshold = 0.45\n")
	if len(first) == 0 {
		t.Fatal("first run recorded no safety settings")
	}
	if again := start("[verify]\nthreshold = 0.45\n"); len(again) != len(first) {
		t.Errorf("an unchanged run added %d setting entries", len(again)-len(first))
	}
	after := start("[verify]\nthreshold = 0.55\n[quality]\nmax_yaw_deg = 9\n")
	changed := map[string]map[string]string{}
	for _, e := range after[len(first):] {
		var d map[string]string
		if err := json.Unmarshal([]byte(e.Detail), &d); err != nil {
			t.Fatalf("detail %q: %v", e.Detail, err)
		}
		changed[e.Subject] = d
	}
	if d := changed["verify.threshold"]; d["old"] != "0.45" || d["new"] != "0.55" {
		t.Errorf("threshold change audited as %v (all: %v)", d, changed)
	}
	if d := changed["quality.max_yaw_deg"]; d["old"] != "5" || d["new"] != "9" {
		t.Errorf("yaw limit change audited as %v", d)
	}
	if len(changed) != 2 {
		t.Errorf("%d settings audited as changed, want 2: %v", len(changed), changed)
	}
	for toml, key := range map[string]string{
		"[verify]\nthreshold = 1.2\n":        "verify.threshold",
		"[verify]\nmargin = 0\n":             "verify.margin",
		"[verify]\nfpir_target = 0.2\n":      "verify.fpir_target",
		"[quality]\ninter_eye_min_px = 30\n": "quality.inter_eye_min_px",
		"[quality]\nmax_yaw_deg = 40\n":      "quality.max_yaw_deg",
		"[quality]\nmax_roll_deg = 30\n":     "quality.max_roll_deg",
		"[quality]\nstable_frames = 1\n":     "quality.stable_frames",
	} {
		if err := os.WriteFile(filepath.Join(dir, config.FileName), []byte(toml), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := config.Load(config.Overrides{DataDir: dir}); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%q: %v, want it refused naming %s", toml, err, key)
		}
	}
}
