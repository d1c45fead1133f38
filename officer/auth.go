package officer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"sync"
	"time"
)

// Login errors. The UI shows err.Error(), which never says which factor
// failed; tests and the audit tell them apart with errors.Is.
var (
	ErrBadCredentials = errors.New("officer id, PIN or code not accepted")
	ErrLocked         = errors.New("account locked after repeated failures")
	ErrWrongPIN       = errors.New("wrong PIN")
	ErrWrongCode      = errors.New("wrong TOTP code")
)

// Policy is the login policy; Default gives the shipped values.
type Policy struct {
	MaxFailures int           // consecutive failures that lock the account (5)
	LockFor     time.Duration // how long a lock lasts
	Issuer      string        // shown by the authenticator app
}

// DefaultPolicy locks after five failures for 15 minutes.
var DefaultPolicy = Policy{MaxFailures: 5, LockFor: 15 * time.Minute, Issuer: "Veriport"}

// Authenticator enrols officers and checks logins against a Store.
type Authenticator struct {
	store  Store
	policy Policy
	params HashParams
	now    func() time.Time
	log    *slog.Logger
	mu     sync.Mutex // serialises logins so failure counts are not lost
	dummy  string     // hash checked for unknown ids, so they take as long
}

// Option adjusts an Authenticator.
type Option func(*Authenticator)

// WithClock injects the clock (tests).
func WithClock(now func() time.Time) Option { return func(a *Authenticator) { a.now = now } }

// WithHashParams sets the argon2id cost of new PIN hashes (tests use less).
func WithHashParams(p HashParams) Option { return func(a *Authenticator) { a.params = p } }

// WithLogger sets the logger; officer ids only are logged.
func WithLogger(l *slog.Logger) Option { return func(a *Authenticator) { a.log = l } }

// NewAuthenticator checks the policy and returns an Authenticator.
func NewAuthenticator(store Store, p Policy, opts ...Option) (*Authenticator, error) {
	if p.MaxFailures < 1 || p.LockFor <= 0 || p.Issuer == "" {
		return nil, fmt.Errorf("login policy %+v: failures, lock time and issuer must be set", p)
	}
	a := &Authenticator{store: store, policy: p, params: DefaultHashParams, now: time.Now,
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, o := range opts {
		o(a)
	}
	dummy, err := HashPIN("000000", a.params)
	if err != nil {
		return nil, err
	}
	a.dummy = dummy
	return a, nil
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,31}$`)

// Enrolment is what enrolling an officer hands back, once.
type Enrolment struct {
	ID              string
	Role            Role
	ProvisioningURI string // otpauth:// URI for the authenticator app; shown once
}

// Enroll creates an officer account with a hashed PIN and a new TOTP secret.
func (a *Authenticator) Enroll(ctx context.Context, id, name string, role Role, pin string) (Enrolment, error) {
	switch {
	case !idPattern.MatchString(id):
		return Enrolment{}, fmt.Errorf("enroll: officer id %q: use 1-32 of a-z 0-9 . _ -", id)
	case name == "":
		return Enrolment{}, errors.New("enroll: the officer's name is empty")
	}
	if _, err := ParseRole(string(role)); err != nil {
		return Enrolment{}, fmt.Errorf("enroll: %w", err)
	}
	if err := ValidatePIN(pin); err != nil {
		return Enrolment{}, fmt.Errorf("enroll: %w", err)
	}
	hash, err := HashPIN(pin, a.params)
	if err != nil {
		return Enrolment{}, fmt.Errorf("enroll: %w", err)
	}
	secret, uri, err := NewTOTP(a.policy.Issuer, id)
	if err != nil {
		return Enrolment{}, fmt.Errorf("enroll: %w", err)
	}
	acct := Account{ID: id, Name: name, Role: role, PINHash: hash, TOTPSecret: secret}
	if err := a.store.Create(ctx, acct); err != nil {
		return Enrolment{}, fmt.Errorf("enroll: %w", err)
	}
	a.log.Info("officer enrolled", "officer", id, "role", role)
	return Enrolment{ID: id, Role: role, ProvisioningURI: uri}, nil
}

// Login checks the officer id, PIN and TOTP code. While the account is
// locked it refuses without checking; MaxFailures consecutive failures
// lock it for LockFor; a success clears the count.
func (a *Authenticator) Login(ctx context.Context, id, pin, code string) (*Session, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	acct, err := a.store.Account(ctx, id)
	if errors.Is(err, ErrUnknownOfficer) {
		_, _ = VerifyPIN(pin, a.dummy)
		a.log.Warn("login refused: unknown officer id")
		return nil, &LoginError{causes: []error{ErrUnknownOfficer}}
	}
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	if now.Before(acct.LockedUntil) {
		a.log.Warn("login refused: account locked", "officer", id)
		return nil, &LoginError{causes: []error{ErrLocked}, until: acct.LockedUntil}
	}
	ok, err := VerifyPIN(pin, acct.PINHash)
	if err != nil {
		return nil, fmt.Errorf("login %s: %w", id, err)
	}
	if !ok {
		return nil, a.fail(ctx, acct, now, ErrWrongPIN)
	}
	step, ok, err := checkTOTP(acct.TOTPSecret, code, now, TOTPSkew, acct.LastTOTPCounter)
	if errors.Is(err, ErrCodeReused) {
		// A right code for a step already used: a replay, or the station's
		// clock went backwards. Refused, but not counted toward a lock, so a
		// clock set back cannot lock every officer out.
		if step < acct.LastTOTPCounter {
			a.log.Warn("login refused: clock anomaly, code step before the last accepted one",
				"officer", id, "step", step, "last_step", acct.LastTOTPCounter)
		} else {
			a.log.Warn("login refused: code already used", "officer", id)
		}
		return nil, &LoginError{causes: []error{ErrWrongCode, ErrCodeReused}}
	}
	if err != nil {
		return nil, fmt.Errorf("login %s: %w", id, err)
	}
	if !ok {
		return nil, a.fail(ctx, acct, now, ErrWrongCode)
	}
	if err := a.store.SaveLoginState(ctx, id, LoginState{LastTOTPCounter: step}); err != nil {
		return nil, fmt.Errorf("login %s: %w", id, err)
	}
	a.log.Info("officer logged in", "officer", id, "role", acct.Role)
	return &Session{OfficerID: id, Role: acct.Role, Started: now}, nil
}

// fail counts a failure and locks the account at the limit.
func (a *Authenticator) fail(ctx context.Context, acct Account, now time.Time, causes ...error) error {
	s := acct.LoginState
	s.Failures++
	e := &LoginError{causes: causes}
	if s.Failures >= a.policy.MaxFailures {
		s.Failures, s.LockedUntil = 0, now.Add(a.policy.LockFor)
		e.causes, e.until = append(e.causes, ErrLocked), s.LockedUntil
	}
	if err := a.store.SaveLoginState(ctx, acct.ID, s); err != nil {
		return fmt.Errorf("login %s: record failure: %w", acct.ID, err)
	}
	a.log.Warn("login failed", "officer", acct.ID, "failures", s.Failures, "locked", !e.until.IsZero())
	return e
}

// LoginError is a refused login. Its message never says which factor
// failed; errors.Is tells ErrBadCredentials, ErrLocked, ErrWrongPIN,
// ErrWrongCode, ErrCodeReused and ErrUnknownOfficer apart.
type LoginError struct {
	causes []error
	until  time.Time // lock end, when locked
}

// LockedUntil is when the lock ends; zero if the account is not locked.
func (e *LoginError) LockedUntil() time.Time { return e.until }

// Error is the sentence for the officer: generic, or the lock's end.
func (e *LoginError) Error() string {
	if e.until.IsZero() {
		return ErrBadCredentials.Error()
	}
	return fmt.Sprintf("%v: try again after %s", ErrLocked, e.until.Local().Format("15:04"))
}

// Unwrap returns the causes, with ErrBadCredentials unless only locked.
func (e *LoginError) Unwrap() []error {
	if len(e.causes) == 1 && e.causes[0] == ErrLocked {
		return e.causes
	}
	return append([]error{ErrBadCredentials}, e.causes...)
}
