package retention

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"veriport/record"
)

// TestVaultFileSwapDetected: B's vault file copied over A's (same bucket, same
// data key, so it decrypts) must not be shown or sent as A's photo.
func TestVaultFileSwapDetected(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	pa, pb := photo(2048), photo(2048)
	a := f.add(t, CategoryInScope, t0, t0, pa)
	b := f.add(t, CategoryInScope, t0, t0, pb)
	if a.VaultBucket != b.VaultBucket {
		t.Fatalf("fixture: buckets %s and %s differ", a.VaultBucket, b.VaultBucket)
	}
	blobB, err := os.ReadFile(filepath.Join(f.vault.Dir(), b.VaultBucket, b.ID+fileSuffix))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.vault.Dir(), a.VaultBucket, a.ID+fileSuffix), blobB, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := f.keep.Photo(ctx, a.ID, "o.test", "test")
	if bytes.Equal(got, pb) {
		t.Fatal("encounter A shows B's photo")
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("swapped file: %v", err)
	}
	if got, err := f.keep.Photo(ctx, b.ID, "o.test", "test"); err != nil || !bytes.Equal(got, pb) {
		t.Fatalf("B's own photo: %v", err)
	}
}

// TestCheckpointBusyRaisesAlarm: a reader holding an old snapshot keeps the
// WAL checkpoint after a purge from completing, so the destroyed bucket key
// is still in the -wal file. The purge must notice (the checkpoint reports
// busy without an error), retry, and raise the alarm; once the reader is
// gone the next run checkpoints and the alarm clears.
func TestCheckpointBusyRaisesAlarm(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	f.keep.checkpointWait = 10 * time.Millisecond
	ctx := context.Background()
	e := f.add(t, CategoryUSCitizen, t0, t0, photo(100))
	var wrapped []byte
	if err := f.store.DB.QueryRowContext(ctx, `SELECT wrapped FROM vault_keys WHERE bucket = ?`, e.VaultBucket).
		Scan(&wrapped); err != nil {
		t.Fatal(err)
	}
	reader, err := sql.Open("sqlite3", "file:"+f.store.Path+"?_busy_timeout=100")
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	conn, err := reader.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM encounters`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(t0.Add(12*time.Hour + 2*time.Minute))
	rep, err := f.keep.Purge(ctx, false)
	if err != nil || rep.Deleted != 1 || rep.KeysDestroyed != 1 {
		t.Fatalf("purge: %+v %v", rep, err)
	}
	wal, _ := os.ReadFile(f.store.Path + "-wal")
	if !bytes.Contains(wal, wrapped) {
		t.Fatal("fixture: the destroyed key is not in the WAL; the reader did not block the checkpoint")
	}
	st, err := f.keep.Status(ctx)
	if err != nil || !st.Alarm || !strings.Contains(st.String(), "journal") {
		t.Fatalf("destroyed key left in the WAL, status %+v (%q) %v", st, st.String(), err)
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.keep.Purge(ctx, false); err != nil {
		t.Fatal(err)
	}
	if wal, _ := os.ReadFile(f.store.Path + "-wal"); bytes.Contains(wal, wrapped) {
		t.Fatal("the destroyed key is still in the WAL after the reader left")
	}
	if st, _ := f.keep.Status(ctx); st.Alarm {
		t.Fatalf("alarm after a completed checkpoint: %+v", st)
	}
}

// TestPhotoPurgeOnAuditChain: each photo purged gets its own entry on the
// audit chain (not only the run's counts), so a cut purge record shows.
func TestPhotoPurgeOnAuditChain(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	a := f.add(t, CategoryUSCitizen, t0, t0, photo(100))
	b := f.add(t, CategoryUSCitizen, t0, t0, photo(100))
	f.clock.Set(t0.Add(12*time.Hour + 2*time.Minute))
	if rep, err := f.keep.Purge(ctx, false); err != nil || rep.Deleted != 2 {
		t.Fatalf("purge %+v %v", rep, err)
	}
	for _, id := range []string{a.ID, b.ID} {
		var n int
		var detail string
		if err := f.store.DB.QueryRow(`SELECT COUNT(*), MAX(detail) FROM audit_log WHERE kind = ? AND subject = ?`,
			record.AuditPurge, id).Scan(&n, &detail); err != nil || n != 1 || !strings.Contains(detail, record.ResultDeleted) {
			t.Errorf("encounter %s: %d purge entries (%s) %v", id, n, detail, err)
		}
	}
	if rep, err := record.VerifyAudit(ctx, f.store.DB); err != nil || !rep.Intact {
		t.Fatalf("chain %+v %v", rep, err)
	}
}
