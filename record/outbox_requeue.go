package record

import (
	"context"
	"fmt"
	"time"
)

// AuditOutboxRequeued is the audit kind of a dead letter put back in the
// outbox to be sent again.
const AuditOutboxRequeued = "outbox-requeued"

// RequeueDead puts dead letters back in the outbox, in their own place (by
// sequence), to be sent at once: those of encounterIDs, or every dead
// letter when encounterIDs is empty. Each one gets an audit entry by actor
// in the same transaction, so none is requeued unaudited. An id that is
// not a dead letter fails the whole call (nothing changes) with
// ErrNotFound. It returns the encounter ids requeued, in outbox order.
func (s *Store) RequeueDead(ctx context.Context, encounterIDs []string, actor string, at time.Time) ([]string, error) {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("requeue dead letters: %w", err)
	}
	defer tx.Rollback()
	type letter struct {
		id       string
		attempts int
		dead     string
	}
	var letters []letter
	if len(encounterIDs) == 0 {
		rows, err := tx.QueryContext(ctx, `SELECT encounter_id, attempts, dead_at FROM outbox
			 WHERE dead_at IS NOT NULL AND delivered_at IS NULL ORDER BY seq`)
		if err != nil {
			return nil, fmt.Errorf("requeue dead letters: %w", err)
		}
		for rows.Next() {
			var l letter
			if err := rows.Scan(&l.id, &l.attempts, &l.dead); err != nil {
				rows.Close()
				return nil, fmt.Errorf("requeue dead letters: %w", err)
			}
			letters = append(letters, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("requeue dead letters: %w", err)
		}
	}
	seen := map[string]bool{}
	for _, id := range encounterIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		var l letter
		err := tx.QueryRowContext(ctx, `SELECT encounter_id, attempts, dead_at FROM outbox
			 WHERE encounter_id = ? AND dead_at IS NOT NULL AND delivered_at IS NULL`, id).
			Scan(&l.id, &l.attempts, &l.dead)
		if err != nil {
			return nil, fmt.Errorf("requeue %s: no dead letter for this encounter: %w", id, ErrNotFound)
		}
		letters = append(letters, l)
	}
	done := make([]string, 0, len(letters))
	for _, l := range letters {
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET dead_at = NULL, next_attempt_at = NULL,
			 last_cause = NULL WHERE encounter_id = ?`, l.id); err != nil {
			return nil, fmt.Errorf("requeue %s: %w", l.id, err)
		}
		if _, err := AppendAudit(ctx, tx, AuditEvent{At: at, Kind: AuditOutboxRequeued, Actor: actor, Subject: l.id,
			Detail: fmt.Sprintf("dead-lettered %s after %d attempts; sent again", l.dead, l.attempts)}); err != nil {
			return nil, err
		}
		done = append(done, l.id)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("requeue dead letters: %w", err)
	}
	return done, nil
}
