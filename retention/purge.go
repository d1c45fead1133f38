package retention

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"veriport/record"
)

// OverdueGrace is how far past its deadline a photo may be before it counts
// as overdue and raises the alarm.
const OverdueGrace = time.Minute

const highWaterKey = "clock_high_water"

// RuleOnAcknowledgment marks a partner photo purged because the back end
// acknowledged its result (whatever the outcome).
const RuleOnAcknowledgment = "partner: on acknowledgment"

// RuleOnDeadLetter marks a partner photo purged because the back end
// refused its result for good (dead letter): the transmittal is over.
const RuleOnDeadLetter = "partner: result refused (dead letter)"

// PurgeItem is one photo a purge run found due, and what became of it.
type PurgeItem struct {
	EncounterID string    `json:"encounter_id"`
	Category    string    `json:"category"`
	CapturedAt  time.Time `json:"captured_at,omitzero"`
	VerifiedAt  time.Time `json:"verified_at,omitzero"`
	Deadline    time.Time `json:"deadline"`
	Overdue     bool      `json:"overdue"` // more than OverdueGrace past its deadline
	// Rule says what made the photo due when it is not the category's period:
	// RuleOnAcknowledgment in a partner deployment.
	Rule   string `json:"rule,omitempty"`
	Result string `json:"result"` // deleted, absent, failed, or dry-run
}

// GalleryItem is one cached flight gallery a purge run found due.
type GalleryItem struct {
	Key      string    `json:"key"` // the flight's cache key (date_flight)
	Deadline time.Time `json:"deadline"`
	Result   string    `json:"result"` // deleted, failed, or dry-run
}

// PurgeReport is what a purge run found and did.
type PurgeReport struct {
	Now           time.Time `json:"now"` // the time the run used (never behind an earlier run's)
	DryRun        bool      `json:"dry_run"`
	Due           int       `json:"due"`
	Deleted       int       `json:"deleted"`
	Absent        int       `json:"absent"`
	Failed        int       `json:"failed"`
	KeysDestroyed int       `json:"keys_destroyed"`
	Overdue       int       `json:"overdue_after"` // still overdue when the run ended
	// KeysInWAL: the WAL checkpoint did not complete, so destroyed keys may
	// remain in the database journal (an alarm until a checkpoint completes).
	KeysInWAL bool        `json:"keys_in_wal,omitempty"`
	Items     []PurgeItem `json:"items"`
	// Galleries are the cached flight galleries the run found past
	// departure plus grace, and what became of each.
	Galleries []GalleryItem `json:"galleries"`
	TookMS    float64       `json:"took_ms"`
}

type runInfo struct {
	at     time.Time
	report PurgeReport
	err    error
}

// dueRow is a due photo as selected for purging.
type dueRow struct {
	item   PurgeItem
	state  string
	bucket string
	// unlinkedAt is when its file went: this run, or an earlier run on a
	// full disk that could not record it.
	unlinkedAt time.Time
}

// effectiveNow is the clock's reading, but never earlier than the latest
// reading a previous run saw: a clock set backwards must not make a due
// photo un-due. A forward jump purges early, which the rules allow.
func (k *Keeper) effectiveNow(ctx context.Context, persist bool) (time.Time, error) {
	now := k.opts.Clock.Now().UTC()
	var s string
	err := k.store.DB.QueryRowContext(ctx, `SELECT value FROM retention_state WHERE key = ?`, highWaterKey).Scan(&s)
	if err != nil && err != sql.ErrNoRows {
		return now, fmt.Errorf("read clock high-water: %w", err)
	}
	if hw, perr := time.Parse(time.RFC3339Nano, s); err == nil && perr == nil && hw.After(now) {
		if hw.Sub(now) > OverdueGrace {
			k.opts.Log.Warn("retention: clock is behind the latest time seen; purging by the latest",
				"clock", now, "latest", hw)
		}
		return hw, nil
	}
	if persist {
		_, err = k.store.DB.ExecContext(ctx, `INSERT INTO retention_state (key, value) VALUES (?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, highWaterKey, record.FormatTime(now))
		if err != nil {
			return now, fmt.Errorf("save clock high-water: %w", err)
		}
	}
	return now, nil
}

// Purge deletes every photo whose deadline has passed (with the sealed copy
// queued in the outbox for the back end, if any) and, with SetGalleries,
// every cached flight gallery past departure plus grace, writes one purge-log
// row per deletion, destroys the keys of buckets left empty, checkpoints the
// WAL and appends one audit entry. With dryRun it only reports what is due.
// It is idempotent, and safe to kill at any point: a photo marked "purging"
// by an interrupted run is finished by the next one and logged once.
func (k *Keeper) Purge(ctx context.Context, dryRun bool) (PurgeReport, error) {
	start := time.Now()
	rep, err := k.purge(ctx, dryRun)
	rep.TookMS = float64(time.Since(start).Microseconds()) / 1000
	if rep.Items == nil {
		rep.Items = []PurgeItem{}
	}
	if rep.Galleries == nil {
		rep.Galleries = []GalleryItem{}
	}
	if !dryRun {
		kept := rep
		kept.Items, kept.Galleries = nil, nil
		k.mu.Lock()
		k.last = runInfo{at: rep.Now, report: kept, err: err}
		k.mu.Unlock()
	}
	return rep, err
}

func (k *Keeper) purge(ctx context.Context, dryRun bool) (PurgeReport, error) {
	if !dryRun {
		unlock, err := k.vault.lockPurge()
		if err != nil {
			return PurgeReport{}, err
		}
		defer unlock()
	}
	if !dryRun {
		k.settleMoves(ctx)
	}
	now, err := k.effectiveNow(ctx, !dryRun)
	rep := PurgeReport{Now: now, DryRun: dryRun}
	var highWaterErr error
	if err != nil {
		if dryRun || !IsNoSpace(err) {
			return rep, err
		}
		// The disk is full: the high-water mark waits, the due photos do not.
		highWaterErr = err
	}
	var galleryErr error
	if k.galleries != nil {
		rep.Galleries, galleryErr = k.galleries.PurgeGalleries(ctx, now, dryRun)
		if galleryErr != nil {
			galleryErr = fmt.Errorf("purge galleries: %w", galleryErr)
		}
	}
	rep, err = k.purgePhotos(ctx, now, rep)
	if highWaterErr != nil && err == nil {
		// Deleting the photos may have made room; try the mark again.
		if _, herr := k.effectiveNow(ctx, true); herr == nil {
			highWaterErr = nil
		}
	}
	return rep, errors.Join(highWaterErr, err, galleryErr)
}

// purgePhotos is the photo part of a run at now.
func (k *Keeper) purgePhotos(ctx context.Context, now time.Time, rep PurgeReport) (PurgeReport, error) {
	dryRun := rep.DryRun
	after := dueRow{} // keyset cursor: (deadline, id)
	var full error    // a batch's records could not be written: the disk is full
	for {
		rows, err := k.selectDue(ctx, now, after.item.Deadline, after.item.EncounterID)
		if err != nil || len(rows) == 0 {
			switch {
			case err == nil && full != nil:
				rep.Overdue, err = OverdueCount(ctx, k.store.DB, now)
				err = errors.Join(full, err)
			case err == nil && !dryRun:
				err = k.finish(ctx, now, &rep)
			case err == nil:
				rep.Overdue, err = OverdueCount(ctx, k.store.DB, now)
			}
			return rep, err
		}
		after = rows[len(rows)-1]
		rep.Due += len(rows)
		if dryRun {
			for _, r := range rows {
				r.item.Result = record.ResultDryRun
				rep.Items = append(rep.Items, r.item)
			}
			continue
		}
		if err := k.purgeBatch(ctx, now, rows, &rep); err != nil {
			if !IsNoSpace(err) {
				return rep, err
			}
			full = err // the due files of the next batches still go
		}
	}
}

func (k *Keeper) selectDue(ctx context.Context, now, afterDeadline time.Time, afterID string) ([]dueRow, error) {
	due, err := record.DuePhotos(ctx, k.store.DB, now, afterDeadline, afterID, k.opts.BatchSize)
	if err != nil {
		return nil, err
	}
	var out []dueRow
	for _, p := range due {
		r := dueRow{state: p.State, bucket: p.Bucket}
		r.item.EncounterID, r.item.Category = p.ID, p.Category
		r.item.CapturedAt, r.item.VerifiedAt, r.item.Deadline = p.CapturedAt, p.VerifiedAt, p.Deadline
		acked, dead := p.Acknowledged, p.DeadLettered
		r.item.Overdue = now.Sub(r.item.Deadline) > OverdueGrace
		switch {
		case acked && k.opts.Mode == ModePartner:
			r.item.Rule = RuleOnAcknowledgment
		case dead && k.opts.Mode == ModePartner:
			r.item.Rule = RuleOnDeadLetter
		}
		out = append(out, r)
	}
	return out, nil
}

// purgeBatch: mark "purging" (commit), remove the files, then log and mark
// "purged" in one transaction. On a full disk the mark cannot be written:
// the due files are removed all the same (noted in memory), and their
// records are written by the first run that has the space.
func (k *Keeper) purgeBatch(ctx context.Context, now time.Time, rows []dueRow, rep *PurgeReport) error {
	markErr := k.markPurging(ctx, rows)
	if markErr != nil && !IsNoSpace(markErr) {
		return markErr
	}
	dirs := map[string]bool{}
	for i := range rows {
		r := &rows[i]
		existed, err := k.vault.remove(r.bucket, r.item.EncounterID)
		unlinkedAt, early := k.unlinkedAt(r.item.EncounterID)
		switch {
		case err != nil:
			r.item.Result = record.ResultFailed
			k.opts.Log.Error("retention: photo not deleted; retried next run", "encounter", r.item.EncounterID, "err", err)
		case existed:
			r.item.Result = record.ResultDeleted
			dirs[r.bucket] = true
			k.noteUnlinked(r.item.EncounterID, now) // forgotten once recorded
		case r.state == record.PhotoPurging || early:
			// Removed by an interrupted run, or by a run on a full disk.
			r.item.Result = record.ResultDeleted
		default:
			r.item.Result = record.ResultAbsent
		}
		r.unlinkedAt = now
		if early {
			r.unlinkedAt = unlinkedAt
		}
		if k.afterRemove != nil {
			k.afterRemove(i + 1 + rep.Deleted + rep.Absent + rep.Failed)
		}
	}
	if !k.vault.NoSync {
		for d := range dirs {
			if err := k.vault.fs.SyncDir(filepath.Join(k.vault.dir, d)); err != nil {
				return fmt.Errorf("purge: sync vault folder %s: %w", d, err)
			}
		}
	}
	if err := k.recordBatch(ctx, now, rows, rep); err != nil {
		return errors.Join(noSpace(markErr), err)
	}
	k.forgetUnlinked(rows)
	return nil
}

// recordBatch writes what purgeBatch did, in one transaction: the purge
// log, the "purged" state, the queued copies dropped, the audit entries (one
// per photo). The rows go in set-wise (one prepared insert for the log, one
// head read and one prepared insert for the audit chain, one UPDATE per
// deletion time), so a batch costs one commit, not one per photo.
func (k *Keeper) recordBatch(ctx context.Context, now time.Time, rows []dueRow, rep *PurgeReport) error {
	var (
		logRows []record.PurgeEntry
		audits  []record.AuditEvent
		byTime  = map[time.Time][]string{} // unlinked at -> encounter ids
		ids     []string
	)
	for _, r := range rows {
		rep.Items = append(rep.Items, r.item)
		if r.item.Result == record.ResultFailed {
			rep.Failed++
			continue
		}
		if r.item.Result == record.ResultDeleted {
			rep.Deleted++
		} else {
			rep.Absent++
		}
		logRows = append(logRows, record.PurgeEntry{Kind: record.PurgeKindPhoto,
			SubjectID: r.item.EncounterID, Category: r.item.Category, CapturedAt: r.item.CapturedAt,
			VerifiedAt: r.item.VerifiedAt, Deadline: r.item.Deadline, PurgedAt: r.unlinkedAt,
			Method: record.MethodVaultDelete, Result: r.item.Result, Detail: r.item.Rule})
		audits = append(audits, photoPurgeAudit(now, r.item))
		byTime[r.unlinkedAt] = append(byTime[r.unlinkedAt], r.item.EncounterID)
		ids = append(ids, r.item.EncounterID)
	}
	if len(ids) == 0 {
		return nil
	}
	tx, err := k.store.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	defer tx.Rollback()
	if err := record.InsertPurges(ctx, tx, logRows); err != nil {
		return err
	}
	for at, group := range byTime {
		if err := record.MarkPhotosPurged(ctx, tx, at, group); err != nil {
			return fmt.Errorf("purge: %w", err)
		}
	}
	// The sealed copy queued for the back end obeys the same deadline.
	if err := record.DropQueuedPhotos(ctx, tx, ids...); err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	if _, err := record.AppendAudits(ctx, tx, audits); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("purge: commit: %w", err)
	}
	return nil
}

func (k *Keeper) markPurging(ctx context.Context, rows []dueRow) error {
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		if r.state == record.PhotoStored {
			ids = append(ids, r.item.EncounterID)
		}
	}
	if err := record.MarkPhotosPurging(ctx, k.store.DB, ids); err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	return nil
}

// finish destroys the keys of empty buckets, audits the run and checkpoints
// the WAL so that no deleted row or key lingers in it.
func (k *Keeper) finish(ctx context.Context, now time.Time, rep *PurgeReport) error {
	tx, err := k.store.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	defer tx.Rollback()
	empty, err := record.BucketsWithoutPhotos(ctx, tx)
	if err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	for _, b := range empty {
		if _, err := tx.ExecContext(ctx, `DELETE FROM vault_keys WHERE bucket = ?`, b); err != nil {
			return fmt.Errorf("purge: destroy key of bucket %s: %w", b, err)
		}
		if _, err := record.AppendAudit(ctx, tx, record.AuditEvent{At: now, Kind: record.AuditKeyDestroyed,
			Actor: "system", Subject: "bucket:" + b, Detail: `{"method":"crypto-erase"}`}); err != nil {
			return err
		}
	}
	rep.KeysDestroyed = len(empty)
	if rep.Due > 0 || len(empty) > 0 {
		detail, _ := json.Marshal(map[string]int{"deleted": rep.Deleted, "absent": rep.Absent,
			"failed": rep.Failed, "keys_destroyed": len(empty)})
		if _, err := record.AppendAudit(ctx, tx, record.AuditEvent{At: now, Kind: record.AuditPurge,
			Actor: "system", Detail: string(detail)}); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("purge: commit key destruction: %w", err)
	}
	for _, b := range empty {
		k.vault.removeBucketDir(b)
	}
	if rep.Due > 0 || len(empty) > 0 || k.keysInWAL() {
		rep.KeysInWAL, _ = k.checkpointWAL(ctx, len(empty) > 0)
	}
	rep.Overdue, err = OverdueCount(ctx, k.store.DB, now)
	if rep.Due > 0 || rep.Overdue > 0 {
		k.opts.Log.Info("retention: purge run", "due", rep.Due, "deleted", rep.Deleted, "absent", rep.Absent,
			"failed", rep.Failed, "keys_destroyed", rep.KeysDestroyed, "overdue", rep.Overdue)
	}
	return err
}

// OverdueCount is how many photos are still in the vault more than
// OverdueGrace past their deadline at now: the overdue alarm's figure.
func OverdueCount(ctx context.Context, q record.DBTX, now time.Time) (int, error) {
	return record.CountOverdue(ctx, q, now.Add(-OverdueGrace))
}

// noteUnlinked remembers that the photo's file went at t, until its record
// says so.
func (k *Keeper) noteUnlinked(id string, t time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.unlinked == nil {
		k.unlinked = map[string]time.Time{}
	}
	if _, ok := k.unlinked[id]; !ok {
		k.unlinked[id] = t
	}
}

// unlinkedAt is when a run that could not record it removed the photo's file.
func (k *Keeper) unlinkedAt(id string) (time.Time, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	t, ok := k.unlinked[id]
	return t, ok
}

// forgetUnlinked drops the photos of a recorded batch from the memo.
func (k *Keeper) forgetUnlinked(rows []dueRow) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, r := range rows {
		delete(k.unlinked, r.item.EncounterID)
	}
}
