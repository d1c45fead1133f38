package booth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"veriport/retention"
)

// DefaultReserve is the memory a Queue keeps for records waiting for disk
// space: about a shift of photos.
const DefaultReserve = 64 << 20

// Queue is a Recorder that loses nothing to a full disk. What the recorder
// under it cannot write for lack of space (retention.IsNoSpace) is kept in
// memory, in order, within a reserve of bytes set aside for exactly this,
// and written as soon as space returns (Flush, Run); once something waits,
// everything after it waits behind it, so the record keeps its order.
// Pending says how many records wait.
type Queue struct {
	next    Recorder
	reserve int
	// OnError, when set, hears of a waiting record that failed for another
	// reason than space when it was finally written (it is dropped).
	OnError func(error)
	// FileReserve is the disk space set aside beside the file of waiting
	// records (KeepIn); 0 means DefaultFileReserve.
	FileReserve int64

	mu      sync.Mutex
	waiting []pendingOp
	held    int // bytes held by waiting records

	// file keeps the waiting records across a quit or a crash (KeepIn);
	// keptErr is why its last write failed.
	file    string
	sealer  PendingSealer
	keptErr error
}

// pendingOp is one call waiting for space: an encounter (with its photo)
// or an audit entry.
type pendingOp struct {
	rec   *Record
	photo []byte
	audit *AuditEntry
	// sealed is the photo as the file of waiting records keeps it.
	sealed []byte
}

var _ Recorder = (*Queue)(nil)

// NewQueue wraps next; reserve is the memory kept for waiting records
// (0: DefaultReserve).
func NewQueue(next Recorder, reserve int) *Queue {
	if reserve <= 0 {
		reserve = DefaultReserve
	}
	return &Queue{next: next, reserve: reserve}
}

// RecordEncounter implements Recorder.
func (q *Queue) RecordEncounter(ctx context.Context, r Record, photo []byte) error {
	return q.do(ctx, pendingOp{rec: &r, photo: photo})
}

// Audit implements Recorder.
func (q *Queue) Audit(ctx context.Context, kind, actor, subject, detail string) error {
	return q.do(ctx, pendingOp{audit: &AuditEntry{kind, actor, subject, detail}})
}

// Pending is how many travelers' encounters wait for disk space (an
// encounter recorded at its decision and again at its end counts once).
func (q *Queue) Pending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.pendingLocked()
}

func (q *Queue) pendingLocked() int {
	ids := map[string]bool{}
	for _, op := range q.waiting {
		if op.rec != nil {
			ids[op.rec.ID] = true
		}
	}
	return len(ids)
}

// Waiting is how many calls (encounters and audit entries) wait.
func (q *Queue) Waiting() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.waiting)
}

// Flush writes the waiting records in order; it stops at the first that
// still cannot be written for lack of space (nil error) or fails otherwise
// (that record is dropped from the queue and the error returned).
func (q *Queue) Flush(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.flushLocked(ctx)
}

// Run flushes every interval until ctx ends.
func (q *Queue) Run(ctx context.Context, interval time.Duration, onErr func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := q.Flush(ctx); err != nil && onErr != nil {
				onErr(err)
			}
		}
	}
}

func (q *Queue) do(ctx context.Context, op pendingOp) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.flushLocked(ctx); err != nil && q.OnError != nil {
		q.OnError(err)
	}
	if len(q.waiting) == 0 {
		err := q.apply(ctx, op)
		if !retention.IsNoSpace(err) || errors.Is(err, retention.ErrPhotoNotStored) {
			return err
		}
	}
	if q.held+len(op.photo) > q.reserve {
		return E("record", ReserveFull, fmt.Errorf("%d waiting", len(q.waiting)))
	}
	op.photo = bytes.Clone(op.photo) // the caller wipes its copy
	q.held += len(op.photo)
	q.waiting = append(q.waiting, op)
	q.saveLocked()
	return nil
}

func (q *Queue) apply(ctx context.Context, op pendingOp) error {
	if op.audit != nil {
		a := op.audit
		return q.next.Audit(ctx, a.Kind, a.Actor, a.Subject, a.Detail)
	}
	return q.next.RecordEncounter(ctx, *op.rec, op.photo)
}

func (q *Queue) flushLocked(ctx context.Context) error {
	if n := len(q.waiting); n > 0 {
		defer func() {
			if len(q.waiting) != n {
				q.saveLocked()
			}
		}()
	}
	for len(q.waiting) > 0 {
		op := q.waiting[0]
		err := q.apply(ctx, op)
		if retention.IsNoSpace(err) && !errors.Is(err, retention.ErrPhotoNotStored) {
			return nil // still full: keep waiting
		}
		clear(op.photo)
		q.held -= len(op.photo)
		q.waiting[0] = pendingOp{}
		q.waiting = q.waiting[1:]
		if err != nil && !errors.Is(err, retention.ErrPhotoNotStored) {
			return fmt.Errorf("writing a record kept for lack of space: %w", err)
		}
	}
	return nil
}
