package transmit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	_ "github.com/mattn/go-sqlite3" // database/sql driver "sqlite3"
)

// maxResultBytes bounds one result message (a partner photo included).
const maxResultBytes = 8 << 20

// Receiver is the reference back end's results endpoint: it stores each
// result once (SQLite), acknowledges it, and acknowledges a duplicate without
// storing it again. Mount it at ResultsPath.
type Receiver struct {
	db  *sql.DB
	log *slog.Logger
	// BeforeAck, if set, runs after a result is stored and before the answer
	// is written (tests use it to drop the connection at that moment).
	BeforeAck func(w http.ResponseWriter, r *http.Request)
}

// Stored is a result as the back end holds it.
type Stored struct {
	Result
	ReceivedAt time.Time `json:"received_at"`
}

// OpenReceiver opens (creating) the receiver's database at path.
func OpenReceiver(ctx context.Context, path string, log *slog.Logger) (*Receiver, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("results database folder: %w", err)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open results database: %w", err)
	}
	db.SetMaxOpenConns(1)
	_, err = db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS results (
		encounter_id TEXT PRIMARY KEY,
		result_date  TEXT NOT NULL,
		received_at  TEXT NOT NULL,
		body         BLOB NOT NULL)`)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("create results table: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}
	return &Receiver{db: db, log: log}, nil
}

// Close closes the database.
func (rc *Receiver) Close() error { return rc.db.Close() }

// ServeHTTP accepts POST (one result) and GET ?date=YYYY-MM-DD (a listing).
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		rc.receive(w, r)
	case http.MethodGet:
		rc.list(w, r)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (rc *Receiver) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxResultBytes+1))
	if err != nil {
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	if len(body) > maxResultBytes {
		http.Error(w, "result message too large", http.StatusRequestEntityTooLarge)
		return
	}
	var res Result
	if err := json.Unmarshal(body, &res); err != nil {
		http.Error(w, "result is not valid JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	if err := res.Validate(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	now := time.Now().UTC()
	out, err := rc.db.ExecContext(r.Context(),
		`INSERT INTO results(encounter_id, result_date, received_at, body) VALUES(?, ?, ?, ?)
		 ON CONFLICT(encounter_id) DO NOTHING`,
		res.EncounterID, res.Time.UTC().Format(time.DateOnly), now.Format(time.RFC3339Nano), body)
	if err != nil {
		rc.log.Error("store result", "err", err)
		http.Error(w, "could not store result", http.StatusServiceUnavailable)
		return
	}
	n, _ := out.RowsAffected()
	if rc.BeforeAck != nil {
		rc.BeforeAck(w, r)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(Ack{EncounterID: res.EncounterID, Duplicate: n == 0, ReceivedAt: now})
}

func (rc *Receiver) list(w http.ResponseWriter, r *http.Request) {
	date := r.URL.Query().Get("date")
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		http.Error(w, "date must be YYYY-MM-DD", http.StatusBadRequest)
		return
	}
	list, err := rc.List(r.Context(), date)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(list)
}

// List returns the results of a date (UTC, of the encounter), in arrival order.
func (rc *Receiver) List(ctx context.Context, date string) ([]Stored, error) {
	rows, err := rc.db.QueryContext(ctx,
		`SELECT body, received_at FROM results WHERE result_date = ? ORDER BY rowid`, date)
	if err != nil {
		return nil, fmt.Errorf("list results: %w", err)
	}
	defer rows.Close()
	out := []Stored{}
	for rows.Next() {
		var body []byte
		var at string
		if err := rows.Scan(&body, &at); err != nil {
			return nil, err
		}
		var s Stored
		if err := json.Unmarshal(body, &s.Result); err != nil {
			return nil, fmt.Errorf("stored result unreadable: %w", err)
		}
		s.ReceivedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, s)
	}
	return out, rows.Err()
}

// Count is the number of results stored (tests).
func (rc *Receiver) Count(ctx context.Context) (int, error) {
	var n int
	err := rc.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM results`).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}
