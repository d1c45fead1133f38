package retention

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/google/uuid"

	"veriport/record"
)

// ErrNoPhoto means the encounter has no photo in the vault (none taken,
// already purged, or never stored).
var ErrNoPhoto = errors.New("no photo in the vault")

// ErrPhotoNotStored means the encounter was recorded but its photo could
// not be stored (photo state "failed"): recording it again would add it twice.
var ErrPhotoNotStored = errors.New("encounter recorded without its photo")

// Clock tells the time; tests inject one that jumps.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

// Now is time.Now.
func (SystemClock) Now() time.Time { return time.Now() }

// Options configure a Keeper; zero values take defaults.
type Options struct {
	Mode      string   // ModeAgency (default) or ModePartner
	Schedule  Schedule // default: DefaultSchedule()
	Clock     Clock    // default: SystemClock
	Log       *slog.Logger
	BatchSize int // photos per purge transaction; default 2000
}

// Keeper records encounters with their photos and purges them on time. It
// is the one writer of photos and purge rows; it is safe for concurrent use.
type Keeper struct {
	store *record.Store
	vault *Vault
	opts  Options
	kick  chan struct{}

	mu    sync.Mutex // guards last, moves, lost, walKeys and unlinked
	last  runInfo
	moves []move // photo moves made in others' transactions, to settle
	lost  int    // photos Reconcile found missing since start-up (alarm)
	// walKeys: a checkpoint after keys were destroyed did not complete, so
	// the WAL may still hold them (an alarm until one completes).
	walKeys bool
	// unlinked: photos whose file a purge run removed while the disk was
	// full, before their records could be written (id -> when the file
	// went); the next run that can write records them as deleted then.
	unlinked map[string]time.Time

	// checkpointWait is the first pause between WAL checkpoint attempts
	// (doubling); zero means 100 ms.
	checkpointWait time.Duration

	galleries GalleryPurger // purged with the photos; nil when none

	// afterRemove, when set (tests), is called after each file removal of a
	// purge run with the count removed so far.
	afterRemove func(n int)
}

// New builds a Keeper over the store and vault.
func New(store *record.Store, vault *Vault, o Options) *Keeper {
	if o.Mode == "" {
		o.Mode = ModeAgency
	}
	if len(o.Schedule.Sets) == 0 {
		o.Schedule = DefaultSchedule()
	}
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 2000
	}
	return &Keeper{store: store, vault: vault, opts: o, kick: make(chan struct{}, 1)}
}

// GalleryPurger deletes cached flight galleries past departure plus grace.
// The keeper runs it with every photo purge (start-up, every interval, and
// `veriport purge`), at the same clock reading (the high-water mark).
type GalleryPurger interface {
	// PurgeGalleries deletes the galleries due at now, one purge-log row
	// each, or with dryRun only lists them (result "dry-run").
	PurgeGalleries(ctx context.Context, now time.Time, dryRun bool) ([]GalleryItem, error)
}

// SetGalleries makes every purge run also purge the flight galleries of g.
// Call it before Run.
func (k *Keeper) SetGalleries(g GalleryPurger) { k.galleries = g }

// Vault is the keeper's photo vault.
func (k *Keeper) Vault() *Vault { return k.vault }

// Mode is the deployment mode the keeper applies.
func (k *Keeper) Mode() string { return k.opts.Mode }

// auditKinds are the audit events an encounter's record stands for: the
// opt-out, the capture, the biometric decision, the manual document check.
func auditKinds(e *record.Encounter, photo bool) []string {
	var kinds []string
	if e.Outcome == "opt-out" {
		kinds = append(kinds, record.AuditOptOut)
	}
	if photo {
		kinds = append(kinds, record.AuditCapture)
	}
	switch e.Outcome {
	case "match", "no-match", "ambiguous":
		kinds = append(kinds, record.AuditMatch)
	}
	if !e.ManualCheckAt.IsZero() || e.Result == "verified" || e.Result == "referred" {
		kinds = append(kinds, record.AuditManualCheck)
	}
	if len(kinds) == 0 {
		kinds = append(kinds, record.AuditCapture)
	}
	return kinds
}

// withExemption adds to an audit entry's detail why the traveler was
// exempt and the rule set applied, when the record has them.
func withExemption(detail map[string]any, e *record.Encounter) map[string]any {
	if e.ExemptionReason != "" {
		detail["exemption"] = e.ExemptionReason
	}
	if e.RuleSet != "" {
		detail["rules"] = e.RuleSet
	}
	return detail
}

// RecordEncounter records e and, when photo is not nil, stores the photo in
// the vault with its purge deadline. The encounter row, its audit entry,
// whatever also writes (the transmittal outbox) and the photo file land
// together: the file is written (and fsynced) inside the transaction, before
// the commit, so the record never claims a photo the disk does not hold. A
// crash in between leaves at most a file no record names, removed by
// Reconcile. If the photo cannot be stored (a full disk: ErrNoSpace) the
// encounter is recorded with photo state "failed", nothing of the photo is
// left on disk, and the error wraps ErrPhotoNotStored.
func (k *Keeper) RecordEncounter(ctx context.Context, e *record.Encounter, photo []byte,
	also func(context.Context, *sql.Tx) error) error {
	now := k.opts.Clock.Now()
	if e.StartedAt.IsZero() {
		e.StartedAt = now
	}
	if photo != nil && e.ID != "" {
		if _, err := uuid.Parse(e.ID); err != nil || len(e.ID) != 36 {
			return fmt.Errorf("record encounter %q: an encounter with a photo needs a UUID id", e.ID)
		}
	}
	var key []byte
	var keyID string
	tx, err := k.store.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record encounter: %w", noSpace(err))
	}
	defer tx.Rollback()
	if photo != nil {
		if e.CapturedAt.IsZero() {
			e.CapturedAt = now
		}
		e.PhotoState = record.PhotoStored
		e.PurgeDeadline, e.RulesVersion = k.opts.Schedule.Deadline(k.opts.Mode, *e)
		e.VaultBucket = BucketFor(e.PurgeDeadline)
		if keyID, key, err = k.vault.bucketKey(ctx, tx, e.VaultBucket, now); err != nil {
			return fmt.Errorf("record encounter: %w", noSpace(err))
		}
		defer clear(key)
	}
	if err := record.InsertEncounter(ctx, tx, e); err != nil {
		return noSpace(err)
	}
	detail, _ := json.Marshal(withExemption(map[string]any{"outcome": e.Outcome, "result": e.Result,
		"category": e.Category, "photo": photo != nil, "flight": e.Flight}, e))
	for _, kind := range auditKinds(e, photo != nil) {
		if _, err := record.AppendAudit(ctx, tx, record.AuditEvent{At: now, Kind: kind,
			Actor: e.OfficerID, Subject: e.ID, Detail: string(detail)}); err != nil {
			return noSpace(err)
		}
	}
	if also != nil {
		if err := also(ctx, tx); err != nil {
			return fmt.Errorf("record encounter %s: %w", e.ID, noSpace(err))
		}
	}
	var werr error
	if photo != nil {
		if werr = k.vault.write(e.VaultBucket, e.ID, keyID, key, photo); werr != nil {
			e.PhotoState, e.PurgeDeadline, e.VaultBucket = record.PhotoFailed, time.Time{}, ""
			// Nothing of the photo is kept, the copy queued for the back end included.
			if err := record.MarkPhotoFailed(ctx, tx, e.ID); err != nil {
				return fmt.Errorf("record encounter %s: %w", e.ID, noSpace(err))
			}
			if err := record.DropQueuedPhotos(ctx, tx, e.ID); err != nil {
				return fmt.Errorf("record encounter %s: %w", e.ID, noSpace(err))
			}
		}
	}
	if err := tx.Commit(); err != nil {
		if photo != nil && werr == nil {
			k.vault.discard(e.VaultBucket, e.ID)
		}
		return fmt.Errorf("record encounter %s: %w", e.ID, noSpace(err))
	}
	if werr != nil {
		k.opts.Log.Error("retention: photo not stored; encounter recorded without it", "encounter", e.ID, "err", werr)
		return fmt.Errorf("encounter %s recorded without its photo: %w: %w", e.ID, ErrPhotoNotStored, werr)
	}
	if photo != nil {
		k.opts.Log.Debug("retention: photo stored", "encounter", e.ID, "bucket", e.VaultBucket,
			"deadline", e.PurgeDeadline, "rules", e.RulesVersion)
	}
	return nil
}

// FinishEncounter records how an encounter recorded at its decision ended:
// its end time, result, referral, verification, manual check and category.
// The purge deadline is computed again from the finished record (the one
// set at the decision was provisional: an unknown category gets the
// shortest rule) and the photo moves to the bucket of the new deadline.
// The manual-check audit entry and whatever also writes (the outbox) go in
// the same transaction. record.ErrNotFound when the encounter was never
// recorded.
func (k *Keeper) FinishEncounter(ctx context.Context, e *record.Encounter, also func(context.Context, *sql.Tx) error) error {
	now := k.opts.Clock.Now()
	tx, err := k.store.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("finish encounter: %w", noSpace(err))
	}
	defer tx.Rollback()
	cur, err := record.GetEncounter(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	cur.DoneAt, cur.Result, cur.Referral = e.DoneAt, e.Result, e.Referral
	cur.VerifiedAt, cur.ManualCheckAt, cur.Category = e.VerifiedAt, e.ManualCheckAt, e.Category
	cur.ExemptionReason, cur.RuleSet = e.ExemptionReason, e.RuleSet
	deadline, bucket, rules := cur.PurgeDeadline, cur.VaultBucket, cur.RulesVersion
	var mv *move
	if cur.PhotoState == record.PhotoStored {
		deadline, rules = k.opts.Schedule.Deadline(k.opts.Mode, cur)
		if nb := BucketFor(deadline); nb != bucket {
			mv, err = k.rebucket(ctx, tx, e.ID, bucket, nb)
			if err != nil {
				return fmt.Errorf("finish encounter %s: %w", e.ID, noSpace(err))
			}
			if mv != nil {
				bucket = nb
			}
		}
	}
	settle := func(committed bool) {
		if mv != nil && !committed {
			k.settle(*mv, mv.to)
		} else if mv != nil {
			k.settleAfter(ctx, *mv)
		}
	}
	cur.PurgeDeadline, cur.VaultBucket, cur.RulesVersion = deadline, bucket, rules
	err = record.FinishEncounter(ctx, tx, &cur)
	if err == nil && (!cur.ManualCheckAt.IsZero() || cur.Result == "verified" || cur.Result == "referred") {
		detail, _ := json.Marshal(withExemption(map[string]any{"outcome": cur.Outcome, "result": cur.Result,
			"category": cur.Category, "flight": cur.Flight}, &cur))
		_, err = record.AppendAudit(ctx, tx, record.AuditEvent{At: now, Kind: record.AuditManualCheck,
			Actor: cur.OfficerID, Subject: e.ID, Detail: string(detail)})
	}
	if err == nil && also != nil {
		err = also(ctx, tx)
	}
	if err == nil {
		err = tx.Commit()
	}
	settle(err == nil)
	if err != nil {
		return fmt.Errorf("finish encounter %s: %w", e.ID, noSpace(err))
	}
	*e = cur
	return nil
}

// Photo returns an encounter's photo from the vault (for the officer's
// screen or transmittal); ErrNoPhoto when it is not there. The reading is
// audited (actor, the encounter, purpose) before the photo is returned.
func (k *Keeper) Photo(ctx context.Context, id, actor, purpose string) ([]byte, error) {
	tx, err := k.store.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("photo of encounter %s: %w", id, err)
	}
	defer tx.Rollback()
	e, err := record.GetEncounter(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if e.PhotoState != record.PhotoStored {
		return nil, fmt.Errorf("encounter %s (%s): %w", id, e.PhotoState, ErrNoPhoto)
	}
	blob, err := k.vault.read(e.VaultBucket, id)
	if err != nil {
		return nil, fmt.Errorf("encounter %s: %w: %v", id, ErrNoPhoto, err)
	}
	photo, err := k.vault.DecryptFor(ctx, tx, id, blob, actor, purpose)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		clear(photo)
		return nil, fmt.Errorf("photo of encounter %s: audit the reading: %w", id, noSpace(err))
	}
	return photo, nil
}

// MarkVerified records that the encounter's identity was verified at `at`
// (after a manual check, say) and brings its purge deadline forward when the
// rules now give an earlier one. A deadline never moves later.
func (k *Keeper) MarkVerified(ctx context.Context, id string, at time.Time) error {
	return k.update(ctx, id, record.FieldVerifiedAt, at, func(e *record.Encounter) { e.VerifiedAt = at })
}

// Reclassify sets the encounter's traveler category (once a manual check
// has read the document, say) and brings the purge deadline forward when the
// new category's rule is shorter. A deadline never moves later.
func (k *Keeper) Reclassify(ctx context.Context, id, category string) error {
	return k.update(ctx, id, record.FieldCategory, category, func(e *record.Encounter) { e.Category = category })
}

// MarkAcknowledged records the back end's acknowledgment of the encounter's
// result. In partner mode the photo becomes due at once, and the purge job
// is woken to delete it.
func (k *Keeper) MarkAcknowledged(ctx context.Context, id string, at time.Time) error {
	if err := k.update(ctx, id, record.FieldAcknowledgedAt, at, func(e *record.Encounter) { e.AcknowledgedAt = at }); err != nil {
		return err
	}
	k.Kick()
	return nil
}

// EndTransmittal records that the encounter's result was refused by the
// back end for good (dead-lettered) at at. In partner mode the transmittal
// is then over, and the photo becomes due at once, as on acknowledgment:
// its deadline moves to at (never later) and the purge job is woken. In
// agency mode nothing changes (the category rule holds).
func (k *Keeper) EndTransmittal(ctx context.Context, id string, at time.Time) error {
	if k.opts.Mode != ModePartner {
		return nil
	}
	// purge_deadline twice: SQLite keeps the rightmost, the deadline updateTx
	// computes from the one set here (the earlier of the two).
	err := k.update(ctx, id, record.FieldPurgeDeadline, at, func(e *record.Encounter) {
		if e.PhotoState == record.PhotoStored && at.Before(e.PurgeDeadline) {
			e.PurgeDeadline = at.UTC()
		}
	})
	if errors.Is(err, record.ErrNotFound) {
		k.opts.Log.Warn("retention: dead letter for an encounter not on the record", "encounter", id)
		return nil
	}
	if err != nil {
		return fmt.Errorf("end of transmittal of %s: %w", id, err)
	}
	k.Kick()
	return nil
}

// Acknowledge is MarkAcknowledged inside tx: the transaction that marks the
// result delivered in the outbox, so that the delivery and the partner
// purge it triggers commit together or not at all. A photo whose deadline
// moves is re-encrypted into its new bucket now; its old file is removed by
// the purge run this wakes (or by the start-up reconciliation after a crash).
func (k *Keeper) Acknowledge(ctx context.Context, tx *sql.Tx, id string, at time.Time) error {
	mv, err := k.updateTx(ctx, tx, id, record.FieldAcknowledgedAt, at, func(e *record.Encounter) { e.AcknowledgedAt = at })
	if errors.Is(err, record.ErrNotFound) {
		// No encounter to acknowledge: never block the outbox on it.
		k.opts.Log.Warn("retention: acknowledgment for an encounter not on the record", "encounter", id)
		return nil
	}
	if err != nil {
		return err
	}
	if mv != nil {
		k.mu.Lock()
		k.moves = append(k.moves, *mv)
		k.mu.Unlock()
	}
	k.Kick()
	return nil
}

// update sets one column (a record.RetentionField) to value, applies
// the same change to the encounter in memory with set, and recomputes the
// purge deadline, keeping the earlier of the old and new.
func (k *Keeper) update(ctx context.Context, id string, field record.RetentionField, value any, set func(*record.Encounter)) error {
	tx, err := k.store.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("update encounter %s: %w", id, err)
	}
	defer tx.Rollback()
	mv, err := k.updateTx(ctx, tx, id, field, value, set)
	if err != nil {
		if mv != nil { // rolled back: the record still names the old file
			k.settle(*mv, mv.to)
		}
		return err
	}
	err = tx.Commit()
	if mv != nil {
		k.settleAfter(ctx, *mv)
	}
	if err != nil {
		return fmt.Errorf("update encounter %s: %w", id, err)
	}
	return nil
}

// updateTx is update inside tx. When the new deadline falls in another
// bucket the photo is re-encrypted there (see rebucket) and the move is
// returned: the caller removes the file the commit did not keep.
func (k *Keeper) updateTx(ctx context.Context, tx *sql.Tx, id string, field record.RetentionField, value any,
	set func(*record.Encounter)) (*move, error) {
	e, err := record.GetEncounter(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	set(&e)
	deadline, bucket := e.PurgeDeadline, e.VaultBucket
	var mv *move
	if e.PhotoState == record.PhotoStored {
		if d, _ := k.opts.Schedule.Deadline(k.opts.Mode, e); d.Before(deadline) {
			deadline = d
		}
		if nb := BucketFor(deadline); nb != e.VaultBucket {
			mv, err = k.rebucket(ctx, tx, id, e.VaultBucket, nb)
			if IsNoSpace(err) {
				// No room for the re-encrypted copy: move only the deadline. The
				// photo stays in its bucket and the purge deletes it on time
				// all the same; only the crypto-erase waits for that bucket.
				k.opts.Log.Warn("retention: disk full, photo kept in its bucket; its deadline moves",
					"encounter", id, "deadline", deadline.UTC().Format(time.RFC3339))
				mv, err = nil, nil
			}
			if err != nil {
				return nil, fmt.Errorf("update encounter %s: %w", id, err)
			}
			if mv != nil {
				bucket = nb
			}
		}
	}
	if err := record.SetRetentionField(ctx, tx, id, field, value, deadline, bucket); err != nil {
		return mv, err
	}
	return mv, nil
}

// move is a photo re-encrypted from one bucket into another: until the
// transaction naming the new bucket commits, both files exist.
type move struct{ id, from, to string }

// rebucket re-encrypts a stored photo under the key of the bucket of its
// new (earlier) deadline, so that destroying that bucket's key at the purge
// makes every copy of the file unreadable, whatever else its first bucket
// still holds. A photo whose file is missing is left as it is (the purge
// logs it absent): nil move.
func (k *Keeper) rebucket(ctx context.Context, tx *sql.Tx, id, from, to string) (*move, error) {
	blob, err := k.vault.read(from, id)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("move photo to bucket %s: %w", to, err)
	}
	photo, err := k.vault.DecryptFor(ctx, tx, id, blob, "system", "re-encrypt under the key of its earlier deadline") // never re-encrypt another encounter's file as this one's
	if err != nil {
		return nil, fmt.Errorf("move photo to bucket %s: %w", to, err)
	}
	defer clear(photo)
	keyID, key, err := k.vault.bucketKey(ctx, tx, to, k.opts.Clock.Now())
	if err != nil {
		return nil, fmt.Errorf("move photo to bucket %s: %w", to, err)
	}
	defer clear(key)
	if err := k.vault.write(to, id, keyID, key, photo); err != nil {
		return nil, fmt.Errorf("move photo to bucket %s: %w", to, err)
	}
	return &move{id: id, from: from, to: to}, nil
}

// settleAfter removes whichever file of a move the record does not name
// (the old one once the move committed, the new one if it did not).
func (k *Keeper) settleAfter(ctx context.Context, mv move) {
	e, err := record.GetEncounter(ctx, k.store.DB, mv.id)
	if err != nil {
		k.opts.Log.Warn("retention: photo move not settled; left to the start-up check", "encounter", mv.id, "err", err)
		return
	}
	switch e.VaultBucket {
	case mv.to:
		k.settle(mv, mv.from)
	case mv.from:
		k.settle(mv, mv.to)
	}
}

// settle removes the file of the move in bucket and makes it durable.
func (k *Keeper) settle(mv move, bucket string) {
	existed, err := k.vault.remove(bucket, mv.id)
	if err == nil && existed && !k.vault.NoSync {
		err = k.vault.fs.SyncDir(filepath.Join(k.vault.dir, bucket))
	}
	if err != nil {
		k.opts.Log.Warn("retention: superseded photo file not removed; left to the start-up check",
			"encounter", mv.id, "bucket", bucket, "err", err)
	}
}

// settleMoves settles the moves made inside other transactions
// (Acknowledge); the purge run calls it before it looks for due photos.
func (k *Keeper) settleMoves(ctx context.Context) {
	k.mu.Lock()
	moves := k.moves
	k.moves = nil
	k.mu.Unlock()
	for _, mv := range moves {
		k.settleAfter(ctx, mv)
	}
}

// Kick asks a running purge job (Run) to purge now rather than at its next tick.
func (k *Keeper) Kick() {
	select {
	case k.kick <- struct{}{}:
	default:
	}
}
