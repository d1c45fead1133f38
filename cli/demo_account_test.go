package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"veriport/app"
	"veriport/config"
	"veriport/officer"
	"veriport/record"
	"veriport/retention"
)

// TestDemoAccountCannotBeEnabled: a demo officer left in an operational
// store (disabled at start) cannot be enabled again, neither with
// `veriport officer enable demo` nor by a supervisor's administration; in
// the demo profile's own store it can.
func TestDemoAccountCannotBeEnabled(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	ctx := context.Background()
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	dir := t.TempDir()
	cfg, err := config.Load(config.Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	withDemoOfficer(t, cfg).Close()
	_, op, err := openProfile(ctx, env, cfg, false) // disables it, as at start
	if err != nil {
		t.Fatal(err)
	}
	op.Close()

	code, _, errs := run(t, "--data-dir", dir, "officer", "enable", officer.DemoOfficerID)
	if code == 0 {
		t.Error("officer enable demo: exit 0 in an operational store")
	}
	if !strings.Contains(errs, "demo") {
		t.Errorf("officer enable demo: message %q does not say why", errs)
	}
	op, err = record.Open(ctx, cfg.Paths.Database)
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	if o, err := record.GetOfficer(ctx, op.DB, officer.DemoOfficerID); err != nil || !o.Disabled {
		t.Fatalf("demo officer enabled in the operational store: disabled %v, %v", o.Disabled, err)
	}
	// A supervisor at the workstation: the same store, the same refusal.
	ostore, err := app.OfficerStore(cfg, op)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := officer.NewAuthenticator(ostore, officer.DefaultPolicy)
	if err != nil {
		t.Fatal(err)
	}
	admin := officer.NewAdmin(auth, ostore, nil)
	if err := admin.Enable(ctx, "s.kim", officer.DemoOfficerID); !errors.Is(err, officer.ErrDemoOfficer) {
		t.Errorf("supervisor enabled the demo officer: %v", err)
	}
	if o, _ := record.GetOfficer(ctx, op.DB, officer.DemoOfficerID); !o.Disabled {
		t.Fatal("demo officer enabled by a supervisor")
	}
	// In the demo profile's own store the demo officer is at home.
	dstore := &officer.SQLStore{DB: op.DB, Secrets: ostore.Secrets, DemoProfile: true}
	dauth, _ := officer.NewAuthenticator(dstore, officer.DefaultPolicy)
	if err := officer.NewAdmin(dauth, dstore, nil).Enable(ctx, "s.kim", officer.DemoOfficerID); err != nil {
		t.Errorf("demo profile: %v", err)
	}
}
