package officer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"veriport/record"
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

// ErrDemoOfficer means the demo officer was offered to an operational store:
// its credentials are public, so it exists only in the demo profile's own.
var ErrDemoOfficer = errors.New("the demo officer exists only in the demo profile's store")

// AuditOfficerDisabled is the audit kind of an officer account disabled.
const AuditOfficerDisabled = "officer-disabled"

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

// RetireDemoOfficer disables a demo officer found in an operational store
// (left there by an earlier version) and puts that on the audit chain, in
// one transaction. It reports whether an enabled demo officer was found.
func RetireDemoOfficer(ctx context.Context, st *record.Store) (bool, error) {
	tx, err := st.DB.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("retire demo officer: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE officers SET disabled = 1 WHERE id = ? AND NOT disabled`, DemoOfficerID)
	if err != nil {
		return false, fmt.Errorf("retire demo officer: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	if _, err := record.AppendAudit(ctx, tx, record.AuditEvent{Kind: AuditOfficerDisabled, Actor: "system",
		Subject: DemoOfficerID, Detail: `{"reason":"demo officer in an operational store"}`}); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("retire demo officer: %w", err)
	}
	return true, nil
}

// IsDemoStore reports whether st is a demo profile's store: one where the
// demo officer is enabled. An operational store never has it enabled
// (RetireDemoOfficer at every start, ErrDemoOfficer on enable), so its
// reports are never marked DEMO by mistake.
func IsDemoStore(ctx context.Context, db record.DBTX) (bool, error) {
	o, err := record.GetOfficer(ctx, db, DemoOfficerID)
	if errors.Is(err, record.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("demo store check: %w", err)
	}
	return !o.Disabled, nil
}
