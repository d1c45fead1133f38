package officer

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"veriport/record"
)

// TestAdminChangeAndAuditAtomic: an officer administration change and its
// audit entry are one transaction. When the audit entry cannot be written
// (here a trigger refuses it, as a full disk or a locked chain would), the
// change does not stand: the account is as it was and the call fails.
// When the entry can be written, both are there.
func TestAdminChangeAndAuditAtomic(t *testing.T) {
	ctx := context.Background()
	st, err := record.Open(ctx, filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sealer, err := NewSecretSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	store := &SQLStore{DB: st.DB, Secrets: sealer}
	auth, _ := NewAuthenticator(store, DefaultPolicy, WithHashParams(cheap))
	if _, err := auth.Enroll(ctx, "o.diaz", "Officer Diaz", RoleOfficer, goodPIN); err != nil {
		t.Fatal(err)
	}
	// The station's audit function, as the command line and the workstation use.
	admin := NewAdmin(auth, store, func(ctx context.Context, kind, actor, subject, detail string) error {
		return st.Audit(ctx, record.AuditEvent{Kind: kind, Actor: actor, Subject: subject, Detail: detail})
	})
	if _, err := st.DB.ExecContext(ctx, `CREATE TRIGGER no_audit BEFORE INSERT ON audit_log
		BEGIN SELECT RAISE(ABORT, 'audit chain not writable'); END`); err != nil {
		t.Fatal(err)
	}
	if err := admin.Disable(ctx, "s.kim", "o.diaz"); err == nil {
		t.Error("disable reported success without its audit entry")
	}
	o, err := record.GetOfficer(ctx, st.DB, "o.diaz")
	if err != nil {
		t.Fatal(err)
	}
	if o.Disabled {
		t.Fatal("o.diaz disabled although the audit entry was not written: the change stands unaudited")
	}
	before := o.PINHash
	if err := admin.ResetPIN(ctx, "s.kim", "o.diaz", "975310"); err == nil {
		t.Error("PIN reset reported success without its audit entry")
	}
	if o, _ := record.GetOfficer(ctx, st.DB, "o.diaz"); o.PINHash != before {
		t.Error("PIN replaced although the audit entry was not written")
	}

	if _, err := st.DB.ExecContext(ctx, `DROP TRIGGER no_audit`); err != nil {
		t.Fatal(err)
	}
	if err := admin.Disable(ctx, "s.kim", "o.diaz"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE kind = ? AND actor = ? AND subject = ?`,
		AuditDisabled, "s.kim", "o.diaz").Scan(&n); err != nil || n != 1 {
		t.Errorf("%d audit entries for the disable: %v", n, err)
	}
	if o, _ := record.GetOfficer(ctx, st.DB, "o.diaz"); !o.Disabled {
		t.Error("o.diaz not disabled")
	}
	if err := admin.Enable(ctx, "s.kim", "o.nobody"); !errors.Is(err, ErrUnknownOfficer) {
		t.Errorf("unknown officer: %v", err)
	}
}
