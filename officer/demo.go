package officer

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The demo officer of the demo profile (the workstation on the demo video).
// Its credentials are public, documented in README.md ("Demo profile"):
// never create it in a non-demo configuration.
const (
	DemoOfficerID = "demo"
	DemoPIN       = "123456"
	// DemoTOTPSecret is the fixed base32 TOTP secret: add it to any
	// authenticator app (SHA-1, 6 digits, 30 s) to compute the demo code.
	DemoTOTPSecret = "VERIPORTDEMOOFFICERAAAAAAAAAAAAA"
	demoName       = "Demo Officer"
)

// EnsureDemoOfficer creates the demo officer with the fixed PIN and TOTP
// secret if it is absent; an existing account is left as it is. Call it
// only in the demo profile.
func (a *Authenticator) EnsureDemoOfficer(ctx context.Context) (created bool, err error) {
	if _, err := a.store.Account(ctx, DemoOfficerID); err == nil {
		return false, nil
	} else if !errors.Is(err, ErrUnknownOfficer) {
		return false, fmt.Errorf("demo officer: %w", err)
	}
	hash, err := HashPIN(DemoPIN, a.params)
	if err != nil {
		return false, fmt.Errorf("demo officer: %w", err)
	}
	acct := Account{ID: DemoOfficerID, Name: demoName, Role: RoleOfficer, PINHash: hash, TOTPSecret: DemoTOTPSecret}
	if err := a.store.Create(ctx, acct); err != nil {
		return false, fmt.Errorf("demo officer: %w", err)
	}
	a.log.Info("demo officer created", "officer", DemoOfficerID)
	return true, nil
}

// DemoCode is the demo officer's current TOTP code, for the DEMO hint on
// the login screen.
func DemoCode(now time.Time) string {
	c, err := TOTPCode(DemoTOTPSecret, now)
	if err != nil {
		return "unavailable"
	}
	return c
}
