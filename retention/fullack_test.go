package retention

import (
	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"veriport/record"
)

// fullFS refuses to create files while full is set, as a full disk does.
type fullFS struct {
	OSFS
	full *atomic.Bool
}

func (f fullFS) CreateTemp(dir, pattern string) (File, error) {
	if f.full.Load() {
		return nil, &os.PathError{Op: "open", Path: dir, Err: syscallENOSPC}
	}
	return f.OSFS.CreateTemp(dir, pattern)
}

// TestAckOnFullDiskMovesDeadline: a partner acknowledgment re-encrypts the
// photo into the bucket of its new deadline; with no space for that copy
// the delivery must not fail again and again: only the deadline moves, and
// the purge deletes the photo on time.
func TestAckOnFullDiskMovesDeadline(t *testing.T) {
	var full atomic.Bool
	f := newFixture(t, "", Options{Mode: ModePartner}, fullFS{full: &full})
	ctx := context.Background()
	e := f.add(t, CategoryInScope, t0, time.Time{}, photo(800))
	before := f.state(t, e.ID)
	full.Store(true)
	at := t0.Add(time.Hour)
	f.clock.Set(at)
	tx, err := f.store.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.keep.Acknowledge(ctx, tx, e.ID, at); err != nil {
		tx.Rollback()
		t.Fatalf("acknowledgment on a full disk: %v (the delivery would be retried forever)", err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got := f.state(t, e.ID)
	if !got.PurgeDeadline.Equal(at) || got.VaultBucket != before.VaultBucket {
		t.Fatalf("after the acknowledgment: deadline %s bucket %s; want deadline %s, bucket %s kept",
			got.PurgeDeadline, got.VaultBucket, at, before.VaultBucket)
	}
	rep, err := f.keep.Purge(ctx, false)
	if err != nil || rep.Deleted != 1 {
		t.Fatalf("purge after the acknowledgment: %+v %v", rep, err)
	}
	if st := f.state(t, e.ID); st.PhotoState != record.PhotoPurged {
		t.Fatalf("photo state %s, want purged", st.PhotoState)
	}
}
