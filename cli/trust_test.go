package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"veriport/app"
	"veriport/config"
	"veriport/officer"
	"veriport/record"
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

// TestDemoProfileNeverTouchesOperationalStore: the demo profile (demo video
// standing in for a camera) runs on a data folder of its own; the demo
// officer and its public credentials never reach the operational store,
// which refuses the demo officer outright, and a demo officer already there
// is disabled at start with an audit entry.
func TestDemoProfileNeverTouchesOperationalStore(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	ctx := context.Background()
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	dir := t.TempDir()
	cfg, err := config.Load(config.Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	// As runGUI does when no camera opens and the demo video stands in.
	dcfg, st, err := openProfile(ctx, env, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	k, err := retention.Open(st, dcfg, env.Log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.OpenWorkflow(ctx, app.Options{Log: env.Log, Stderr: env.Stderr}, dcfg, st, k, app.NewEngines("", env.Log), true, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := record.GetOfficer(ctx, st.DB, officer.DemoOfficerID); err != nil {
		t.Fatalf("demo profile has no demo officer: %v", err)
	}
	st.Close()
	if dcfg.Paths.Database == cfg.Paths.Database || dcfg.Paths.DataDir == cfg.Paths.DataDir ||
		dcfg.Retention.KeyFile(dcfg.Paths) == cfg.Retention.KeyFile(cfg.Paths) ||
		dcfg.Paths.GalleryCache() == cfg.Paths.GalleryCache() {
		t.Fatalf("demo profile shares operational data: %+v", dcfg.Paths)
	}

	op, err := record.Open(ctx, cfg.Paths.Database)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := record.GetOfficer(ctx, op.DB, officer.DemoOfficerID); !errors.Is(err, record.ErrNotFound) {
		t.Fatalf("demo officer in the operational store: %v", err)
	}
	// The operational store never accepts the demo officer.
	ostore, err := app.OfficerStore(cfg, op)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := officer.NewAuthenticator(ostore, officer.DefaultPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.EnsureDemoOfficer(ctx); !errors.Is(err, officer.ErrDemoOfficer) {
		t.Fatalf("operational store accepted the demo officer: %v", err)
	}
	// A demo officer an earlier version left there is disabled at start.
	if err := record.InsertOfficer(ctx, op.DB, record.Officer{ID: officer.DemoOfficerID, Name: "Demo Officer",
		Role: record.RoleOfficer, PINHash: "x", TOTPSecret: officer.DemoTOTPSecret}); err != nil {
		t.Fatal(err)
	}
	op.Close()
	_, op, err = openProfile(ctx, env, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	if o, err := record.GetOfficer(ctx, op.DB, officer.DemoOfficerID); err != nil || !o.Disabled {
		t.Fatalf("demo officer in the operational store not disabled: %+v %v", o.Disabled, err)
	}
	var n int
	if err := op.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE subject = ? AND kind = ?`,
		officer.DemoOfficerID, officer.AuditOfficerDisabled).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d audit entries for disabling the demo officer: %v", n, err)
	}
}

// TestAuditVerifyHeadCommand: `audit export` prints the head; `audit verify
// --head SEQ:HASH` passes while the chain reaches it and fails, naming the
// cut, once entries are removed from the tail (even with the recorded head
// rewritten to match).
func TestAuditVerifyHeadCommand(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := config.Load(config.Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if err := st.Audit(ctx, record.AuditEvent{Kind: record.AuditLogin, Actor: "o-1"}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	code, out, errs := run(t, "--data-dir", dir, "audit", "export", "--out", filepath.Join(t.TempDir(), "a.jsonl"))
	head := strings.TrimSpace(strings.TrimPrefix(out, "audit head "))
	if code != 0 || !strings.HasPrefix(head, "4:") {
		t.Fatalf("export: exit %d %q %s", code, out, errs)
	}
	if code, out, errs := run(t, "--data-dir", dir, "audit", "verify", "--head", head); code != 0 || !strings.Contains(out, head) {
		t.Fatalf("verify --head: exit %d %q %s", code, out, errs)
	}
	if code, _, errs := run(t, "--data-dir", dir, "audit", "verify", "--head", "4:nothex"); code != 2 || !strings.Contains(errs, "SEQ:HASH") {
		t.Fatalf("malformed head: exit %d %s", code, errs)
	}
	st, _ = record.Open(ctx, cfg.Paths.Database)
	st.DB.Exec(`DELETE FROM audit_log WHERE seq = 4`)
	st.DB.Exec(`UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3)`)
	st.Close()
	if code, _, errs := run(t, "--data-dir", dir, "audit", "verify"); code != 0 {
		t.Fatalf("fixture: the local head was rewritten to hide the cut: exit %d %s", code, errs)
	}
	code, _, errs = run(t, "--data-dir", dir, "audit", "verify", "--head", head)
	if code != 1 || !strings.Contains(errs, "cut off the tail") {
		t.Fatalf("verify --head after the cut: exit %d %s", code, errs)
	}
}
