package record

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// The photo's life on the record, as retention drives it: what the vault
// should hold, what is due, and the state changes of a purge. Retention
// calls these; no other package writes SQL on the encounters, the outbox,
// the audit log or the purge log (scripts/check-layering.sh).

// StoredPhoto is a photo the record says is in the vault.
type StoredPhoto struct {
	ID      string
	Bucket  string
	Purging bool // a purge run has started deleting it
	Due     bool // its deadline has passed at the time asked
}

// StoredPhotos lists every photo the record says is in the vault (stored,
// or being purged), with whether it is due at now.
func StoredPhotos(ctx context.Context, q DBTX, now time.Time) ([]StoredPhoto, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(vault_bucket, ''), photo_state = 'purging',
		COALESCE(purge_deadline <= ?, 0)
		FROM encounters WHERE photo_state IN ('stored', 'purging')`, FormatTime(now))
	if err != nil {
		return nil, fmt.Errorf("stored photos: %w", err)
	}
	defer rows.Close()
	var out []StoredPhoto
	for rows.Next() {
		var p StoredPhoto
		if err := rows.Scan(&p.ID, &p.Bucket, &p.Purging, &p.Due); err != nil {
			return nil, fmt.Errorf("stored photos: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// VaultSummary is how many photos the record says are in the vault and the
// earliest of their deadlines (zero when none).
func VaultSummary(ctx context.Context, q DBTX) (stored int, next time.Time, err error) {
	var n sql.NullString
	err = q.QueryRowContext(ctx, `SELECT COUNT(*), MIN(purge_deadline) FROM encounters
		WHERE photo_state IN ('stored', 'purging')`).Scan(&stored, &n)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("vault summary: %w", err)
	}
	next, _ = scanTime(n)
	return stored, next, nil
}

// CountOverdue is how many photos are still in the vault with a deadline
// before before.
func CountOverdue(ctx context.Context, q DBTX, before time.Time) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM encounters WHERE photo_state IN ('stored', 'purging')
		AND purge_deadline < ?`, FormatTime(before)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count overdue photos: %w", err)
	}
	return n, nil
}

// DuePhoto is a photo in the vault whose deadline has passed.
type DuePhoto struct {
	ID, Category         string
	CapturedAt           time.Time
	VerifiedAt, Deadline time.Time
	State                string // PhotoStored or PhotoPurging
	Bucket               string
	Acknowledged         bool // the back end acknowledged its result
	DeadLettered         bool // its result was refused for good
}

// DuePhotos is the next batch of at most limit photos due at now, in
// (deadline, id) order after the cursor (afterDeadline, afterID).
func DuePhotos(ctx context.Context, q DBTX, now, afterDeadline time.Time, afterID string, limit int) ([]DuePhoto, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, category, captured_at, verified_at, purge_deadline,
		photo_state, COALESCE(vault_bucket, ''), acknowledged_at IS NOT NULL,
		EXISTS (SELECT 1 FROM outbox o WHERE o.encounter_id = encounters.id AND o.dead_at IS NOT NULL) FROM encounters
		WHERE photo_state IN ('stored', 'purging') AND purge_deadline <= ?
		  AND (purge_deadline, id) > (?, ?)
		ORDER BY purge_deadline, id LIMIT ?`,
		FormatTime(now), FormatTime(afterDeadline), afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("select due photos: %w", err)
	}
	defer rows.Close()
	var out []DuePhoto
	for rows.Next() {
		var p DuePhoto
		var c, v, d sql.NullString
		if err := rows.Scan(&p.ID, &p.Category, &c, &v, &d, &p.State, &p.Bucket, &p.Acknowledged, &p.DeadLettered); err != nil {
			return nil, fmt.Errorf("select due photos: %w", err)
		}
		p.CapturedAt, _ = time.Parse(time.RFC3339Nano, c.String)
		p.VerifiedAt, _ = time.Parse(time.RFC3339Nano, v.String)
		p.Deadline, _ = time.Parse(time.RFC3339Nano, d.String)
		out = append(out, p)
	}
	return out, rows.Err()
}

// MarkPhotosPurging marks the stored photos among ids as being purged.
func MarkPhotosPurging(ctx context.Context, q DBTX, ids []string) error {
	// "+photo_state" keeps SQLite on the primary key rather than scanning
	// every stored photo through the photo_state index.
	return inChunks(ids, func(part []any) error {
		_, err := q.ExecContext(ctx, `UPDATE encounters SET photo_state = 'purging' WHERE +photo_state = 'stored'
			AND id IN (?`+strings.Repeat(",?", len(part)-1)+`)`, part...)
		if err != nil {
			return fmt.Errorf("mark purging: %w", err)
		}
		return nil
	})
}

// MarkPhotosPurged marks the photos of ids purged at at.
func MarkPhotosPurged(ctx context.Context, q DBTX, at time.Time, ids []string) error {
	return inChunks(ids, func(part []any) error {
		_, err := q.ExecContext(ctx, `UPDATE encounters SET photo_state = 'purged', purged_at = ? WHERE id IN (?`+
			strings.Repeat(",?", len(part)-1)+`)`, append([]any{FormatTime(at)}, part...)...)
		if err != nil {
			return fmt.Errorf("mark %d photos purged: %w", len(part), err)
		}
		return nil
	})
}

// MarkPhotoLost turns a stored photo whose file is missing into "lost" at
// now.
func MarkPhotoLost(ctx context.Context, q DBTX, id string, now time.Time) error {
	_, err := q.ExecContext(ctx, `UPDATE encounters SET photo_state = ?, purged_at = ? WHERE id = ? AND photo_state = ?`,
		PhotoLost, FormatTime(now), id, PhotoStored)
	if err != nil {
		return fmt.Errorf("mark %s lost: %w", id, err)
	}
	return nil
}

// MarkPhotoFailed records that the encounter's photo could not be stored:
// no deadline, no bucket.
func MarkPhotoFailed(ctx context.Context, q DBTX, id string) error {
	_, err := q.ExecContext(ctx, `UPDATE encounters SET photo_state = ?, purge_deadline = NULL,
		vault_bucket = NULL WHERE id = ?`, PhotoFailed, id)
	if err != nil {
		return fmt.Errorf("mark %s photo failed: %w", id, err)
	}
	return nil
}

// DropQueuedPhotos removes the sealed copies of the encounters' photos
// queued in the outbox for the back end; their result messages stay.
func DropQueuedPhotos(ctx context.Context, q DBTX, ids ...string) error {
	return inChunks(ids, func(part []any) error {
		_, err := q.ExecContext(ctx, `UPDATE outbox SET photo = NULL WHERE photo IS NOT NULL AND encounter_id IN (?`+
			strings.Repeat(",?", len(part)-1)+`)`, part...)
		if err != nil {
			return fmt.Errorf("drop queued photos of %d encounters: %w", len(part), err)
		}
		return nil
	})
}

// BucketsWithoutPhotos are the vault's key buckets no photo in the vault
// (stored or being purged) is sealed under any more.
func BucketsWithoutPhotos(ctx context.Context, q DBTX) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT bucket FROM vault_keys k WHERE NOT EXISTS (
		SELECT 1 FROM encounters e WHERE e.vault_bucket = k.bucket AND e.photo_state IN ('stored', 'purging'))`)
	if err != nil {
		return nil, fmt.Errorf("find empty buckets: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("find empty buckets: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// FinishEncounter writes how an encounter ended, from e: end time, result,
// referral, verification, manual check, category, exemption, and the
// photo's deadline, bucket and rules version.
func FinishEncounter(ctx context.Context, q DBTX, e *Encounter) error {
	_, err := q.ExecContext(ctx, `UPDATE encounters SET done_at = ?, result = ?, referral = ?, verified_at = ?,
		manual_check_at = ?, category = ?, purge_deadline = ?, vault_bucket = ?, rules_version = ?,
		exemption_reason = ?, rule_set = ? WHERE id = ?`,
		nullTime(e.DoneAt), e.Result, e.Referral, nullTime(e.VerifiedAt), nullTime(e.ManualCheckAt),
		e.Category, nullTime(e.PurgeDeadline), nullString(e.VaultBucket), e.RulesVersion, e.ExemptionReason, e.RuleSet, e.ID)
	if err != nil {
		return fmt.Errorf("write the end of encounter %s: %w", e.ID, err)
	}
	return nil
}

// RetentionField is a column of an encounter that retention sets alone,
// with the photo's deadline and bucket (SetRetentionField).
type RetentionField string

// The columns SetRetentionField sets.
const (
	FieldVerifiedAt     RetentionField = "verified_at"
	FieldCategory       RetentionField = "category"
	FieldAcknowledgedAt RetentionField = "acknowledged_at"
	FieldPurgeDeadline  RetentionField = "purge_deadline"
)

// SetRetentionField sets field to value (a time is written as every time
// column) together with the photo's deadline and bucket. With
// FieldPurgeDeadline the deadline given wins (it is the later assignment).
func SetRetentionField(ctx context.Context, q DBTX, id string, field RetentionField, value any,
	deadline time.Time, bucket string) error {
	switch field {
	case FieldVerifiedAt, FieldCategory, FieldAcknowledgedAt, FieldPurgeDeadline:
	default:
		return fmt.Errorf("update encounter %s: %q is not a retention field", id, field)
	}
	if t, ok := value.(time.Time); ok {
		value = FormatTime(t)
	}
	_, err := q.ExecContext(ctx, `UPDATE encounters SET `+string(field)+` = ?, purge_deadline = ?, vault_bucket = ? WHERE id = ?`,
		value, nullTime(deadline), nullString(bucket), id)
	if err != nil {
		return fmt.Errorf("update encounter %s: %w", id, err)
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// sqlVarChunk bounds the ids bound into one IN (...) list, far below
// SQLite's limit on bound parameters.
const sqlVarChunk = 500

// inChunks calls fn with ids in parts of at most sqlVarChunk.
func inChunks(ids []string, fn func(part []any) error) error {
	for len(ids) > 0 {
		n := min(len(ids), sqlVarChunk)
		part := make([]any, n)
		for i, id := range ids[:n] {
			part[i] = id
		}
		if err := fn(part); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}
