package backend

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "github.com/mattn/go-sqlite3"    // database/sql driver "sqlite3"
	"github.com/pressly/goose/v3"

	"veriport/record"
	"veriport/transmit"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var storeMigrations embed.FS

// ErrStore means the back end's result store failed (unreachable,
// restarting): the result was not stored and may be sent again.
var ErrStore = errors.New("result store unavailable")

// ErrConflict means a result arrived under an encounter id the store
// already holds with a different content: it is not the same result sent
// again, and the stored one stands.
var ErrConflict = errors.New("a different result is stored under this encounter id")

// Store is the back end's result store: PostgreSQL when opened with a
// postgres:// DSN, else an embedded SQLite file. Both hold the same table
// (migrations/), so the receiver and the terminal report read them alike.
type Store struct {
	DB *sql.DB
	pg bool
	// Where is the store for log lines: the SQLite path, or the PostgreSQL
	// DSN without its password.
	Where string

	// The group commit (commit.go): Put hands results to the committers
	// through queue.
	mu      sync.Mutex
	queue   chan *putReq
	closing chan struct{}
	closed  bool
	workers sync.WaitGroup
	commits atomic.Int64 // batches committed (tests read it)
}

// IsPostgresDSN reports whether dsn names a PostgreSQL database.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// OpenStore opens the result store dsn names (postgres://… or a SQLite
// file path) and brings its schema up to date.
func OpenStore(ctx context.Context, dsn string) (*Store, error) {
	if err := CheckDSN(dsn); err != nil {
		return nil, err
	}
	s := &Store{pg: IsPostgresDSN(dsn), Where: redactDSN(dsn)}
	var err error
	dialect, sub := goose.DialectSQLite3, "migrations/sqlite"
	if s.pg {
		dialect, sub = goose.DialectPostgres, "migrations/postgres"
		if s.DB, err = sql.Open("pgx", dsn); err != nil {
			return nil, fmt.Errorf("open results database %s: %w", s.Where, err)
		}
		s.DB.SetMaxOpenConns(24)
		s.DB.SetMaxIdleConns(24)
		s.DB.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		path := strings.TrimPrefix(dsn, "sqlite:")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("results database folder: %w", err)
		}
		// synchronous=FULL as the workstation's store: an acknowledged
		// result survives a power loss (the booth may purge the photo then).
		s.DB, err = sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate&_synchronous=FULL")
		if err != nil {
			return nil, fmt.Errorf("open results database %s: %w", s.Where, err)
		}
		s.DB.SetMaxOpenConns(1)
	}
	if err := s.DB.PingContext(ctx); err != nil {
		s.DB.Close()
		return nil, fmt.Errorf("open results database %s: %w", s.Where, err)
	}
	legacy := false
	if !s.pg {
		if legacy, err = s.setAsideLegacy(ctx); err != nil {
			s.DB.Close()
			return nil, err
		}
	}
	mig, _ := fs.Sub(storeMigrations, sub)
	p, err := goose.NewProvider(dialect, s.DB, mig)
	if err == nil {
		_, err = p.Up(ctx)
	}
	if err != nil {
		s.DB.Close()
		return nil, fmt.Errorf("migrate results database %s: %w", s.Where, err)
	}
	if legacy {
		if err := s.importLegacy(ctx); err != nil {
			s.DB.Close()
			return nil, err
		}
	}
	return s, nil
}

// redactDSN drops the password from a PostgreSQL URL.
func redactDSN(dsn string) string {
	if !IsPostgresDSN(dsn) {
		return dsn
	}
	scheme, rest, _ := strings.Cut(dsn, "://")
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		user, _, _ := strings.Cut(rest[:at], ":")
		rest = user + "@" + rest[at+1:]
	}
	return scheme + "://" + rest
}

// Postgres reports whether the store is PostgreSQL.
func (s *Store) Postgres() bool { return s.pg }

// Close lets the results being committed finish, then closes the
// database; a Put after Close fails with ErrStore.
func (s *Store) Close() error {
	s.stopCommitters()
	return s.DB.Close()
}

// Rebind turns a query written with ? placeholders into the store's
// dialect ($1, $2… for PostgreSQL).
func (s *Store) Rebind(q string) string {
	if !s.pg {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// TimeArg is t as the store compares times: fixed-width UTC text in SQLite,
// a timestamp in PostgreSQL.
func (s *Store) TimeArg(t time.Time) any {
	if s.pg {
		return t.UTC()
	}
	return record.FormatTime(t)
}

// dateArg is the UTC date of t as the result_date column holds it.
func (s *Store) dateArg(t time.Time) any {
	d := t.UTC().Format(time.DateOnly)
	if s.pg {
		day, _ := time.Parse(time.DateOnly, d)
		return day
	}
	return d
}

func (s *Store) nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s.TimeArg(t)
}

// SameContent reports whether a and b are the same result: every field
// equal, times compared as instants, the encounter id in canonical form,
// version 0 as 1. The audit head (which the booth refreshes on every send)
// and the sealed photo (dropped from the booth's outbox once due) are not
// part of the comparison.
func SameContent(a, b transmit.Result) bool {
	ka, erra := contentKey(a)
	kb, errb := contentKey(b)
	return erra == nil && errb == nil && string(ka) == string(kb)
}

func contentKey(r transmit.Result) ([]byte, error) {
	if id, err := transmit.CanonicalID(r.EncounterID); err == nil {
		r.EncounterID = id
	}
	if r.Version == 0 {
		r.Version = transmit.Version1
	}
	r.Photo, r.AuditSeq, r.AuditHash = nil, 0, ""
	for _, t := range []*time.Time{&r.Time, &r.StartedAt, &r.CapturedAt, &r.DecidedAt} {
		*t = t.UTC()
	}
	if r.ManualCheck != nil {
		m := *r.ManualCheck
		m.At = m.At.UTC()
		r.ManualCheck = &m
	}
	return json.Marshal(r)
}

// List returns the results of a date (UTC, of the encounter's end), in
// arrival order; station, when set, keeps only that station's.
func (s *Store) List(ctx context.Context, date, station string) ([]transmit.Stored, error) {
	q := `SELECT seq, body, received_at FROM results WHERE result_date = ?`
	args := []any{date}
	if s.pg {
		d, err := time.Parse(time.DateOnly, date)
		if err != nil {
			return nil, fmt.Errorf("list results: date %q: %w", date, err)
		}
		args[0] = d
	}
	if station != "" {
		q += ` AND station = ?`
		args = append(args, station)
	}
	return s.list(ctx, q+` ORDER BY seq`, args...)
}

// ListStation returns every result of a station, in arrival order.
func (s *Store) ListStation(ctx context.Context, station string) ([]transmit.Stored, error) {
	return s.list(ctx, `SELECT seq, body, received_at FROM results WHERE station = ? ORDER BY seq`, station)
}

func (s *Store) list(ctx context.Context, q string, args ...any) ([]transmit.Stored, error) {
	rows, err := s.DB.QueryContext(ctx, s.Rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("list results: %w", err)
	}
	defer rows.Close()
	out := []transmit.Stored{}
	for rows.Next() {
		var st transmit.Stored
		var body []byte
		var at any
		if err := rows.Scan(&st.Seq, &body, &at); err != nil {
			return nil, fmt.Errorf("list results: %w", err)
		}
		if err := json.Unmarshal(body, &st.Result); err != nil {
			return nil, fmt.Errorf("stored result %d unreadable: %w", st.Seq, err)
		}
		if st.EncounterID, err = transmit.CanonicalID(st.EncounterID); err != nil {
			return nil, fmt.Errorf("stored result %d: %w", st.Seq, err)
		}
		switch v := at.(type) {
		case time.Time:
			st.ReceivedAt = v.UTC()
		case string:
			st.ReceivedAt, _ = time.Parse(time.RFC3339Nano, v)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// Count is the number of results stored.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM results`).Scan(&n)
	return n, err
}

// setAsideLegacy renames the one-table results store of earlier versions
// (encounter_id, result_date, received_at, body; made without migrations)
// so the migrated table can take its name.
func (s *Store) setAsideLegacy(ctx context.Context) (bool, error) {
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('results') WHERE name = 'body'`).Scan(&n)
	if err != nil || n == 0 {
		return false, err
	}
	var seq int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('results') WHERE name = 'seq'`).Scan(&seq); err != nil || seq > 0 {
		return false, err
	}
	if _, err := s.DB.ExecContext(ctx, `ALTER TABLE results RENAME TO results_legacy`); err != nil {
		return false, fmt.Errorf("set aside the earlier results table: %w", err)
	}
	return true, nil
}

// importLegacy moves the earlier table's results into the migrated one, in
// their arrival order, then drops it.
func (s *Store) importLegacy(ctx context.Context) error {
	rows, err := s.DB.QueryContext(ctx, `SELECT body, received_at FROM results_legacy ORDER BY rowid`)
	if err != nil {
		return fmt.Errorf("read the earlier results table: %w", err)
	}
	type old struct {
		body []byte
		at   string
	}
	var all []old
	for rows.Next() {
		var o old
		if err := rows.Scan(&o.body, &o.at); err != nil {
			rows.Close()
			return fmt.Errorf("read the earlier results table: %w", err)
		}
		all = append(all, o)
	}
	rows.Close()
	for _, o := range all {
		var r transmit.Result
		if json.Unmarshal(o.body, &r) != nil {
			continue
		}
		if r.EncounterID, err = transmit.CanonicalID(r.EncounterID); err != nil {
			continue
		}
		at, _ := time.Parse(time.RFC3339Nano, o.at)
		if _, err := s.Put(ctx, &r, o.body, at); err != nil && !errors.Is(err, ErrConflict) {
			return err // a conflicting later copy is dropped: the first one stands
		}
	}
	_, err = s.DB.ExecContext(ctx, `DROP TABLE results_legacy`)
	return err
}
