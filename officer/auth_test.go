package officer

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"
)

// cheap keeps the tests fast; TestHashPINDefaults covers the real cost.
var cheap = HashParams{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

const (
	officerName = "Dana Whitfield"
	goodPIN     = "482913"
)

type fixture struct {
	auth   *Authenticator
	store  *MemoryStore
	clock  *clock
	secret string
	logs   *bytes.Buffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{store: NewMemoryStore(), clock: &clock{time.Date(2026, 11, 25, 8, 0, 7, 0, time.UTC)}, logs: &bytes.Buffer{}}
	var err error
	f.auth, err = NewAuthenticator(f.store, DefaultPolicy, WithClock(f.clock.now), WithHashParams(cheap),
		WithLogger(slog.New(slog.NewTextHandler(f.logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.auth.Enroll(context.Background(), "o.reyes", officerName, RoleOfficer, goodPIN); err != nil {
		t.Fatal(err)
	}
	acct, _ := f.store.Account(context.Background(), "o.reyes")
	f.secret = acct.TOTPSecret
	return f
}

// code is the TOTP code at the clock's time shifted by steps.
func (f *fixture) code(t *testing.T, steps int) string {
	t.Helper()
	c, err := TOTPCode(f.secret, f.clock.now().Add(time.Duration(steps)*TOTPPeriod))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) login(t *testing.T, pin, code string) (*Session, error) {
	t.Helper()
	return f.auth.Login(context.Background(), "o.reyes", pin, code)
}

// wrongCode is a well-formed code that is not valid now (or a step away).
func (f *fixture) wrongCode(t *testing.T) string {
	bad := []byte(f.code(t, 0))
	bad[0] = '0' + (bad[0]-'0'+5)%10
	for _, s := range []int{-1, 1} {
		if string(bad) == f.code(t, s) {
			bad[1] = '0' + (bad[1]-'0'+5)%10
		}
	}
	return string(bad)
}

func TestLoginRightCredentials(t *testing.T) {
	f := newFixture(t)
	s, err := f.login(t, goodPIN, f.code(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	if s.OfficerID != "o.reyes" || s.Role != RoleOfficer || s.Supervisor() || !s.Started.Equal(f.clock.now()) {
		t.Errorf("session %+v", s)
	}
}

func TestLoginWrongPIN(t *testing.T) {
	f := newFixture(t)
	_, err := f.login(t, "482914", f.code(t, 0))
	if !errors.Is(err, ErrBadCredentials) || !errors.Is(err, ErrWrongPIN) || errors.Is(err, ErrWrongCode) {
		t.Fatalf("error %v", err)
	}
	if err.Error() != ErrBadCredentials.Error() {
		t.Errorf("message %q tells which factor failed", err)
	}
}

func TestLoginWrongTOTP(t *testing.T) {
	f := newFixture(t)
	codes := map[string]func() string{
		"wrong":           func() string { return f.wrongCode(t) },
		"two steps late":  func() string { return f.code(t, -2) },
		"two steps early": func() string { return f.code(t, 2) },
		"short":           func() string { return f.code(t, 0)[:5] },
		"letters":         func() string { return "abcdef" },
		"empty":           func() string { return "" },
	}
	for name, code := range codes {
		_, err := f.login(t, goodPIN, code())
		if !errors.Is(err, ErrBadCredentials) || !errors.Is(err, ErrWrongCode) || errors.Is(err, ErrWrongPIN) {
			t.Errorf("%s: error %v", name, err)
		}
		if err != nil && err.Error() != ErrBadCredentials.Error() {
			t.Errorf("%s: message %q tells which factor failed", name, err)
		}
		f.clock.advance(TOTPPeriod) // keep failures from locking the account mid-table
		_ = f.store.SaveLoginState(context.Background(), "o.reyes", LoginState{})
	}
}

func TestLoginTOTPSkewAndReplay(t *testing.T) {
	f := newFixture(t)
	if _, err := f.login(t, goodPIN, f.code(t, -1)); err != nil {
		t.Fatalf("code one step old refused: %v", err)
	}
	if _, err := f.login(t, goodPIN, f.code(t, -1)); !errors.Is(err, ErrCodeReused) {
		t.Fatalf("reused code: %v", err)
	}
	if _, err := f.login(t, goodPIN, f.code(t, 1)); err != nil {
		t.Fatalf("code one step ahead refused: %v", err)
	}
	if _, err := f.login(t, goodPIN, f.code(t, 0)); !errors.Is(err, ErrCodeReused) {
		t.Fatalf("code of a step before the last accepted one: %v", err)
	}
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	f := newFixture(t)
	wrong := []func() (*Session, error){
		func() (*Session, error) { return f.login(t, "000000", f.code(t, 0)) },
		func() (*Session, error) { return f.login(t, goodPIN, f.wrongCode(t)) },
	}
	for i := 1; i <= 5; i++ {
		_, err := wrong[i%2]()
		if i < 5 && (errors.Is(err, ErrLocked) || !errors.Is(err, ErrBadCredentials)) {
			t.Fatalf("failure %d: %v", i, err)
		}
		if i == 5 {
			var le *LoginError
			if !errors.Is(err, ErrLocked) || !errors.As(err, &le) || !le.LockedUntil().Equal(f.clock.now().Add(15*time.Minute)) {
				t.Fatalf("fifth failure did not lock for 15 min: %v", err)
			}
		}
		f.clock.advance(time.Second)
	}
	_, err := f.login(t, goodPIN, f.code(t, 0))
	if !errors.Is(err, ErrLocked) || errors.Is(err, ErrBadCredentials) {
		t.Fatalf("right credentials while locked: %v", err)
	}
	if !strings.Contains(err.Error(), "locked") {
		t.Errorf("message %q", err)
	}
	f.clock.advance(15*time.Minute - 2*time.Second) // lock set at the fifth failure, 4 s after the first
	if _, err := f.login(t, goodPIN, f.code(t, 0)); !errors.Is(err, ErrLocked) {
		t.Fatalf("one second before the lock ends: %v", err)
	}
	f.clock.advance(time.Second)
	if _, err := f.login(t, goodPIN, f.code(t, 0)); err != nil {
		t.Fatalf("unlock after the lock time: %v", err)
	}
}

func TestLockoutCountsConsecutiveFailuresOnly(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 4; i++ {
		_, _ = f.login(t, "111111", "")
	}
	if _, err := f.login(t, goodPIN, f.code(t, 0)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if _, err := f.login(t, "111111", ""); errors.Is(err, ErrLocked) {
			t.Fatalf("locked after %d failures following a success", i+1)
		}
	}
}

func TestLoginUnknownOfficer(t *testing.T) {
	f := newFixture(t)
	_, err := f.auth.Login(context.Background(), "nobody", goodPIN, f.code(t, 0))
	if !errors.Is(err, ErrBadCredentials) || !errors.Is(err, ErrUnknownOfficer) || err.Error() != ErrBadCredentials.Error() {
		t.Fatalf("error %v", err)
	}
}

func TestLoginLogsNoPersonalData(t *testing.T) {
	f := newFixture(t)
	code := f.code(t, 0)
	_, _ = f.login(t, "999999", code)
	_, _ = f.login(t, goodPIN, code)
	logs := f.logs.String()
	for _, secret := range []string{officerName, "Whitfield", goodPIN, "999999", code, f.secret} {
		if strings.Contains(logs, secret) {
			t.Errorf("log lines hold %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs, "officer=o.reyes") {
		t.Errorf("logins not logged by id:\n%s", logs)
	}
}

// brokenStore fails to save login state, like a locked database.
type brokenStore struct{ *MemoryStore }

var errDisk = errors.New("disk full")

func (brokenStore) SaveLoginState(context.Context, string, LoginState) error { return errDisk }

func TestLoginStoreFailureIsNotACredentialError(t *testing.T) {
	f := newFixture(t)
	a, err := NewAuthenticator(brokenStore{f.store}, DefaultPolicy, WithClock(f.clock.now), WithHashParams(cheap))
	if err != nil {
		t.Fatal(err)
	}
	for name, pin := range map[string]string{"success": goodPIN, "failure": "000000"} {
		_, err := a.Login(context.Background(), "o.reyes", pin, f.code(t, 0))
		if !errors.Is(err, errDisk) || errors.Is(err, ErrBadCredentials) {
			t.Errorf("%s: error %v, want the store's", name, err)
		}
	}
}

func TestEnroll(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	e, err := f.auth.Enroll(ctx, "s.okafor", "Sam Okafor", RoleSupervisor, "20240611")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(e.ProvisioningURI)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Veriport:s.okafor" ||
		u.Query().Get("issuer") != "Veriport" || u.Query().Get("secret") == "" || u.Query().Get("digits") != "6" {
		t.Fatalf("provisioning URI %q", e.ProvisioningURI)
	}
	if strings.Contains(e.ProvisioningURI, "Okafor") {
		t.Error("the URI carries the officer's name")
	}
	acct, _ := f.store.Account(ctx, "s.okafor")
	if acct.TOTPSecret != u.Query().Get("secret") || acct.Role != RoleSupervisor || strings.Contains(acct.PINHash, "20240611") {
		t.Errorf("account %+v", acct)
	}
	for name, c := range map[string]struct {
		id, name string
		role     Role
		pin      string
		want     error
	}{
		"duplicate":  {"s.okafor", "X", RoleOfficer, goodPIN, ErrOfficerExists},
		"weak PIN":   {"a.b", "X", RoleOfficer, "1234", ErrWeakPIN},
		"letter PIN": {"a.b", "X", RoleOfficer, "12345a", ErrWeakPIN},
	} {
		if _, err := f.auth.Enroll(ctx, c.id, c.name, c.role, c.pin); !errors.Is(err, c.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, c := range map[string][3]string{"bad id": {"Bad Id", "X", "officer"}, "no name": {"a.b", "", "officer"},
		"bad role": {"a.b", "X", "admin"}} {
		if _, err := f.auth.Enroll(ctx, c[0], c[1], Role(c[2]), goodPIN); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestNewAuthenticatorRefusesBadPolicy(t *testing.T) {
	for _, p := range []Policy{{}, {MaxFailures: 5, Issuer: "V"}, {MaxFailures: 0, LockFor: time.Minute, Issuer: "V"}} {
		if _, err := NewAuthenticator(NewMemoryStore(), p); err == nil {
			t.Errorf("policy %+v accepted", p)
		}
	}
}

// TestTOTPClockBackwardsNoLockout: after a login, the station clock is set
// back ten minutes. The officer's right codes now fall at or before the last
// accepted step: they are refused as reuse, never counted toward a lock, and
// the clock anomaly is logged. Once the clock is right again the officer
// logs in.
func TestTOTPClockBackwardsNoLockout(t *testing.T) {
	f := newFixture(t)
	if _, err := f.login(t, goodPIN, f.code(t, 0)); err != nil {
		t.Fatal(err)
	}
	f.clock.advance(-10 * time.Minute)
	for i := 0; i < 2*DefaultPolicy.MaxFailures; i++ {
		_, err := f.login(t, goodPIN, f.code(t, 0))
		if !errors.Is(err, ErrCodeReused) || errors.Is(err, ErrLocked) {
			t.Fatalf("attempt %d with the clock behind: %v", i+1, err)
		}
		acct, _ := f.store.Account(context.Background(), "o.reyes")
		if acct.Failures != 0 || !acct.LockedUntil.IsZero() {
			t.Fatalf("attempt %d counted: failures %d, locked until %v", i+1, acct.Failures, acct.LockedUntil)
		}
		f.clock.advance(TOTPPeriod)
	}
	if !strings.Contains(f.logs.String(), "clock") {
		t.Errorf("no clock anomaly in the log:\n%s", f.logs)
	}
	f.clock.advance(10*time.Minute - time.Duration(2*DefaultPolicy.MaxFailures)*TOTPPeriod + TOTPPeriod)
	if _, err := f.login(t, goodPIN, f.code(t, 0)); err != nil {
		t.Fatalf("clock right again: %v", err)
	}
}
