package officer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"veriport/record"
)

// SQLStore keeps officer accounts in the record store's officers table. A
// disabled account reads as unknown: it cannot log in.
type SQLStore struct {
	DB record.DBTX
	// Secrets seals TOTP secrets at rest; nil stores them as they are
	// (tests only: the workstation and CLI always set it).
	Secrets *SecretSealer
	// DemoProfile marks the demo profile's own store: only there may the
	// demo officer (public credentials) be created.
	DemoProfile bool
}

var _ Store = (*SQLStore)(nil)

// Account implements Store.
func (s *SQLStore) Account(ctx context.Context, id string) (Account, error) {
	o, err := record.GetOfficer(ctx, s.DB, id)
	if errors.Is(err, record.ErrNotFound) || err == nil && o.Disabled {
		return Account{}, fmt.Errorf("officer %q: %w", id, ErrUnknownOfficer)
	}
	if err != nil {
		return Account{}, err
	}
	secret := o.TOTPSecret
	if s.Secrets != nil {
		if secret, err = s.Secrets.Open(o.ID, o.TOTPSecret); err != nil {
			return Account{}, err
		}
		if !Sealed(o.TOTPSecret) {
			if err := s.reseal(ctx, o.ID, o.TOTPSecret); err != nil {
				return Account{}, err
			}
		}
	}
	return Account{ID: o.ID, Name: o.Name, Role: Role(o.Role), PINHash: o.PINHash, TOTPSecret: secret,
		LoginState: LoginState{Failures: o.FailedLogins, LockedUntil: o.LockedUntil,
			LastTOTPCounter: o.LastTOTPCounter}}, nil
}

// Create implements Store.
func (s *SQLStore) Create(ctx context.Context, a Account) error {
	if a.ID == DemoOfficerID && !s.DemoProfile {
		return fmt.Errorf("officer %q: %w", a.ID, ErrDemoOfficer)
	}
	if _, err := record.GetOfficer(ctx, s.DB, a.ID); err == nil {
		return fmt.Errorf("officer %q: %w", a.ID, ErrOfficerExists)
	}
	secret := a.TOTPSecret
	if s.Secrets != nil {
		var err error
		if secret, err = s.Secrets.Seal(a.ID, a.TOTPSecret); err != nil {
			return err
		}
	}
	err := record.InsertOfficer(ctx, s.DB, record.Officer{ID: a.ID, Name: a.Name, Role: string(a.Role),
		PINHash: a.PINHash, TOTPSecret: secret, FailedLogins: a.Failures, LockedUntil: a.LockedUntil,
		LastTOTPCounter: a.LastTOTPCounter})
	if err != nil && strings.Contains(err.Error(), "UNIQUE") {
		return fmt.Errorf("officer %q: %w", a.ID, ErrOfficerExists)
	}
	return err
}

// SaveLoginState implements Store.
func (s *SQLStore) SaveLoginState(ctx context.Context, id string, ls LoginState) error {
	err := record.UpdateOfficerLogin(ctx, s.DB, id, ls.Failures, ls.LockedUntil, ls.LastTOTPCounter)
	if errors.Is(err, record.ErrNotFound) {
		return fmt.Errorf("officer %q: %w", id, ErrUnknownOfficer)
	}
	return err
}
