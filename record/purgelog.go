package record

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Purge-log kinds, methods and results.
const (
	PurgeKindPhoto   = "photo"   // an encounter's probe photo in the vault
	PurgeKindGallery = "gallery" // a flight gallery's templates
	// PurgeKindVaultFile is a vault file no record names (an orphan),
	// deleted by the start-up check.
	PurgeKindVaultFile = "vault-file"

	MethodVaultDelete = "vault-delete" // file removed; its bucket key destroyed once empty
	MethodCryptoErase = "crypto-erase" // data key destroyed
	MethodFileDelete  = "file-delete"  // a plain file removed
	ResultDeleted     = "deleted"      // it was there and is gone
	ResultAbsent      = "absent"       // nothing was on disk (a store that never finished)
	ResultFailed      = "failed"       // deletion failed; retried next run
	ResultDryRun      = "dry-run"      // reported only (never written to the log)
	ResultOrphan      = "orphan"       // a vault file no record named, deleted
	ResultLost        = "lost"         // recorded as stored, but no file was found
	MethodUnspecified = "unspecified"  // the caller gave no method
)

// purgeDetailMax bounds the detail text: a short reason, never data.
const purgeDetailMax = 200

// PurgeEntry is one row of the purge log: what was deleted, when it was due,
// when and how it went. It never holds a photo or template.
type PurgeEntry struct {
	Kind       string    `json:"kind"`       // PurgeKindPhoto, PurgeKindGallery...
	SubjectID  string    `json:"subject_id"` // encounter id, gallery id...
	Category   string    `json:"category,omitempty"`
	CapturedAt time.Time `json:"captured_at,omitzero"`
	VerifiedAt time.Time `json:"verified_at,omitzero"`
	Deadline   time.Time `json:"deadline,omitzero"`
	PurgedAt   time.Time `json:"purged_at"`
	Method     string    `json:"method"`
	Result     string    `json:"result"`
	Detail     string    `json:"detail,omitempty"` // short reason, e.g. an error class
}

// InsertPurge writes one purge-log row. A second row for the same photo is
// ignored (the log holds one row per deleted photo), so a purge run that is
// repeated after a crash stays consistent.
func InsertPurge(ctx context.Context, q DBTX, p PurgeEntry) error {
	return insertPurge(ctx, q, insertPurgeSQL, p)
}

const insertPurgeSQL = `INSERT OR IGNORE INTO purge_log
		(kind, subject_id, category, captured_at, verified_at, deadline, purged_at, method, result, detail)
		VALUES (?,?,?,?,?,?,?,?,?,?)`

// InsertPurges writes purge-log rows as InsertPurge does, through one
// prepared statement inside tx (a purge batch's rows in its transaction).
func InsertPurges(ctx context.Context, tx *sql.Tx, ps []PurgeEntry) error {
	if len(ps) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, insertPurgeSQL)
	if err != nil {
		return fmt.Errorf("purge log: %w", err)
	}
	defer st.Close()
	for _, p := range ps {
		if err := insertPurge(ctx, stmtExec{st}, "", p); err != nil {
			return err
		}
	}
	return nil
}

// execer runs one statement: a DBTX with its SQL, or a prepared statement.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// stmtExec runs its prepared statement, whatever query it is given.
type stmtExec struct{ st *sql.Stmt }

func (s stmtExec) ExecContext(ctx context.Context, _ string, args ...any) (sql.Result, error) {
	return s.st.ExecContext(ctx, args...)
}

func insertPurge(ctx context.Context, q execer, query string, p PurgeEntry) error {
	if p.Kind == "" || p.SubjectID == "" {
		return fmt.Errorf("purge log: kind and subject id are required")
	}
	if p.PurgedAt.IsZero() {
		p.PurgedAt = time.Now()
	}
	if p.Method == "" {
		p.Method = MethodUnspecified
	}
	if len(p.Detail) > purgeDetailMax {
		p.Detail = p.Detail[:purgeDetailMax]
	}
	_, err := q.ExecContext(ctx, query, p.Kind, p.SubjectID, p.Category, nullTime(p.CapturedAt),
		nullTime(p.VerifiedAt), nullTime(p.Deadline), FormatTime(p.PurgedAt), p.Method, p.Result, p.Detail)
	if err != nil {
		return fmt.Errorf("purge log %s %s: %w", p.Kind, p.SubjectID, err)
	}
	return nil
}

// ListPurges returns the purge log in the order it was written; kind "" is all.
func ListPurges(ctx context.Context, q DBTX, kind string) ([]PurgeEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, subject_id, category, captured_at, verified_at,
		deadline, purged_at, method, result, detail FROM purge_log
		WHERE ? = '' OR kind = ? ORDER BY id`, kind, kind)
	if err != nil {
		return nil, fmt.Errorf("read purge log: %w", err)
	}
	defer rows.Close()
	var out []PurgeEntry
	for rows.Next() {
		var p PurgeEntry
		var c, v, d, at sql.NullString
		if err := rows.Scan(&p.Kind, &p.SubjectID, &p.Category, &c, &v, &d, &at, &p.Method,
			&p.Result, &p.Detail); err != nil {
			return nil, fmt.Errorf("read purge log: %w", err)
		}
		for _, x := range []struct {
			dst *time.Time
			src sql.NullString
		}{{&p.CapturedAt, c}, {&p.VerifiedAt, v}, {&p.Deadline, d}, {&p.PurgedAt, at}} {
			if *x.dst, err = scanTime(x.src); err != nil {
				return nil, fmt.Errorf("purge log %s: %w", p.SubjectID, err)
			}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
