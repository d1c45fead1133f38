package retention

import (
	"context"
	"fmt"
	"time"

	"veriport/record"
)

// maxRetryWait caps the wait between failing purge runs (unless the
// interval itself is longer).
const maxRetryWait = 5 * time.Minute

// Run is the purge job: a purge at once (catching up after downtime), then
// one every interval and whenever Kick is called, until ctx ends. Errors are
// kept for Status (the alarm) and the job keeps going; while runs keep
// failing (a full disk, say) it waits twice as long after each failure, up
// to maxRetryWait, and logs the error once, then the recovery.
func (k *Keeper) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = time.Minute
	}
	failures := 0
	for {
		rep, err := k.Purge(ctx, false)
		wait := interval
		switch {
		case err != nil && ctx.Err() != nil:
		case err != nil:
			failures++
			wait = retryWait(interval, failures)
			if failures == 1 {
				k.opts.Log.Error("retention: purge run failed; retrying with backoff until it succeeds",
					"err", err, "retry_in", wait)
			} else {
				k.opts.Log.Debug("retention: purge run failed again", "failures", failures, "err", err, "retry_in", wait)
			}
		default:
			if failures > 0 {
				k.opts.Log.Info("retention: purge runs again", "failed_runs", failures)
				failures = 0
			}
			if rep.Overdue > 0 {
				k.opts.Log.Error("retention: photos overdue for purge", "overdue", rep.Overdue)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-k.kick:
			t.Stop()
		}
	}
}

// retryWait is the wait after the n-th failing run in a row: the interval
// doubled n-1 times, at most maxRetryWait (or the interval when longer).
func retryWait(interval time.Duration, n int) time.Duration {
	limit := max(interval, maxRetryWait)
	d := interval
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// Status is the retention summary the status bar shows.
type Status struct {
	Mode    string `json:"mode"`
	Stored  int    `json:"stored"`  // photos in the vault
	Overdue int    `json:"overdue"` // past deadline by more than OverdueGrace
	// Lost is how many photos recorded as stored the start-up check found
	// missing from the vault (now photo state "lost").
	Lost  int  `json:"lost"`
	Alarm bool `json:"alarm"` // Overdue > 0, Lost > 0, the last run failed, or KeysInWAL
	// KeysInWAL: destroyed keys may remain in the database journal (a WAL
	// checkpoint kept busy by readers); cleared when a checkpoint completes.
	KeysInWAL    bool      `json:"keys_in_wal,omitempty"`
	NextDeadline time.Time `json:"next_deadline,omitzero"`
	LastRun      time.Time `json:"last_run,omitzero"`
	LastDeleted  int       `json:"last_deleted"`
	LastError    string    `json:"last_error,omitempty"`
}

// String is the status-bar text.
func (s Status) String() string {
	switch {
	case s.Lost > 0:
		return fmt.Sprintf("Retention: %d photo(s) LOST (recorded, not in the vault) — tell a supervisor", s.Lost)
	case s.Overdue > 0:
		return fmt.Sprintf("Retention: %d photo(s) OVERDUE for purge", s.Overdue)
	case s.LastError != "":
		return "Retention: purge failing — see log"
	case s.KeysInWAL:
		return "Retention: destroyed keys may remain in the database journal — checkpoint retried, see log"
	}
	return fmt.Sprintf("Retention: %d photo(s) held", s.Stored)
}

// Status reads the current retention status (no Fyne: the UI formats it).
func (k *Keeper) Status(ctx context.Context) (Status, error) {
	s := Status{Mode: k.opts.Mode}
	now, err := k.effectiveNow(ctx, false)
	if err != nil {
		return s, err
	}
	if s.Overdue, err = OverdueCount(ctx, k.store.DB, now); err != nil {
		return s, err
	}
	if s.Stored, s.NextDeadline, err = record.VaultSummary(ctx, k.store.DB); err != nil {
		return s, fmt.Errorf("retention status: %w", err)
	}
	k.mu.Lock()
	s.Lost = k.lost
	s.LastRun, s.LastDeleted = k.last.at, k.last.report.Deleted
	if k.last.err != nil {
		s.LastError = k.last.err.Error()
	}
	s.KeysInWAL = k.walKeys
	k.mu.Unlock()
	s.Alarm = s.Overdue > 0 || s.Lost > 0 || s.LastError != "" || s.KeysInWAL
	return s, nil
}

// PurgeEntry is one purge-log row (see record.PurgeEntry).
type PurgeEntry = record.PurgeEntry

// LogPurge writes one purge-log row for a deletion made outside the photo
// vault (a gallery's expiry, say: Kind "gallery") and appends a purge entry
// to the audit chain, in one transaction. PurgedAt defaults to now.
func LogPurge(ctx context.Context, store *record.Store, p PurgeEntry) error {
	if p.PurgedAt.IsZero() {
		p.PurgedAt = time.Now()
	}
	tx, err := store.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("purge log: %w", err)
	}
	defer tx.Rollback()
	if err := record.InsertPurge(ctx, tx, p); err != nil {
		return err
	}
	if _, err := record.AppendAudit(ctx, tx, record.AuditEvent{At: p.PurgedAt, Kind: record.AuditPurge,
		Actor: "system", Subject: p.Kind + ":" + p.SubjectID,
		Detail: fmt.Sprintf(`{"method":%q,"result":%q}`, p.Method, p.Result)}); err != nil {
		return err
	}
	return tx.Commit()
}

// PurgeLogger adapts LogPurge to the gallery's interface
// LogPurge(ctx, kind, id, deadline, purgedAt, method, result).
type PurgeLogger struct{ Store *record.Store }

// LogPurge writes one purge-log row (see the package function LogPurge).
func (l PurgeLogger) LogPurge(ctx context.Context, kind, id string, deadline, purgedAt time.Time, method, result string) error {
	return LogPurge(ctx, l.Store, PurgeEntry{Kind: kind, SubjectID: id, Deadline: deadline,
		PurgedAt: purgedAt, Method: method, Result: result})
}
