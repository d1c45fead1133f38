package officer

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"veriport/record"
)

type auditCall struct{ kind, actor, subject string }

// adminFixture runs the same administration checks on both stores.
func adminStores(t *testing.T) map[string]AdminStore {
	st, err := record.Open(context.Background(), filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, err := NewSecretSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]AdminStore{"memory": NewMemoryStore(), "sql": &SQLStore{DB: st.DB, Secrets: sealer}}
}

func TestAdminUnlockDisableResetRoundTrip(t *testing.T) {
	for name, store := range adminStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			c := &clock{time.Date(2026, 11, 25, 8, 0, 7, 0, time.UTC)}
			auth, _ := NewAuthenticator(store, DefaultPolicy, WithClock(c.now), WithHashParams(cheap))
			var audits []auditCall
			admin := NewAdmin(auth, store, func(_ context.Context, kind, actor, subject, _ string) error {
				audits = append(audits, auditCall{kind, actor, subject})
				return nil
			})
			_, _ = auth.Enroll(ctx, "s.kim", "Supervisor Kim", RoleSupervisor, goodPIN)
			_, _ = auth.Enroll(ctx, "o.diaz", "Officer Diaz", RoleOfficer, goodPIN)
			for i := 0; i < DefaultPolicy.MaxFailures; i++ {
				_, _ = auth.Login(ctx, "o.diaz", "000000", "000000")
			}
			l, err := admin.List(ctx)
			if err != nil || len(l) != 2 || l[0].ID != "o.diaz" || l[0].State(c.now()) != "locked" || l[1].State(c.now()) != "active" {
				t.Fatalf("list %+v %v", l, err)
			}
			if err := admin.Unlock(ctx, "s.kim", "o.diaz"); err != nil {
				t.Fatal(err)
			}
			acct, _ := store.Account(ctx, "o.diaz")
			code, _ := TOTPCode(acct.TOTPSecret, c.now())
			if _, err := auth.Login(ctx, "o.diaz", goodPIN, code); err != nil {
				t.Fatalf("login after unlock: %v", err)
			}
			if err := admin.Disable(ctx, "s.kim", "s.kim"); !errors.Is(err, ErrSelf) {
				t.Errorf("self-disable: %v", err)
			}
			if err := admin.Disable(ctx, "s.kim", "o.diaz"); err != nil {
				t.Fatal(err)
			}
			c.advance(TOTPPeriod)
			code, _ = TOTPCode(acct.TOTPSecret, c.now())
			if _, err := auth.Login(ctx, "o.diaz", goodPIN, code); !errors.Is(err, ErrBadCredentials) {
				t.Errorf("disabled officer logged in: %v", err)
			}
			if l, _ := admin.List(ctx); l[0].State(c.now()) != "disabled" {
				t.Errorf("list after disable %+v", l[0])
			}
			if err := admin.Enable(ctx, "s.kim", "o.diaz"); err != nil {
				t.Fatal(err)
			}
			if err := admin.ResetPIN(ctx, "s.kim", "o.diaz", "12"); !errors.Is(err, ErrWeakPIN) {
				t.Errorf("weak PIN: %v", err)
			}
			if err := admin.ResetPIN(ctx, "s.kim", "o.diaz", "975310"); err != nil {
				t.Fatal(err)
			}
			uri, err := admin.ResetTOTP(ctx, "s.kim", "o.diaz")
			if err != nil || uri == "" {
				t.Fatalf("reset TOTP %q %v", uri, err)
			}
			acct2, _ := store.Account(ctx, "o.diaz")
			if acct2.TOTPSecret == acct.TOTPSecret || acct2.LastTOTPCounter != 0 {
				t.Error("TOTP secret not replaced or replay counter kept")
			}
			c.advance(TOTPPeriod)
			code, _ = TOTPCode(acct2.TOTPSecret, c.now())
			if _, err := auth.Login(ctx, "o.diaz", "975310", code); err != nil {
				t.Errorf("login with reset PIN and TOTP: %v", err)
			}
			want := []auditCall{{AuditUnlocked, "s.kim", "o.diaz"}, {AuditDisabled, "s.kim", "o.diaz"},
				{AuditEnabled, "s.kim", "o.diaz"}, {AuditPINReset, "s.kim", "o.diaz"}, {AuditTOTPReset, "s.kim", "o.diaz"}}
			if sq, ok := store.(*SQLStore); ok { // written in each change's own transaction
				audits = chainAudits(t, sq)
			}
			if len(audits) != len(want) {
				t.Fatalf("audits %+v", audits)
			}
			for i := range want {
				if audits[i] != want[i] {
					t.Errorf("audit %d: %+v, want %+v", i, audits[i], want[i])
				}
			}
			if err := admin.Unlock(ctx, "s.kim", "o.nobody"); !errors.Is(err, ErrUnknownOfficer) {
				t.Errorf("unknown officer: %v", err)
			}
			// Only a supervisor's credentials authorise.
			c.advance(TOTPPeriod)
			code, _ = TOTPCode(acct2.TOTPSecret, c.now())
			if _, err := admin.Supervisor(ctx, "o.diaz", "975310", code); !errors.Is(err, ErrNotSupervisor) {
				t.Errorf("officer as supervisor: %v", err)
			}
		})
	}
}

// chainAudits reads the audit chain of an SQL store.
func chainAudits(t *testing.T, s *SQLStore) []auditCall {
	t.Helper()
	rows, err := s.DB.QueryContext(context.Background(), `SELECT kind, actor, subject FROM audit_log ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []auditCall
	for rows.Next() {
		var a auditCall
		if err := rows.Scan(&a.kind, &a.actor, &a.subject); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}
