package record

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrNoPending means the outbox holds nothing to send.
var ErrNoPending = errors.New("outbox empty")

// Execer is what Enqueue needs: a *sql.Tx (so the result is written in the
// same transaction as its encounter) or the *sql.DB itself.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// OutboxItem is one result message in the outbox.
type OutboxItem struct {
	Seq         int64
	EncounterID string
	CreatedAt   time.Time
	Payload     []byte // the result message as the back end receives it
	Photo       []byte // sealed probe photo sent with it (partner mode), or nil
	Attempts    int
	NextAttempt time.Time // zero: send now
	LastError   string
	DeliveredAt time.Time // zero while pending
	DeadAt      time.Time // when it was dead-lettered; zero otherwise
}

// OutboxStats summarises the outbox for the status bar and `veriport outbox`.
type OutboxStats struct {
	Pending       int       `json:"pending"`
	Delivered     int       `json:"delivered"`
	Dead          int       `json:"dead"` // refused by the back end for good
	OldestPending time.Time `json:"oldest_pending_at,omitempty"`
	LastDelivered time.Time `json:"last_delivered_at,omitempty"`
	LastError     string    `json:"last_error,omitempty"`
	// Blocked is the cause ("clock", "config") the head of the outbox is
	// not accepted for, when it is the booth's and not the message's: the
	// results wait and are resent, and the alarm names it. Empty otherwise.
	Blocked string `json:"blocked,omitempty"`
}

// ts writes an outbox time as every time column here: fixed width (TimeFormat).
func ts(t time.Time) any { return nullTime(t) }

func parseTS(s sql.NullString) time.Time {
	t, _ := scanTime(s)
	return t
}

// Enqueue writes a result message for encounterID, with the sealed probe
// photo when one goes with it (nil otherwise). A second message for the same
// encounter is ignored: the encounter id is the idempotency key.
func Enqueue(ctx context.Context, ex Execer, encounterID string, payload, photo []byte, at time.Time) error {
	_, err := ex.ExecContext(ctx,
		`INSERT INTO outbox(encounter_id, created_at, payload, photo) VALUES(?, ?, ?, ?)
		 ON CONFLICT(encounter_id) DO NOTHING`, encounterID, ts(at), payload, photo)
	if err != nil {
		return fmt.Errorf("enqueue result %s: %w", encounterID, err)
	}
	return nil
}

// OutboxHead returns the oldest undelivered message; ErrNoPending if none.
// Messages go out strictly in order, so only the head is ever attempted.
func (s *Store) OutboxHead(ctx context.Context) (OutboxItem, error) {
	var it OutboxItem
	var created, next sql.NullString
	var lastErr sql.NullString
	err := s.DB.QueryRowContext(ctx,
		`SELECT seq, encounter_id, created_at, payload, photo, attempts, next_attempt_at, last_error
		 FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL ORDER BY seq LIMIT 1`).
		Scan(&it.Seq, &it.EncounterID, &created, &it.Payload, &it.Photo, &it.Attempts, &next, &lastErr)
	if errors.Is(err, sql.ErrNoRows) {
		return OutboxItem{}, ErrNoPending
	}
	if err != nil {
		return OutboxItem{}, fmt.Errorf("read outbox: %w", err)
	}
	it.CreatedAt, it.NextAttempt, it.LastError = parseTS(created), parseTS(next), lastErr.String
	return it, nil
}

// MarkDelivered records the back end's acknowledgment of a message and
// drops the sealed photo that went with it.
func (s *Store) MarkDelivered(ctx context.Context, seq int64, ack string, at time.Time) error {
	return s.MarkDeliveredWith(ctx, seq, ack, at, nil)
}

// MarkDeliveredWith is MarkDelivered with also (when not nil) run in the
// same transaction: the delivery and what it triggers (the encounter's
// acknowledgment) commit together or not at all.
func (s *Store) MarkDeliveredWith(ctx context.Context, seq int64, ack string, at time.Time,
	also func(context.Context, *sql.Tx) error) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("mark result delivered: %w", err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx,
		`UPDATE outbox SET delivered_at = ?, ack = ?, last_error = NULL, last_cause = NULL, last_attempt_at = ?,
		 attempts = attempts + 1, photo = NULL WHERE seq = ? AND delivered_at IS NULL`, ts(at), ack, ts(at), seq)
	if err != nil {
		return fmt.Errorf("mark result delivered: %w", err)
	}
	if also != nil {
		if err := also(ctx, tx); err != nil {
			return fmt.Errorf("mark result delivered: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("mark result delivered: %w", err)
	}
	return nil
}

// MarkFailed records a failed attempt and when to try again.
func (s *Store) MarkFailed(ctx context.Context, seq int64, reason string, at, next time.Time) error {
	return s.MarkBlocked(ctx, seq, "", reason, at, next)
}

// MarkBlocked is MarkFailed for a failure whose cause is the booth's clock
// or configuration (cause "clock", "config"; "" for a temporary failure):
// the message is resent at next, and OutboxStats.Blocked names the cause
// while it is the head of the outbox.
func (s *Store) MarkBlocked(ctx context.Context, seq int64, cause, reason string, at, next time.Time) error {
	_, err := s.DB.ExecContext(ctx,
		`UPDATE outbox SET attempts = attempts + 1, last_error = ?, last_attempt_at = ?,
		 next_attempt_at = ?, last_cause = NULLIF(?, '') WHERE seq = ? AND delivered_at IS NULL`,
		reason, ts(at), ts(next), cause, seq)
	if err != nil {
		return fmt.Errorf("mark result failed: %w", err)
	}
	return nil
}

// MarkDead moves a message the back end refused for good to the dead
// letters, with the reason; it is never resent.
func (s *Store) MarkDead(ctx context.Context, seq int64, reason string, at time.Time) error {
	_, err := s.DB.ExecContext(ctx,
		`UPDATE outbox SET attempts = attempts + 1, last_error = ?, last_attempt_at = ?, dead_at = ?,
		 next_attempt_at = NULL, last_cause = NULL WHERE seq = ? AND delivered_at IS NULL`, reason, ts(at), ts(at), seq)
	if err != nil {
		return fmt.Errorf("dead-letter result: %w", err)
	}
	return nil
}

// DeadLetters lists the dead-lettered messages in outbox order (without
// their payload or photo).
func (s *Store) DeadLetters(ctx context.Context) ([]OutboxItem, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT seq, encounter_id, created_at, attempts,
		 COALESCE(last_error, ''), dead_at FROM outbox WHERE dead_at IS NOT NULL ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("read dead letters: %w", err)
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		var it OutboxItem
		var created, dead sql.NullString
		if err := rows.Scan(&it.Seq, &it.EncounterID, &created, &it.Attempts, &it.LastError, &dead); err != nil {
			return nil, fmt.Errorf("read dead letters: %w", err)
		}
		it.CreatedAt, it.DeadAt = parseTS(created), parseTS(dead)
		out = append(out, it)
	}
	return out, rows.Err()
}

// OutboxStats counts pending, delivered and dead-lettered messages.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	var oldest, last, lastErr, blocked sql.NullString
	err := s.DB.QueryRowContext(ctx, `SELECT
		 (SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL),
		 (SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL),
		 (SELECT COUNT(*) FROM outbox WHERE dead_at IS NOT NULL),
		 (SELECT MIN(created_at) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL),
		 (SELECT MAX(delivered_at) FROM outbox),
		 (SELECT last_error FROM outbox WHERE last_error IS NOT NULL AND delivered_at IS NULL
		  ORDER BY last_attempt_at DESC LIMIT 1),
		 (SELECT last_cause FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL ORDER BY seq LIMIT 1)`).
		Scan(&st.Pending, &st.Delivered, &st.Dead, &oldest, &last, &lastErr, &blocked)
	if err != nil {
		return OutboxStats{}, fmt.Errorf("outbox stats: %w", err)
	}
	st.OldestPending, st.LastDelivered, st.LastError = parseTS(oldest), parseTS(last), lastErr.String
	st.Blocked = blocked.String
	return st, nil
}
