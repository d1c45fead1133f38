package gallery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"
)

// DefaultGrace is how long after scheduled departure a gallery is kept.
const DefaultGrace = 12 * time.Hour

// PurgeLogger documents deletions. retention's purge log implements it; the
// slog implementation below serves until it is wired in.
type PurgeLogger interface {
	// LogPurge records that the item kind/id, due at deadline, was deleted
	// at purgedAt by method with result ("deleted" or "failed").
	LogPurge(ctx context.Context, kind, id string, deadline, purgedAt time.Time, method, result string) error
}

// SlogPurgeLogger writes purge entries to a structured log.
type SlogPurgeLogger struct{ Log *slog.Logger }

// LogPurge logs one deletion at Info level.
func (l SlogPurgeLogger) LogPurge(ctx context.Context, kind, id string, deadline, purgedAt time.Time, method, result string) error {
	log := l.Log
	if log == nil {
		log = slog.Default()
	}
	log.InfoContext(ctx, "purged", "kind", kind, "id", id, "deadline", deadline.UTC().Format(time.RFC3339),
		"purged_at", purgedAt.UTC().Format(time.RFC3339), "method", method, "result", result)
	return nil
}

// The kind and method under which gallery deletions are logged; the same
// strings as record.PurgeKindGallery and record.MethodFileDelete.
const (
	PurgeKind   = "gallery"
	PurgeMethod = "file-delete"
	// PurgeDeleted and PurgeFailed are the results logged: the same strings
	// as record.ResultDeleted and record.ResultFailed.
	PurgeDeleted = "deleted"
	PurgeFailed  = "failed"
)

// Deadline is when a cached flight's gallery must be gone: scheduled
// departure plus grace. A record without a known departure (a refusal
// before any header was read) counts from the end of its date.
func (r Record) Deadline(grace time.Duration) time.Time {
	dep := r.Flight.Departure
	if dep.IsZero() {
		d, err := time.Parse(time.DateOnly, r.Flight.Date)
		if err != nil {
			return time.Time{} // unknown date: due now
		}
		dep = d.Add(24 * time.Hour)
	}
	return dep.Add(grace)
}

// Due lists the cached flights whose deadline is at or before now.
func (c *Cache) Due(now time.Time, grace time.Duration) ([]Record, error) {
	recs, err := c.Records()
	if err != nil {
		return nil, err
	}
	var due []Record
	for _, r := range recs {
		if !now.Before(r.Deadline(grace)) {
			due = append(due, r)
		}
	}
	return due, nil
}

// Purge deletes every flight whose deadline is at or before now, makes the
// removals durable (fsync of the cache folder) and then logs each deletion
// as "deleted" (or "failed"). It returns the records deleted; a failure to
// delete or to log is returned after the rest are done.
func (c *Cache) Purge(ctx context.Context, now time.Time, grace time.Duration, log PurgeLogger) ([]Record, error) {
	due, err := c.Due(now, grace)
	if err != nil || len(due) == 0 {
		return nil, err
	}
	var done []Record
	var errs []error
	results := make([]string, len(due))
	for i, r := range due {
		results[i] = PurgeDeleted
		if rmErr := c.Remove(r.Key); rmErr != nil {
			results[i] = PurgeFailed
			errs = append(errs, fmt.Errorf("purge gallery %s: %w", r.Key, rmErr))
		}
	}
	if err := syncDir(c.dir); err != nil {
		errs = append(errs, fmt.Errorf("purge galleries: sync cache folder: %w", err))
		for i := range results {
			results[i] = PurgeFailed
		}
	}
	for i, r := range due {
		if results[i] == PurgeDeleted {
			done = append(done, r)
		}
		if err := log.LogPurge(ctx, PurgeKind, r.Key, r.Deadline(grace), now, PurgeMethod, results[i]); err != nil {
			errs = append(errs, fmt.Errorf("log purge of gallery %s: %w", r.Key, err))
		}
	}
	if len(done) > 0 {
		if err := c.destroyKeyIfEmpty(); err != nil {
			errs = append(errs, fmt.Errorf("destroy gallery cache key: %w", err))
		}
	}
	return done, errors.Join(errs...)
}

// syncDir makes a folder's entries (removals) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// PurgeLoop purges at once and then every interval until ctx ends; the
// workstation runs it in the background. now is the clock (nil: time.Now);
// errors go to onErr (may be nil).
func (c *Cache) PurgeLoop(ctx context.Context, interval, grace time.Duration, log PurgeLogger,
	now func() time.Time, onErr func(error)) {
	if now == nil {
		now = time.Now
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := c.Purge(ctx, now(), grace, log); err != nil && onErr != nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
