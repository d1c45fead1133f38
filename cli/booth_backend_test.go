package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"veriport/app"
	"veriport/backend"
	"veriport/config"
	"veriport/retention"
)

// TestBoothRefusesResultsDB: a booth reaches the back end only through its
// HTTPS endpoint: a workstation whose settings name [backend] results_db
// refuses to start (before, each booth opened the central results database
// with write credentials and ran its migrations). The terminal report reads
// the database read-only; a PostgreSQL DSN to another host without
// sslmode=verify-full is refused.
func TestBoothRefusesResultsDB(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	ctx := context.Background()
	env := &Env{Stdout: io.Discard, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	dir := t.TempDir()
	cfg, err := config.Load(config.Overrides{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	central := filepath.Join(t.TempDir(), "central.db")
	cfg.Backend.ResultsDB = central
	_, st, err := openProfile(ctx, env, cfg, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	k, err := retention.Open(st, cfg, env.Log)
	if err != nil {
		t.Fatal(err)
	}
	_, err = app.OpenWorkflow(ctx, app.Options{Log: env.Log, Stderr: env.Stderr}, cfg, st, k, app.NewEngines("", env.Log), false, nil)
	if err == nil || !strings.Contains(err.Error(), "results_db") {
		t.Fatalf("workstation with backend.results_db: %v, want a refusal naming results_db", err)
	}

	// The terminal report reads the back end's store without writing to it.
	rw, err := backend.OpenStore(ctx, central)
	if err != nil {
		t.Fatal(err)
	}
	rw.Close()
	ro, err := backend.OpenReadOnly(ctx, central)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.DB.ExecContext(ctx, `DELETE FROM results`); err == nil {
		t.Error("the report's connection to the results database can write")
	}

	for dsn, ok := range map[string]bool{
		"postgres://report@db.agency.example/results":                          false,
		"postgres://report@db.agency.example/results?sslmode=require":          false,
		"postgres://report@10.1.2.3:5432/results?sslmode=verify-ca":            false,
		"postgres://report@db.agency.example/results?sslmode=verify-full":      true,
		"postgres://report@localhost/results":                                  true,
		"postgres://report@127.0.0.1:5433/results":                             true,
		"postgres://report@/results?host=/var/run/postgresql":                  true,
		"postgresql://report:secret@db.agency.example/results?sslmode=disable": false,
	} {
		err := backend.CheckDSN(dsn)
		if ok != (err == nil) || (err != nil && !errors.Is(err, backend.ErrInsecureDSN)) {
			t.Errorf("CheckDSN(%s): %v", dsn, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("CheckDSN's message shows the password: %v", err)
		}
	}
	if _, err := backend.OpenStore(ctx, "postgres://report@db.agency.example/results"); !errors.Is(err, backend.ErrInsecureDSN) {
		t.Errorf("OpenStore of a DSN without TLS verification to another host: %v", err)
	}
}
