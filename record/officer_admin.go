package record

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ListOfficers returns every officer, disabled ones included, by id.
// Credentials are read too: callers showing the list must leave them out.
func ListOfficers(ctx context.Context, q DBTX) ([]Officer, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, role, pin_hash, totp_secret, failed_logins,
		locked_until, last_totp_counter, created_at, disabled FROM officers ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list officers: %w", err)
	}
	defer rows.Close()
	var out []Officer
	for rows.Next() {
		var o Officer
		var locked, created sql.NullString
		var counter int64
		if err := rows.Scan(&o.ID, &o.Name, &o.Role, &o.PINHash, &o.TOTPSecret, &o.FailedLogins, &locked,
			&counter, &created, &o.Disabled); err != nil {
			return nil, fmt.Errorf("list officers: %w", err)
		}
		o.LastTOTPCounter = uint64(counter)
		if o.LockedUntil, err = scanTime(locked); err == nil {
			o.CreatedAt, err = scanTime(created)
		}
		if err != nil {
			return nil, fmt.Errorf("list officers: %s: %w", o.ID, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// SetOfficerDisabled disables or re-enables an officer's account.
func SetOfficerDisabled(ctx context.Context, q DBTX, id string, disabled bool) error {
	return updateOfficer(ctx, q, id, `UPDATE officers SET disabled = ? WHERE id = ?`, disabled, id)
}

// SetOfficerPIN replaces the PIN hash and clears failures and any lock.
func SetOfficerPIN(ctx context.Context, q DBTX, id, pinHash string) error {
	return updateOfficer(ctx, q, id, `UPDATE officers SET pin_hash = ?, failed_logins = 0, locked_until = NULL
		WHERE id = ?`, pinHash, id)
}

// SetOfficerTOTPSecret replaces the (sealed) TOTP secret; the last accepted
// time step restarts, as it belonged to the old secret.
func SetOfficerTOTPSecret(ctx context.Context, q DBTX, id, secret string) error {
	return updateOfficer(ctx, q, id, `UPDATE officers SET totp_secret = ?, last_totp_counter = 0 WHERE id = ?`,
		secret, id)
}

// UnlockOfficer clears an officer's failure count and lock.
func UnlockOfficer(ctx context.Context, q DBTX, id string) error {
	return updateOfficer(ctx, q, id, `UPDATE officers SET failed_logins = 0, locked_until = ? WHERE id = ?`,
		nullTime(time.Time{}), id)
}

func updateOfficer(ctx context.Context, q DBTX, id, query string, args ...any) error {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("update officer %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("officer %s: %w", id, ErrNotFound)
	}
	return nil
}
