package backend

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"veriport/transmit"
)

// Group commit: results received at the same time are stored by one
// transaction (one multi-row INSERT, one commit, one fsync) instead of one
// each. Put hands its result to a committer goroutine and waits; the
// committer takes every result waiting at that moment (up to maxBatchRows
// rows, maxBatchBytes of messages), stores them together and answers each
// Put only after the commit. No result waits for a timer: a batch is
// whatever arrived while the previous one was being committed.
const (
	maxBatchRows  = 256     // 31 placeholders a row: well under SQLite's and PostgreSQL's limits
	maxBatchBytes = 8 << 20 // bodies in one statement (one partner photo fits alone)
	batchTimeout  = 30 * time.Second
)

// resultColumns are the results columns Put fills, in rowArgs's order.
const resultColumns = `encounter_id, version, station,
		officer_id, flight, result_date, done_at, started_at, captured_at, decided_at, manual_check_at,
		decision_ms, outcome, result, final, referral, traveler_id, category, distance, quality, threshold,
		threshold_calibrated, gallery_id, gallery_version, audit_seq, audit_hash, received_at, body,
		exemption_reason, rule_set, engine`

// resultPlaceholders is one row's "(?, ?, …)" for resultColumns.
var resultPlaceholders = "(?" + strings.Repeat(", ?", strings.Count(resultColumns, ",")) + ")"

// putReq is one result waiting for its batch's commit.
type putReq struct {
	ctx  context.Context
	res  *transmit.Result
	body []byte
	now  time.Time
	done chan putAns
}

type putAns struct {
	dup bool
	err error
}

func (rq *putReq) answer(dup bool, err error) { rq.done <- putAns{dup, err} }

// committers is how many batches may be in flight at once: PostgreSQL
// overlaps one batch's commit with the next one's insert; SQLite has one
// writer.
func (s *Store) committers() int {
	if s.pg {
		return 3
	}
	return 1
}

// startCommitters starts the committer goroutines once (not after Close).
func (s *Store) startCommitters() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.queue != nil {
		return
	}
	s.queue = make(chan *putReq) // unbuffered: a result is either taken by a committer or not queued at all
	s.closing = make(chan struct{})
	if s.closed {
		close(s.closing)
		return
	}
	for range s.committers() {
		s.workers.Add(1)
		go s.commitLoop()
	}
}

// stopCommitters lets the committers finish their batches and end.
func (s *Store) stopCommitters() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		if s.closing != nil {
			close(s.closing)
		}
	}
	s.mu.Unlock()
	s.workers.Wait()
}

// Put stores res (body is the message as received) unless its encounter id
// is already stored; duplicate says it was. A stored result is only
// acknowledged again when res says the same (SameContent); otherwise Put
// returns ErrConflict and keeps the stored one. res.EncounterID must be
// canonical (Decode makes it so). Put returns once the transaction holding
// the result has committed (see the group commit above).
func (s *Store) Put(ctx context.Context, res *transmit.Result, body []byte, now time.Time) (duplicate bool, err error) {
	s.startCommitters()
	rq := &putReq{ctx: ctx, res: res, body: body, now: now, done: make(chan putAns, 1)}
	select {
	case s.queue <- rq:
	case <-s.closing:
		return false, fmt.Errorf("%w: the results database is closed", ErrStore)
	case <-ctx.Done():
		return false, fmt.Errorf("%w: store result: %v", ErrStore, ctx.Err())
	}
	select {
	case a := <-rq.done:
		return a.dup, a.err
	case <-ctx.Done():
		// The batch may still commit: a resend is then acknowledged as a
		// duplicate.
		return false, fmt.Errorf("%w: store result: %v", ErrStore, ctx.Err())
	}
}

func (s *Store) commitLoop() {
	defer s.workers.Done()
	for {
		var first *putReq
		select {
		case first = <-s.queue:
		case <-s.closing:
			return
		}
		batch, size := []*putReq{first}, len(first.body)
	fill:
		for len(batch) < maxBatchRows && size < maxBatchBytes {
			select {
			case rq := <-s.queue:
				batch = append(batch, rq)
				size += len(rq.body)
			default:
				break fill
			}
		}
		s.commitBatch(batch)
	}
}

// commitBatch stores a batch and answers each of its requests. A result
// whose encounter id comes twice in the batch waits for the first one's
// commit and is then checked against it as any resend is. When the batch's
// transaction fails, each result is tried alone, so one result the
// database refuses does not fail the others.
func (s *Store) commitBatch(batch []*putReq) {
	var now, later []*putReq
	seen := make(map[string]bool, len(batch))
	for _, rq := range batch {
		if err := rq.ctx.Err(); err != nil {
			rq.answer(false, fmt.Errorf("%w: store result: %v", ErrStore, err))
			continue
		}
		if seen[rq.res.EncounterID] {
			later = append(later, rq)
			continue
		}
		seen[rq.res.EncounterID] = true
		now = append(now, rq)
	}
	if len(now) > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
		ans, err := s.putBatch(ctx, now)
		cancel()
		switch {
		case err == nil:
			for i, rq := range now {
				rq.answer(ans[i].dup, ans[i].err)
			}
		case len(now) == 1:
			now[0].answer(false, err)
		default:
			for _, rq := range now {
				s.commitBatch([]*putReq{rq})
			}
		}
	}
	if len(later) > 0 {
		s.commitBatch(later)
	}
}

// putBatch inserts the batch's results (distinct encounter ids) in one
// transaction and says, for each, whether it was new, a duplicate, or a
// conflict. An error means nothing of the batch is known to be stored.
func (s *Store) putBatch(ctx context.Context, batch []*putReq) ([]putAns, error) {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: store result: %v", ErrStore, err)
	}
	defer tx.Rollback()
	var q strings.Builder
	q.WriteString("INSERT INTO results (" + resultColumns + ") VALUES ")
	args := make([]any, 0, len(batch)*(strings.Count(resultColumns, ",")+1))
	for i, rq := range batch {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(resultPlaceholders)
		args = append(args, s.rowArgs(rq.res, rq.body, rq.now)...)
	}
	q.WriteString(" ON CONFLICT (encounter_id) DO NOTHING RETURNING encounter_id")
	rows, err := tx.QueryContext(ctx, s.Rebind(q.String()), args...)
	if err != nil {
		return nil, fmt.Errorf("%w: store result: %v", ErrStore, err)
	}
	inserted := make(map[string]bool, len(batch))
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("%w: store result: %v", ErrStore, err)
		}
		inserted[canonicalOr(id)] = true
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("%w: store result: %v", ErrStore, err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%w: store result: %v", ErrStore, err)
	}
	var known []any
	for _, rq := range batch {
		if !inserted[rq.res.EncounterID] {
			known = append(known, rq.res.EncounterID)
		}
	}
	stored := map[string][]byte{}
	if len(known) > 0 {
		if stored, err = storedBodies(ctx, s, tx, known); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("%w: store result: %v", ErrStore, err)
	}
	s.commits.Add(1)
	ans := make([]putAns, len(batch))
	for i, rq := range batch {
		if inserted[rq.res.EncounterID] {
			continue
		}
		ans[i] = putAns{dup: true, err: compareStored(rq.res, stored[rq.res.EncounterID])}
	}
	return ans, nil
}

// storedBodies reads the stored messages of ids (encounter id -> body).
func storedBodies(ctx context.Context, s *Store, tx *sql.Tx, ids []any) (map[string][]byte, error) {
	q := `SELECT encounter_id, body FROM results WHERE encounter_id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
	rows, err := tx.QueryContext(ctx, s.Rebind(q), ids...)
	if err != nil {
		return nil, fmt.Errorf("%w: read stored result: %v", ErrStore, err)
	}
	defer rows.Close()
	out := make(map[string][]byte, len(ids))
	for rows.Next() {
		var id string
		var body []byte
		if err := rows.Scan(&id, &body); err != nil {
			return nil, fmt.Errorf("%w: read stored result: %v", ErrStore, err)
		}
		out[canonicalOr(id)] = body
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%w: read stored result: %v", ErrStore, err)
	}
	return out, nil
}

// compareStored is nil when res says what the stored message says, else
// ErrConflict.
func compareStored(res *transmit.Result, stored []byte) error {
	if stored == nil {
		return fmt.Errorf("%w: encounter %s: neither stored nor inserted", ErrStore, res.EncounterID)
	}
	var prev transmit.Result
	if err := json.Unmarshal(stored, &prev); err != nil {
		return fmt.Errorf("%w: encounter %s: the stored result is unreadable: %v", ErrConflict, res.EncounterID, err)
	}
	if !SameContent(prev, *res) {
		return fmt.Errorf("%w: encounter %s", ErrConflict, res.EncounterID)
	}
	return nil
}

// canonicalOr is id in canonical form, or id as it is.
func canonicalOr(id string) string {
	if c, err := transmit.CanonicalID(id); err == nil {
		return c
	}
	return id
}

// rowArgs are res's values for resultColumns.
func (s *Store) rowArgs(res *transmit.Result, body []byte, now time.Time) []any {
	version := res.Version
	if version == 0 {
		version = transmit.Version1
	}
	started := res.StartedAt
	if started.IsZero() { // version 1: only the end is known
		started = res.Time
	}
	quality := ""
	if res.Quality != nil {
		b, _ := json.Marshal(res.Quality)
		quality = string(b)
	}
	var manualAt time.Time
	referral := ""
	if m := res.ManualCheck; m != nil {
		manualAt, referral = m.At, m.Reason
	}
	var auditSeq any
	if res.AuditSeq > 0 {
		auditSeq = res.AuditSeq
	}
	return []any{res.EncounterID, version, res.Station, res.Officer, res.Flight, s.dateArg(res.Time),
		s.TimeArg(res.Time), s.TimeArg(started), s.nullTime(res.CapturedAt), s.nullTime(res.DecidedAt),
		s.nullTime(manualAt), res.DecisionMS, res.Outcome, res.BoothResult(), res.Final, referral,
		res.TravelerID, res.Category, res.Distance, quality, res.Threshold, res.ThresholdCalibrated,
		res.GalleryID, res.GalleryVersion, auditSeq, res.AuditHash, s.TimeArg(now), body,
		res.ExemptionReason, res.RuleSet, res.Engine}
}
