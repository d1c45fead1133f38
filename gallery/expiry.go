package gallery

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
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

// PurgeOrphan is the result logged for a cache file no record names (a
// bundle or temporary file left by a crash between writes), swept by every
// purge; the same string as record.ResultOrphan.
const PurgeOrphan = "orphan"

// Due lists the cached flights whose deadline is at or before now. A record
// that cannot be read is due at once.
func (c *Cache) Due(now time.Time, grace time.Duration) ([]Record, error) {
	unlock, err := c.lock(false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return c.due(now, grace)
}

// due is Due; caller holds the lock.
func (c *Cache) due(now time.Time, grace time.Duration) ([]Record, error) {
	recs, err := c.records()
	if err != nil {
		return nil, err
	}
	var due []Record
	for _, r := range recs {
		if r.Unreadable || !now.Before(r.Deadline(grace)) {
			due = append(due, r)
		}
	}
	return due, nil
}

// Purge deletes every flight whose deadline is at or before now (and every
// record that cannot be read), sweeps the files no record names (logged
// "orphan"), makes the removals durable (fsync of the cache folder) and then
// logs each deletion as "deleted" (or "failed"). It returns the records
// deleted; a failure to delete or to log is returned after the rest are
// done. The whole run holds the folder's lock, so no other process stores
// a bundle under a key it is about to replace.
func (c *Cache) Purge(ctx context.Context, now time.Time, grace time.Duration, log PurgeLogger) ([]Record, error) {
	unlock, err := c.lock(true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	due, err := c.due(now, grace)
	if err != nil {
		return nil, err
	}
	var done []Record
	var errs []error
	results := make([]string, len(due))
	for i, r := range due {
		results[i] = PurgeDeleted
		if rmErr := c.remove(r.Key); rmErr != nil {
			results[i] = PurgeFailed
			errs = append(errs, fmt.Errorf("purge gallery %s: %w", r.Key, rmErr))
		}
	}
	orphans, orphanErr := c.sweepOrphans()
	if orphanErr != nil {
		errs = append(errs, orphanErr)
	}
	if len(due) == 0 && len(orphans) == 0 {
		return nil, errors.Join(errs...)
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
	for _, name := range orphans {
		if err := log.LogPurge(ctx, PurgeKind, name, now, now, PurgeMethod, PurgeOrphan); err != nil {
			errs = append(errs, fmt.Errorf("log sweep of gallery cache file %s: %w", name, err))
		}
	}
	if len(done) > 0 || len(orphans) > 0 {
		if err := c.destroyKeyIfEmpty(); err != nil {
			errs = append(errs, fmt.Errorf("destroy gallery cache key: %w", err))
		}
	}
	return done, errors.Join(errs...)
}

// sweepOrphans removes the bundles no record names and the temporary files
// of interrupted writes, and returns their names. Caller holds the
// exclusive lock, so no write of this or another process is under way.
func (c *Cache) sweepOrphans() ([]string, error) {
	ents, err := os.ReadDir(c.dir)
	if err != nil {
		return nil, fmt.Errorf("sweep gallery cache: %w", err)
	}
	var gone []string
	var errs []error
	for _, e := range ents {
		name := e.Name()
		orphan := strings.HasPrefix(name, tmpPrefix)
		if key, ok := strings.CutSuffix(name, bundleExt); ok && !e.IsDir() {
			_, err := os.Stat(filepath.Join(c.dir, key+recordExt))
			orphan = errors.Is(err, fs.ErrNotExist)
		}
		if !orphan {
			continue
		}
		if err := os.Remove(filepath.Join(c.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("sweep gallery cache file %s: %w", name, err))
			continue
		}
		gone = append(gone, name)
	}
	return gone, errors.Join(errs...)
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
