package officer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Officer administration audit kinds: each change a supervisor makes to an
// account enters the audit chain under one of these.
const (
	AuditUnlocked  = "officer-unlocked"
	AuditDisabled  = "officer-disabled"
	AuditEnabled   = "officer-enabled"
	AuditPINReset  = "officer-pin-reset"
	AuditTOTPReset = "officer-totp-reset"
)

// Administration errors.
var (
	ErrNotSupervisor = errors.New("a supervisor's credentials are needed")
	ErrSelf          = errors.New("a supervisor cannot disable their own account")
)

// Summary is an account as the officer list shows it: no credential.
// Name is personal data: show it to a supervisor, never log it.
type Summary struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	Disabled    bool      `json:"disabled"`
	Failures    int       `json:"failures"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
}

// Locked reports whether the account is locked at now.
func (s Summary) Locked(now time.Time) bool { return now.Before(s.LockedUntil) }

// State is one word for the list: disabled, locked or active.
func (s Summary) State(now time.Time) string {
	switch {
	case s.Disabled:
		return "disabled"
	case s.Locked(now):
		return "locked"
	}
	return "active"
}

// AdminStore is a Store whose accounts a supervisor can list and change.
// Unlike Account, its methods see disabled accounts.
type AdminStore interface {
	Store
	// List returns every account, disabled ones included, by id.
	List(ctx context.Context) ([]Summary, error)
	// Unlock clears the failure count and the lock.
	Unlock(ctx context.Context, id string) error
	// SetDisabled disables or re-enables an account.
	SetDisabled(ctx context.Context, id string, disabled bool) error
	// SetPINHash replaces the PIN hash and clears failures and lock.
	SetPINHash(ctx context.Context, id, hash string) error
	// SetTOTPSecret replaces the TOTP secret and restarts replay refusal.
	SetTOTPSecret(ctx context.Context, id, secret string) error
}

// AuditFunc appends one entry to the audit chain.
type AuditFunc func(ctx context.Context, kind, actor, subject, detail string) error

// TxAdminStore is an AdminStore that applies a change and writes its audit
// entry in one transaction: Atomically runs fn with a store and an audit
// function bound to that transaction, and commits only when fn succeeds,
// so a change is never left standing unaudited.
type TxAdminStore interface {
	AdminStore
	Atomically(ctx context.Context, fn func(st AdminStore, audit AuditFunc) error) error
}

// Admin carries out officer administration for a supervisor (or the
// station's command line): each change is put on the audit chain, with the
// actor's id and the account's id only.
type Admin struct {
	auth  *Authenticator
	store AdminStore
	audit AuditFunc
}

// NewAdmin returns the administration of the accounts auth logs in. A
// TxAdminStore writes each change's audit entry in the change's own
// transaction; audit is used only for other stores (in memory).
func NewAdmin(auth *Authenticator, store AdminStore, audit AuditFunc) *Admin {
	return &Admin{auth: auth, store: store, audit: audit}
}

// Now is the authenticator's clock, for showing lock states.
func (a *Admin) Now() time.Time { return a.auth.now() }

// List returns every account without credentials.
func (a *Admin) List(ctx context.Context) ([]Summary, error) {
	l, err := a.store.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("list officers: %w", err)
	}
	return l, nil
}

// Supervisor checks a supervisor's credentials (as a login: failures count
// towards the supervisor's own lock) and returns the session; an officer's
// valid credentials give ErrNotSupervisor.
func (a *Admin) Supervisor(ctx context.Context, id, pin, code string) (*Session, error) {
	s, err := a.auth.Login(ctx, id, pin, code)
	if err != nil {
		return nil, err
	}
	if !s.Supervisor() {
		return nil, fmt.Errorf("officer %q: %w", id, ErrNotSupervisor)
	}
	return s, nil
}

// Unlock lifts the lock of officer id now, instead of waiting for it to end.
func (a *Admin) Unlock(ctx context.Context, actor, id string) error {
	return a.change(ctx, actor, id, AuditUnlocked, nil, func(st AdminStore) error { return st.Unlock(ctx, id) })
}

// Disable stops officer id from logging in; the account and its history stay.
func (a *Admin) Disable(ctx context.Context, actor, id string) error {
	if actor == id {
		return fmt.Errorf("disable %s: %w", id, ErrSelf)
	}
	return a.change(ctx, actor, id, AuditDisabled, nil, func(st AdminStore) error { return st.SetDisabled(ctx, id, true) })
}

// Enable lets a disabled officer log in again.
func (a *Admin) Enable(ctx context.Context, actor, id string) error {
	return a.change(ctx, actor, id, AuditEnabled, nil, func(st AdminStore) error { return st.SetDisabled(ctx, id, false) })
}

// ResetPIN gives officer id a new PIN (6 to 32 digits) and lifts any lock.
func (a *Admin) ResetPIN(ctx context.Context, actor, id, pin string) error {
	if err := ValidatePIN(pin); err != nil {
		return fmt.Errorf("reset PIN of %s: %w", id, err)
	}
	hash, err := HashPIN(pin, a.auth.params)
	if err != nil {
		return fmt.Errorf("reset PIN of %s: %w", id, err)
	}
	return a.change(ctx, actor, id, AuditPINReset, nil, func(st AdminStore) error { return st.SetPINHash(ctx, id, hash) })
}

// ResetTOTP gives officer id a new TOTP secret and returns its provisioning
// URI, to be shown once: the old authenticator entry stops working.
func (a *Admin) ResetTOTP(ctx context.Context, actor, id string) (uri string, err error) {
	secret, uri, err := NewTOTP(a.auth.policy.Issuer, id)
	if err != nil {
		return "", fmt.Errorf("reset TOTP of %s: %w", id, err)
	}
	err = a.change(ctx, actor, id, AuditTOTPReset, nil, func(st AdminStore) error { return st.SetTOTPSecret(ctx, id, secret) })
	if err != nil {
		return "", err
	}
	return uri, nil
}

// change applies one administrative change under the login lock (so a
// concurrent login cannot overwrite it) and puts it on the audit chain: in
// the same transaction when the store is a TxAdminStore (the change and its
// entry commit together or not at all).
func (a *Admin) change(ctx context.Context, actor, id, kind string, detail map[string]string,
	apply func(AdminStore) error) error {
	a.auth.mu.Lock()
	defer a.auth.mu.Unlock()
	d := "{}"
	if detail != nil {
		b, _ := json.Marshal(detail)
		d = string(b)
	}
	if ts, ok := a.store.(TxAdminStore); ok {
		err := ts.Atomically(ctx, func(st AdminStore, audit AuditFunc) error {
			if err := apply(st); err != nil {
				return err
			}
			return audit(ctx, kind, actor, id, d)
		})
		if err != nil {
			return fmt.Errorf("%s %s: %w", kind, id, err)
		}
		a.auth.log.Info("officer account changed", "change", kind, "officer", id, "by", actor)
		return nil
	}
	if err := apply(a.store); err != nil {
		return fmt.Errorf("%s %s: %w", kind, id, err)
	}
	a.auth.log.Info("officer account changed", "change", kind, "officer", id, "by", actor)
	if a.audit == nil {
		return nil
	}
	if err := a.audit(ctx, kind, actor, id, d); err != nil {
		return fmt.Errorf("%s %s: changed, but not on the audit chain: %w", kind, id, err)
	}
	return nil
}
