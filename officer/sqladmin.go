package officer

import (
	"context"
	"errors"
	"fmt"

	"veriport/record"
)

var _ AdminStore = (*SQLStore)(nil)

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

// SetDisabled implements AdminStore.
func (s *SQLStore) SetDisabled(ctx context.Context, id string, disabled bool) error {
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
