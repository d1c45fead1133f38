package record

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"
)

// TestStoreFromLastReleaseUpgrades: a store at the schema of the landed
// migrations (a workstation in the field) opens with this version, which
// migrates it to the newest schema.
func TestStoreFromLastReleaseUpgrades(t *testing.T) {
	all := mustSub(migrations, "migrations")
	done, err := ReadLanded(os.DirFS("testdata"), "landed-migrations.txt")
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckAppendOnly(all, done); err != nil {
		t.Error(err)
	}

	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "veriport.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	err = UpTo(ctx, goose.DialectSQLite3, db, all, done)
	db.Close()
	if err != nil {
		t.Fatalf("store at the landed schema: %v", err)
	}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("a store from the field does not open: %v", err)
	}
	defer s.Close()
	files, _ := fs.Glob(all, "*.sql")
	want, _ := MigrationVersion(files[len(files)-1])
	if v, err := s.Version(ctx); err != nil || v != want {
		t.Fatalf("upgraded store at version %d (%v), want %d", v, err, want)
	}
}
