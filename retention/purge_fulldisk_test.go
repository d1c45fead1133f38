package retention

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"
	"time"

	"veriport/record"
)

// fillAudit appends short audit entries until the full record store takes
// no more, so that the purge's own (longer) entries find no room either:
// after fillDatabase, the purge's records cannot be written at all.
func fillAudit(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	for i := 0; ; i++ {
		tx, err := f.store.DB.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = record.AppendAudit(ctx, tx, record.AuditEvent{At: t0, Kind: "fill", Actor: "test"})
		if err == nil {
			err = tx.Commit()
		}
		if err != nil {
			tx.Rollback()
			if !IsNoSpace(err) {
				t.Fatalf("filling the audit chain: %v", err)
			}
			return
		}
		if i > 100000 {
			t.Fatal("the audit chain never filled")
		}
	}
}

// TestDuePhotosUnlinkedOnFullDisk: with the record store full, the purge
// cannot write its bookkeeping (clock high-water, "purging" marks, purge
// log). The photos already due must still leave the disk; the run reports
// the full disk (the alarm stays), a photo not yet due stays, and when space
// returns the next run writes the records: the photo purged, logged deleted
// (not "absent") at the time its file went, audited, the chain intact.
func TestDuePhotosUnlinkedOnFullDisk(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	due := f.add(t, CategoryUSCitizen, t0, t0, photo(4<<10))
	kept := f.add(t, CategoryInScope, t0, t0, photo(4<<10))
	dueFile := f.vault.path(f.state(t, due.ID).VaultBucket, due.ID)
	keptFile := f.vault.path(f.state(t, kept.ID).VaultBucket, kept.ID)

	unlinkedAt := t0.Add(13 * time.Hour) // the U.S. citizen's 12 hours are over
	f.clock.Set(unlinkedAt)
	free := fillDatabase(t, f)
	fillAudit(t, f)
	if _, err := f.keep.Purge(ctx, false); !IsNoSpace(err) {
		t.Fatalf("purge on a full disk: %v, want the full-disk error (the alarm)", err)
	}
	if _, err := os.Stat(dueFile); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("due photo still on disk after a purge on a full disk (stat: %v)", err)
	}
	if _, err := os.Stat(keptFile); err != nil {
		t.Fatalf("photo not yet due removed on a full disk: %v", err)
	}
	if s := f.state(t, due.ID); s.PhotoState == record.PhotoPurged {
		t.Fatal("the purge could record on the \"full\" disk: the test filled too little")
	}
	// A restart before space returns (the memo of the run is gone): the
	// start-up check must not take the due photo's missing file for a loss.
	g := New(f.store, f.vault, Options{Clock: f.clock})
	if rep, err := g.Reconcile(ctx); err != nil || rep.Lost != 0 {
		t.Fatalf("start-up check after a purge on a full disk: %+v %v; want nothing lost", rep, err)
	}

	free()
	f.clock.Set(unlinkedAt.Add(10 * time.Minute))
	rep, err := f.keep.Purge(ctx, false)
	if err != nil || rep.Deleted != 1 || rep.Absent != 0 || rep.Failed != 0 || rep.Overdue != 0 {
		t.Fatalf("purge after space returned: %+v %v; want the photo recorded deleted", rep, err)
	}
	st := f.state(t, due.ID)
	if st.PhotoState != record.PhotoPurged || !st.PurgedAt.Equal(unlinkedAt) {
		t.Fatalf("record after space returned: state %s purged at %s; want purged at %s",
			st.PhotoState, st.PurgedAt, unlinkedAt)
	}
	log, err := record.ListPurges(ctx, f.store.DB, record.PurgeKindPhoto)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].SubjectID != due.ID || log[0].Result != record.ResultDeleted ||
		!log[0].PurgedAt.Equal(unlinkedAt) {
		t.Fatalf("purge log %+v; want one row: deleted at %s", log, unlinkedAt)
	}
	if a, err := record.VerifyAudit(ctx, f.store.DB); err != nil || !a.Intact {
		t.Fatalf("audit chain after the late records: %+v %v", a, err)
	}
	if s := f.state(t, kept.ID); s.PhotoState != record.PhotoStored {
		t.Fatalf("photo not yet due is %s", s.PhotoState)
	}
}

// TestDueMissingFileLeftToPurge: after a restart, a due photo whose file a
// purge on a full disk removed (record not yet written) is not reported
// lost by the start-up check; the purge records it.
func TestDueMissingFileLeftToPurge(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	e := f.add(t, CategoryUSCitizen, t0, t0, photo(1<<10))
	if err := os.Remove(f.vault.path(f.state(t, e.ID).VaultBucket, e.ID)); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(t0.Add(13 * time.Hour))
	if rep, err := f.keep.Reconcile(ctx); err != nil || rep.Lost != 0 {
		t.Fatalf("start-up check: %+v %v; want the due photo left to the purge", rep, err)
	}
	rep, err := f.keep.Purge(ctx, false)
	if err != nil || rep.Absent != 1 {
		t.Fatalf("purge: %+v %v; want the photo recorded absent", rep, err)
	}
	if st := f.state(t, e.ID); st.PhotoState != record.PhotoPurged {
		t.Fatalf("photo state %s, want purged", st.PhotoState)
	}
}
