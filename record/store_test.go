package record

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenMigratesInWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "v.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mode, err := s.JournalMode(ctx)
	if err != nil || mode != "wal" {
		t.Errorf("journal mode %q, %v; want wal", mode, err)
	}
	v, err := s.Version(ctx)
	if err != nil || v < 1 {
		t.Errorf("schema version %d, %v; want >= 1", v, err)
	}
	var fk int
	if err := s.DB.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
	s.Close()
	// Opening again is a no-op migration.
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v2, _ := s2.Version(ctx)
	if v2 != v {
		t.Errorf("version changed on reopen: %d -> %d", v, v2)
	}
	s2.Close()
}

func TestDatabaseFilesPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Audit(context.Background(), AuditEvent{Kind: AuditLogin}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %04o; want private", p, st.Mode().Perm())
		}
	}
}
