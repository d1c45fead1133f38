package record

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Officer roles.
const (
	RoleOfficer    = "officer"
	RoleSupervisor = "supervisor"
)

// Officer is a person who logs in at the station. PINHash and TOTPSecret are
// written by the officer workflow; this package only stores them.
type Officer struct {
	ID           string
	Name         string
	Role         string
	PINHash      string
	TOTPSecret   string
	FailedLogins int
	LockedUntil  time.Time
	// LastTOTPCounter is the time step of the last accepted code (replay refusal).
	LastTOTPCounter uint64
	CreatedAt       time.Time
	Disabled        bool
}

// InsertOfficer adds o; a duplicate id is an error.
func InsertOfficer(ctx context.Context, q DBTX, o Officer) error {
	if o.CreatedAt.IsZero() {
		o.CreatedAt = time.Now()
	}
	_, err := q.ExecContext(ctx, `INSERT INTO officers
		(id, name, role, pin_hash, totp_secret, failed_logins, locked_until, last_totp_counter, created_at, disabled)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, o.ID, o.Name, o.Role, o.PINHash, o.TOTPSecret,
		o.FailedLogins, nullTime(o.LockedUntil), int64(o.LastTOTPCounter), FormatTime(o.CreatedAt), o.Disabled)
	if err != nil {
		return fmt.Errorf("insert officer %s: %w", o.ID, err)
	}
	return nil
}

// GetOfficer reads one officer; ErrNotFound when there is none.
func GetOfficer(ctx context.Context, q DBTX, id string) (Officer, error) {
	var o Officer
	var locked, created sql.NullString
	var counter int64
	err := q.QueryRowContext(ctx, `SELECT id, name, role, pin_hash, totp_secret, failed_logins,
		locked_until, last_totp_counter, created_at, disabled FROM officers WHERE id = ?`, id).Scan(&o.ID, &o.Name,
		&o.Role, &o.PINHash, &o.TOTPSecret, &o.FailedLogins, &locked, &counter, &created, &o.Disabled)
	o.LastTOTPCounter = uint64(counter)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("officer %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("read officer %s: %w", id, err)
	}
	if o.LockedUntil, err = scanTime(locked); err == nil {
		o.CreatedAt, err = scanTime(created)
	}
	return o, err
}

// UpdateOfficerLogin saves the login state of an officer: consecutive
// failures, lock, and the last accepted TOTP time step.
func UpdateOfficerLogin(ctx context.Context, q DBTX, id string, failures int, lockedUntil time.Time, lastTOTP uint64) error {
	res, err := q.ExecContext(ctx, `UPDATE officers SET failed_logins = ?, locked_until = ?, last_totp_counter = ?
		WHERE id = ?`, failures, nullTime(lockedUntil), int64(lastTOTP), id)
	if err != nil {
		return fmt.Errorf("update officer %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("officer %s: %w", id, ErrNotFound)
	}
	return nil
}
