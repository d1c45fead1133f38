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
	CreatedAt    time.Time
	Disabled     bool
}

// InsertOfficer adds o; a duplicate id is an error.
func InsertOfficer(ctx context.Context, q DBTX, o Officer) error {
	if o.CreatedAt.IsZero() {
		o.CreatedAt = time.Now()
	}
	_, err := q.ExecContext(ctx, `INSERT INTO officers
		(id, name, role, pin_hash, totp_secret, failed_logins, locked_until, created_at, disabled)
		VALUES (?,?,?,?,?,?,?,?,?)`, o.ID, o.Name, o.Role, o.PINHash, o.TOTPSecret,
		o.FailedLogins, nullTime(o.LockedUntil), FormatTime(o.CreatedAt), o.Disabled)
	if err != nil {
		return fmt.Errorf("insert officer %s: %w", o.ID, err)
	}
	return nil
}

// GetOfficer reads one officer; ErrNotFound when there is none.
func GetOfficer(ctx context.Context, q DBTX, id string) (Officer, error) {
	var o Officer
	var locked, created sql.NullString
	err := q.QueryRowContext(ctx, `SELECT id, name, role, pin_hash, totp_secret, failed_logins,
		locked_until, created_at, disabled FROM officers WHERE id = ?`, id).Scan(&o.ID, &o.Name,
		&o.Role, &o.PINHash, &o.TOTPSecret, &o.FailedLogins, &locked, &created, &o.Disabled)
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
