// Package record is Veriport's SQLite store: encounters, officers, the purge
// log and the audit log. It opens the database in WAL mode with foreign keys
// and a busy timeout (secure_delete on, so deleted rows are zeroed on disk;
// synchronous=FULL, so a commit survives a power loss as the vault's fsynced
// writes and deletions do),
// and applies schema changes with goose migrations.
package record

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"os"
	"path/filepath"

	_ "github.com/mattn/go-sqlite3" // database/sql driver "sqlite3"
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the open database. Writes go through one connection (SQLite has
// one writer); reads may use others.
type Store struct {
	DB   *sql.DB
	Path string
}

// Open opens (creating if needed) the database at path and migrates it to
// the newest schema.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create database folder: %w", err)
	}
	// Create the file private to the user: SQLite gives the -wal and -shm
	// files the database file's mode.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err == nil {
		f.Close()
	}
	dsn := fmt.Sprintf("file:%s?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=5000&_synchronous=FULL&_txlock=immediate&_secure_delete=on", path)
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.SetMaxOpenConns(1) // one writer; SQLite serialises writes anyway
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	return &Store{DB: db, Path: path}, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	p, err := goose.NewProvider(goose.DialectSQLite3, db, mustSub(migrations, "migrations"))
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// Version is the schema version the database is at.
func (s *Store) Version(ctx context.Context) (int64, error) {
	p, err := goose.NewProvider(goose.DialectSQLite3, s.DB, mustSub(migrations, "migrations"))
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// JournalMode reports SQLite's journal mode ("wal" when open normally).
func (s *Store) JournalMode(ctx context.Context) (string, error) {
	var mode string
	err := s.DB.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
	return mode, err
}

// Close closes the database.
func (s *Store) Close() error { return s.DB.Close() }
