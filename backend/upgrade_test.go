package backend

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"veriport/record"
)

// TestResultStoreFromLastReleaseUpgrades: both dialects' migrations only
// grow above what has landed, and a SQLite result store at the landed schema
// (a back end in the field) opens with this version.
func TestResultStoreFromLastReleaseUpgrades(t *testing.T) {
	done, err := record.ReadLanded(os.DirFS("testdata"), "landed-migrations.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		sub, _ := fs.Sub(storeMigrations, "migrations/"+dialect)
		if err := record.CheckAppendOnly(sub, done); err != nil {
			t.Errorf("%s: %v", dialect, err)
		}
	}
	all, _ := fs.Sub(storeMigrations, "migrations/sqlite")
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "results.db")
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	err = record.UpTo(ctx, goose.DialectSQLite3, db, all, done)
	db.Close()
	if err != nil {
		t.Fatalf("result store at the landed schema: %v", err)
	}
	s, err := OpenStore(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatalf("a result store from the field does not open: %v", err)
	}
	s.Close()
}
