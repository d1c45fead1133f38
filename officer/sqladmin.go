package officer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"veriport/record"
)

var _ TxAdminStore = (*SQLStore)(nil)

// Atomically implements TxAdminStore: fn's change and its audit entry are
// written in one transaction of the record store (or in the transaction
// s.DB already is).
func (s *SQLStore) Atomically(ctx context.Context, fn func(st AdminStore, audit AuditFunc) error) error {
	var tx *sql.Tx
	switch db := s.DB.(type) {
	case *sql.Tx:
		tx = db
	case *sql.DB:
		var err error
		if tx, err = db.BeginTx(ctx, nil); err != nil {
			return fmt.Errorf("officer change: %w", err)
		}
		defer tx.Rollback()
	default:
		return fmt.Errorf("officer change: the officer store %T cannot open a transaction", s.DB)
	}
	ts := *s
	ts.DB = tx
	audit := func(ctx context.Context, kind, actor, subject, detail string) error {
		_, err := record.AppendAudit(ctx, tx, record.AuditEvent{Kind: kind, Actor: actor, Subject: subject, Detail: detail})
		return err
	}
	if err := fn(&ts, audit); err != nil {
		return err
	}
	if _, own := s.DB.(*sql.DB); own {
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("officer change: %w", err)
		}
	}
	return nil
}

// List implements AdminStore.
func (s *SQLStore) List(ctx context.Context) ([]Summary, error) {
	rows, err := record.ListOfficers(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, len(rows))
	for i, o := range rows {
		out[i] = Summary{ID: o.ID, Name: o.Name, Role: Role(o.Role), Disabled: o.Disabled,
			Failures: o.FailedLogins, LockedUntil: o.LockedUntil}
	}
	return out, nil
}

// Unlock implements AdminStore.
func (s *SQLStore) Unlock(ctx context.Context, id string) error {
	return unknown(id, record.UnlockOfficer(ctx, s.DB, id))
}

// SetDisabled implements AdminStore. The demo officer (public credentials)
// is never enabled outside the demo profile's own store.
func (s *SQLStore) SetDisabled(ctx context.Context, id string, disabled bool) error {
	if id == DemoOfficerID && !disabled && !s.DemoProfile {
		return fmt.Errorf("officer %q: %w", id, ErrDemoOfficer)
	}
	return unknown(id, record.SetOfficerDisabled(ctx, s.DB, id, disabled))
}

// SetPINHash implements AdminStore.
func (s *SQLStore) SetPINHash(ctx context.Context, id, hash string) error {
	return unknown(id, record.SetOfficerPIN(ctx, s.DB, id, hash))
}

// SetTOTPSecret implements AdminStore; the secret is sealed like at enrolment.
func (s *SQLStore) SetTOTPSecret(ctx context.Context, id, secret string) error {
	if s.Secrets != nil {
		var err error
		if secret, err = s.Secrets.Seal(id, secret); err != nil {
			return err
		}
	}
	return unknown(id, record.SetOfficerTOTPSecret(ctx, s.DB, id, secret))
}

// unknown turns the record store's not-found into ErrUnknownOfficer.
func unknown(id string, err error) error {
	if errors.Is(err, record.ErrNotFound) {
		return fmt.Errorf("officer %q: %w", id, ErrUnknownOfficer)
	}
	return err
}
