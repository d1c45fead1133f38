package retention

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"veriport/record"
)

var errKilled = errors.New("killed")

// killAtRename is the file system of a workstation killed at the moment
// the vault's temp file is complete: Rename never happens.
type killAtRename struct{ OSFS }

func (killAtRename) Rename(string, string) error { panic(errKilled) }

// TestCrashBetweenRowAndVaultFile: a workstation killed while the vault's
// temp file exists leaves no record claiming a photo the disk does not
// hold; and at start-up a "stored" row without its file (from an older
// crash) becomes "lost", purge-logged and alarmed, and stray temp files go.
func TestCrashBetweenRowAndVaultFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f := newFixture(t, dir, Options{}, killAtRename{})
	e := &record.Encounter{Station: "t", StartedAt: t0, CapturedAt: t0, VerifiedAt: t0,
		Category: CategoryUSCitizen, Outcome: "match"}
	func() {
		defer func() {
			if r := recover(); r != errKilled {
				panic(r)
			}
		}()
		f.keep.RecordEncounter(ctx, e, photo(700), nil)
	}()
	files, _ := f.vault.Files()
	if len(files) != 1 || !strings.HasSuffix(files[0], ".tmp") {
		t.Fatalf("fixture: files after the kill %v", files)
	}
	if row, err := record.GetEncounter(ctx, f.store.DB, e.ID); err == nil && row.PhotoState == record.PhotoStored {
		t.Fatalf("the record says %q while the disk holds only %s", row.PhotoState, filepath.Base(files[0]))
	}

	// Start-up after a crash that did leave a "stored" row without its file.
	lost := &record.Encounter{ID: "5f1d9a5e-2b6c-4a51-9a43-0d6c8e1f2a10", Station: "t", StartedAt: t0, CapturedAt: t0,
		Category: CategoryInScope, Outcome: "match", PhotoState: record.PhotoStored,
		PurgeDeadline: t0.Add(14 * 24 * time.Hour), VaultBucket: BucketFor(t0.Add(14 * 24 * time.Hour))}
	if err := record.InsertEncounter(ctx, f.store.DB, lost); err != nil {
		t.Fatal(err)
	}
	kept := f2(t, dir).add(t, CategoryInScope, t0, t0, photo(700))
	g := f2(t, dir)
	rep, err := g.keep.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Lost != 1 || rep.TempsRemoved != 1 {
		t.Fatalf("reconcile %+v; want 1 lost, 1 temp removed", rep)
	}
	if got := g.state(t, lost.ID); got.PhotoState != record.PhotoLost {
		t.Fatalf("stored row without its file is %q, want lost", got.PhotoState)
	}
	if got := g.state(t, kept.ID); got.PhotoState != record.PhotoStored {
		t.Fatalf("a photo on disk became %q", got.PhotoState)
	}
	log, _ := record.ListPurges(ctx, g.store.DB, record.PurgeKindPhoto)
	if len(log) != 1 || log[0].SubjectID != lost.ID || log[0].Result != record.ResultLost {
		t.Fatalf("purge log %+v; want the lost photo", log)
	}
	st, err := g.keep.Status(ctx)
	if err != nil || !st.Alarm || st.Lost != 1 || st.Stored != 1 || !strings.Contains(st.String(), "LOST") {
		t.Fatalf("status %+v (%q) %v; want the lost-photo alarm", st, st.String(), err)
	}
	if files, _ := g.vault.Files(); len(files) != 1 {
		t.Fatalf("vault after reconcile: %v", files)
	}
}

// f2 is another keeper over the same folder (the workstation restarted).
func f2(t *testing.T, dir string) *fixture {
	t.Helper()
	return newFixture(t, dir, Options{}, nil)
}

// TestOrphanVaultFilesReconciled: the record store runs with
// synchronous=FULL; at start-up vault files no record names (a row lost
// with the last commits, a move's superseded copy) are deleted and
// purge-logged as orphans; a vault write whose folder fsync fails leaves no
// file; a new bucket folder is fsynced into the vault folder.
func TestOrphanVaultFilesReconciled(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	f := newFixture(t, dir, Options{}, nil)
	var sync int
	if err := f.store.DB.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil || sync != 2 {
		t.Fatalf("record store synchronous = %d (%v); want 2 (FULL)", sync, err)
	}
	kept := f.add(t, CategoryUSCitizen, t0, t0, photo(500))
	gone := f.add(t, CategoryUSCitizen, t0, t0, photo(500))
	// The last commit vanished (power loss): the row is gone, the file not.
	if _, err := f.store.DB.Exec(`DELETE FROM encounters WHERE id = ?`, gone.ID); err != nil {
		t.Fatal(err)
	}
	// A copy left in another bucket by an interrupted move.
	other := BucketFor(t0.Add(time.Hour))
	src, _ := os.ReadFile(filepath.Join(f.vault.Dir(), kept.VaultBucket, kept.ID+fileSuffix))
	os.MkdirAll(filepath.Join(f.vault.Dir(), other), 0o700)
	if err := os.WriteFile(filepath.Join(f.vault.Dir(), other, kept.ID+fileSuffix), src, 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := f.keep.Reconcile(ctx)
	if err != nil || rep.Orphans != 2 || rep.Lost != 0 {
		t.Fatalf("reconcile %+v %v; want 2 orphans", rep, err)
	}
	files, _ := f.vault.Files()
	if len(files) != 1 || files[0] != filepath.Join(f.vault.Dir(), kept.VaultBucket, kept.ID+fileSuffix) {
		t.Fatalf("vault after reconcile: %v", files)
	}
	log, _ := record.ListPurges(ctx, f.store.DB, "")
	if len(log) != 2 || log[0].Result != record.ResultOrphan || log[1].Result != record.ResultOrphan {
		t.Fatalf("purge log %+v; want two orphan rows", log)
	}
	if _, err := f.keep.Photo(ctx, kept.ID, "o.test", "test"); err != nil {
		t.Fatalf("the recorded photo after reconcile: %v", err)
	}

	// A folder fsync that fails after the rename leaves no file behind, and
	// a new bucket folder is synced into the vault folder.
	fs := &syncFailFS{}
	g := newFixture(t, "", Options{}, fs)
	e := &record.Encounter{Station: "t", StartedAt: t0, CapturedAt: t0, VerifiedAt: t0,
		Category: CategoryUSCitizen, Outcome: "match"}
	if err := g.keep.RecordEncounter(ctx, e, photo(500), nil); err == nil {
		t.Fatal("a write whose folder fsync failed succeeded")
	}
	if files, _ := g.vault.Files(); len(files) != 0 {
		t.Fatalf("files left by a write whose folder fsync failed: %v", files)
	}
	if !fs.synced[g.vault.Dir()] {
		t.Fatalf("new bucket folder not synced into the vault folder (synced %v)", fs.synced)
	}
}

// syncFailFS fails every fsync of a bucket folder and notes the others.
type syncFailFS struct {
	OSFS
	synced map[string]bool
}

func (s *syncFailFS) SyncDir(dir string) error {
	if s.synced == nil {
		s.synced = map[string]bool{}
	}
	if len(filepath.Base(dir)) == len(bucketFmt) {
		return errors.New("fsync: input/output error")
	}
	s.synced[dir] = true
	return nil
}
