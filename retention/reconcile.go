package retention

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"veriport/record"
)

// ReconcileReport is what the start-up check of the vault found and did.
type ReconcileReport struct {
	Orphans      int `json:"orphans"`       // vault files no record named, deleted
	Lost         int `json:"lost"`          // "stored" rows without their file, now "lost"
	TempsRemoved int `json:"temps_removed"` // temp files of interrupted writes, deleted
}

// Reconcile makes the vault and the record agree after a crash or a power
// loss; the workstation runs it at start-up, before anything is recorded.
// A vault file that no stored photo's row names (its row lost with the last
// commits, a superseded copy of a moved photo, a write whose transaction
// never committed) is deleted and purge-logged as an orphan; a "stored" row
// not yet due whose file is missing becomes "lost", is purge-logged as
// lost, audited and raises the retention alarm (a due one is the purge's:
// a run on a full disk removes files before it can record them); every
// temp file of an interrupted write is removed.
func (k *Keeper) Reconcile(ctx context.Context) (ReconcileReport, error) {
	var rep ReconcileReport
	unlock, err := k.vault.lockPurge()
	if err != nil {
		return rep, err
	}
	defer unlock()
	now, err := k.effectiveNow(ctx, false)
	if err != nil {
		return rep, err
	}
	named, err := k.storedFiles(ctx, now)
	if err != nil {
		return rep, err
	}
	sw := vaultSweep{named: named, now: now, onDisk: map[string]bool{}, dirs: map[string]bool{}}
	entries, err := os.ReadDir(k.vault.dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return rep, fmt.Errorf("reconcile vault: %w", err)
	}
	for _, b := range entries {
		if !b.IsDir() {
			continue
		}
		if err := k.sweepBucket(ctx, b.Name(), &sw, &rep); err != nil {
			return rep, err
		}
	}
	if !k.vault.NoSync {
		for d := range sw.dirs {
			if err := k.vault.fs.SyncDir(filepath.Join(k.vault.dir, d)); err != nil {
				return rep, fmt.Errorf("reconcile vault: sync folder %s: %w", d, err)
			}
		}
	}
	if err := k.markMissing(ctx, &sw, &rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// vaultSweep is what Reconcile knows while it walks the vault.
type vaultSweep struct {
	named  map[string]vaultRow // bucket/id.vpv -> the row naming it
	now    time.Time
	onDisk map[string]bool // named files found
	dirs   map[string]bool // buckets a file was removed from
}

// sweepBucket removes the temp files and orphans of one vault bucket and
// notes the named files it holds.
func (k *Keeper) sweepBucket(ctx context.Context, bucket string, sw *vaultSweep, rep *ReconcileReport) error {
	files, err := os.ReadDir(filepath.Join(k.vault.dir, bucket))
	if err != nil {
		return fmt.Errorf("reconcile vault: %w", err)
	}
	for _, f := range files {
		name, rel := f.Name(), filepath.Join(bucket, f.Name())
		switch {
		case f.IsDir():
		case strings.HasPrefix(name, ".put-") && strings.HasSuffix(name, ".tmp"):
			if err := k.vault.fs.Remove(filepath.Join(k.vault.dir, rel)); err == nil {
				rep.TempsRemoved++
				sw.dirs[bucket] = true
			}
		case sw.named[rel].id != "":
			sw.onDisk[rel] = true
		case strings.HasSuffix(name, fileSuffix):
			id := strings.TrimSuffix(name, fileSuffix)
			if err := k.vault.fs.Remove(filepath.Join(k.vault.dir, rel)); err != nil {
				return fmt.Errorf("reconcile vault: remove orphan: %w", err)
			}
			sw.dirs[bucket] = true
			if err := LogPurge(ctx, k.store, PurgeEntry{Kind: record.PurgeKindVaultFile, SubjectID: id,
				PurgedAt: sw.now, Method: record.MethodFileDelete, Result: record.ResultOrphan,
				Detail: "bucket " + bucket}); err != nil {
				return err
			}
			rep.Orphans++
			k.opts.Log.Warn("retention: orphan vault file deleted", "encounter", id, "bucket", bucket)
		}
	}
	return nil
}

// markMissing records as lost every stored photo not yet due whose file
// the sweep did not find, and raises the retention alarm for them.
func (k *Keeper) markMissing(ctx context.Context, sw *vaultSweep, rep *ReconcileReport) error {
	for rel, r := range sw.named {
		// A purging photo without its file, or a due one (a purge on a full
		// disk may remove files before it can record them), is the purge's
		// to log.
		if !sw.onDisk[rel] && !r.purging && !r.due {
			if err := k.markLost(ctx, r.id, sw.now); err != nil {
				return err
			}
			rep.Lost++
		}
	}
	if rep.Lost > 0 {
		k.mu.Lock()
		k.lost += rep.Lost
		k.mu.Unlock()
		k.opts.Log.Error("retention: photos recorded as stored are missing from the vault", "lost", rep.Lost)
	}
	return nil
}

// vaultRow is a photo the record says is in the vault.
type vaultRow struct {
	id      string
	purging bool // a purge run has started deleting it
	due     bool // its deadline has passed
}

// storedFiles maps the vault path (bucket/id.vpv) of every photo the
// record says is in the vault (stored, or being purged) to its row.
func (k *Keeper) storedFiles(ctx context.Context, now time.Time) (map[string]vaultRow, error) {
	photos, err := record.StoredPhotos(ctx, k.store.DB, now)
	if err != nil {
		return nil, fmt.Errorf("reconcile vault: %w", err)
	}
	named := map[string]vaultRow{}
	for _, p := range photos {
		named[filepath.Join(p.Bucket, p.ID+fileSuffix)] = vaultRow{id: p.ID, purging: p.Purging, due: p.Due}
	}
	return named, nil
}

// markLost turns a stored photo whose file is missing into "lost", with its
// purge-log row and an audit entry, and drops its sealed copy queued in the
// outbox, in one transaction.
func (k *Keeper) markLost(ctx context.Context, id string, now time.Time) error {
	tx, err := k.store.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("reconcile vault: %w", err)
	}
	defer tx.Rollback()
	e, err := record.GetEncounter(ctx, tx, id)
	if err != nil {
		return fmt.Errorf("reconcile vault: %w", err)
	}
	if err := record.MarkPhotoLost(ctx, tx, id, now); err != nil {
		return fmt.Errorf("reconcile vault: %w", err)
	}
	// The sealed copy queued for the back end goes with the photo.
	if err := record.DropQueuedPhotos(ctx, tx, id); err != nil {
		return fmt.Errorf("reconcile vault: %w", err)
	}
	if err := record.InsertPurge(ctx, tx, record.PurgeEntry{Kind: record.PurgeKindPhoto, SubjectID: id,
		Category: e.Category, CapturedAt: e.CapturedAt, VerifiedAt: e.VerifiedAt, Deadline: e.PurgeDeadline,
		PurgedAt: now, Method: record.MethodVaultDelete, Result: record.ResultLost,
		Detail: "recorded as stored; no file at start-up"}); err != nil {
		return err
	}
	if _, err := record.AppendAudit(ctx, tx, record.AuditEvent{At: now, Kind: record.AuditPurge, Actor: "system",
		Subject: id, Detail: `{"result":"lost"}`}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("reconcile vault: %w", err)
	}
	k.opts.Log.Error("retention: photo recorded as stored is missing; marked lost", "encounter", id)
	return nil
}
