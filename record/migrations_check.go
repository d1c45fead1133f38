package record

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"testing/fstest"

	"github.com/pressly/goose/v3"
)

// ReadLanded reads a list of landed migration files: one file name a line,
// blank lines and # comments skipped.
func ReadLanded(fsys fs.FS, name string) ([]string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("landed migrations: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}

// MigrationVersion is the number a goose migration file's name starts with.
func MigrationVersion(name string) (int64, error) {
	v, err := strconv.ParseInt(strings.SplitN(name, "_", 2)[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("migration %s: no version: %w", name, err)
	}
	return v, nil
}

// CheckAppendOnly checks the migrations in all against those already
// landed (databases in the field are at the newest of landed): every landed
// file is still there, and every other one is numbered above the newest
// landed. goose refuses to open a database that misses a migration below
// its version ("missing (out-of-order) migration"), so a new migration
// numbered lower would stop every workstation or back end at start-up.
func CheckAppendOnly(all fs.FS, landed []string) error {
	var top int64
	seen := map[string]bool{}
	var errs []error
	for _, n := range landed {
		v, err := MigrationVersion(n)
		if err != nil {
			return err
		}
		seen[n], top = true, max(top, v)
		if _, err := fs.Stat(all, n); err != nil {
			errs = append(errs, fmt.Errorf("landed migration %s is gone: a landed migration is never renamed or removed", n))
		}
	}
	files, err := fs.Glob(all, "*.sql")
	if err != nil {
		return err
	}
	for _, n := range files {
		v, err := MigrationVersion(n)
		if err != nil {
			return err
		}
		if !seen[n] && v <= top {
			errs = append(errs, fmt.Errorf("migration %s is numbered at or below %d, which databases in the field "+
				"already have: they would refuse to open (out-of-order); number it above %d", n, top, top))
		}
	}
	return errors.Join(errs...)
}

// UpTo migrates db with only the named files of all: a database at an
// earlier schema, as the upgrade tests stand one up.
func UpTo(ctx context.Context, dialect goose.Dialect, db *sql.DB, all fs.FS, files []string) error {
	sub := fstest.MapFS{}
	for _, n := range files {
		b, err := fs.ReadFile(all, n)
		if err != nil {
			return fmt.Errorf("migration %s: %w", n, err)
		}
		sub[n] = &fstest.MapFile{Data: b}
	}
	p, err := goose.NewProvider(dialect, db, sub)
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}
