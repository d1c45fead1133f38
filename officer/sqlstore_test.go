package officer

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"veriport/record"
)

func TestSQLStoreLoginAndLockoutPersist(t *testing.T) {
	ctx := context.Background()
	st, err := record.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	store := &SQLStore{DB: st.DB}
	c := &clock{time.Date(2026, 11, 25, 8, 0, 7, 0, time.UTC)}
	auth, err := NewAuthenticator(store, DefaultPolicy, WithClock(c.now), WithHashParams(cheap))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Enroll(ctx, "o.kim", "Officer Kim", RoleSupervisor, goodPIN); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Enroll(ctx, "o.kim", "Again", RoleOfficer, goodPIN); !errors.Is(err, ErrOfficerExists) {
		t.Errorf("duplicate enrol: %v", err)
	}
	acct, err := store.Account(ctx, "o.kim")
	if err != nil || acct.Role != RoleSupervisor || acct.TOTPSecret == "" {
		t.Fatalf("account %+v %v", acct, err)
	}
	code, _ := TOTPCode(acct.TOTPSecret, c.now())
	if _, err := auth.Login(ctx, "o.kim", goodPIN, code); err != nil {
		t.Fatalf("login: %v", err)
	}
	if _, err := auth.Login(ctx, "o.kim", goodPIN, code); !errors.Is(err, ErrCodeReused) {
		t.Errorf("replayed code: %v", err)
	}
	// a replay is refused but not counted (a clock set back must not lock
	// officers out): five wrong PINs lock
	for i := 0; i < DefaultPolicy.MaxFailures; i++ {
		_, _ = auth.Login(ctx, "o.kim", "999999", code)
	}
	// a fresh authenticator over the same table sees the lock
	auth2, _ := NewAuthenticator(&SQLStore{DB: st.DB}, DefaultPolicy, WithClock(c.now), WithHashParams(cheap))
	next, _ := TOTPCode(acct.TOTPSecret, c.now().Add(TOTPPeriod))
	if _, err := auth2.Login(ctx, "o.kim", goodPIN, next); !errors.Is(err, ErrLocked) {
		t.Errorf("lock not persisted: %v", err)
	}
	if _, err := store.Account(ctx, "nobody"); !errors.Is(err, ErrUnknownOfficer) {
		t.Errorf("unknown: %v", err)
	}
}

func TestDemoOfficerCreatedOnceWithTheDocumentedCredentials(t *testing.T) {
	ctx := context.Background()
	c := &clock{time.Date(2026, 11, 25, 8, 0, 7, 0, time.UTC)}
	store := NewMemoryStore()
	auth, _ := NewAuthenticator(store, DefaultPolicy, WithClock(c.now), WithHashParams(cheap))
	for i, want := range []bool{true, false} {
		created, err := auth.EnsureDemoOfficer(ctx)
		if err != nil || created != want {
			t.Fatalf("call %d: created %v err %v", i, created, err)
		}
	}
	if _, err := auth.Login(ctx, DemoOfficerID, DemoPIN, DemoCode(c.now())); err != nil {
		t.Fatalf("demo login: %v", err)
	}
}

func TestSQLStoreSealsTOTPSecretsAtRest(t *testing.T) {
	ctx := context.Background()
	st, err := record.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key := bytes.Repeat([]byte{9}, 32)
	sealer, err := NewSecretSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	s := &SQLStore{DB: st.DB, Secrets: sealer}
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if err := s.Create(ctx, Account{ID: "o7", Name: "Officer Seven", Role: RoleOfficer, PINHash: "h", TOTPSecret: secret}); err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := st.DB.QueryRow(`SELECT totp_secret FROM officers WHERE id = 'o7'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, secret) || !strings.HasPrefix(stored, "v1:") {
		t.Fatalf("TOTP secret stored in the clear: %q", stored)
	}
	a, err := s.Account(ctx, "o7")
	if err != nil || a.TOTPSecret != secret {
		t.Fatalf("Account = %q, %v; want the secret back", a.TOTPSecret, err)
	}
	other, _ := NewSecretSealer(bytes.Repeat([]byte{8}, 32))
	if _, err := (&SQLStore{DB: st.DB, Secrets: other}).Account(ctx, "o7"); !errors.Is(err, ErrSecretSealed) {
		t.Errorf("another master key opened the secret: %v", err)
	}
	// A sealed secret moved to another officer's row does not open there.
	if err := s.Create(ctx, Account{ID: "o8", Name: "Officer Eight", Role: RoleOfficer, PINHash: "h", TOTPSecret: "X"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.Exec(`UPDATE officers SET totp_secret = ? WHERE id = 'o8'`, stored); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Account(ctx, "o8"); !errors.Is(err, ErrSecretSealed) {
		t.Errorf("o7's sealed secret opened as o8's: %v", err)
	}
}
