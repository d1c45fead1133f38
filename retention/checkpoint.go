package retention

import (
	"context"
	"fmt"
	"time"
)

// Checkpoint tuning: attempts after the first, and the busy timeout of each
// attempt (a reader holding an old snapshot makes the checkpoint wait).
const (
	checkpointRetries = 4
	checkpointBusyMS  = 250
)

// checkpointWAL copies the WAL into the database and truncates it, so that
// no destroyed key or deleted row lingers in the -wal file. SQLite reports a
// checkpoint that readers kept from completing as busy, without an error:
// it is retried with backoff. keysInWAL reports whether the WAL may still
// hold destroyed keys (the run destroyed keys, or an earlier one left them)
// and feeds the retention alarm until a checkpoint completes.
func (k *Keeper) checkpointWAL(ctx context.Context, destroyedKeys bool) (keysInWAL bool, err error) {
	k.mu.Lock()
	pending := k.walKeys || destroyedKeys
	k.mu.Unlock()
	busy, err := k.tryCheckpoint(ctx)
	keysInWAL = pending && (busy || err != nil)
	k.mu.Lock()
	k.walKeys = keysInWAL
	k.mu.Unlock()
	if keysInWAL {
		k.opts.Log.Error("retention: WAL checkpoint did not complete; destroyed keys may remain in the database journal",
			"err", err)
	}
	return keysInWAL, err
}

// tryCheckpoint runs wal_checkpoint(TRUNCATE) until it is not busy, at most
// 1+checkpointRetries times, on one connection with a short busy timeout.
func (k *Keeper) tryCheckpoint(ctx context.Context) (busy bool, err error) {
	conn, err := k.store.DB.Conn(ctx)
	if err != nil {
		return true, fmt.Errorf("WAL checkpoint: %w", err)
	}
	defer conn.Close()
	var saved int
	if err := conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&saved); err != nil {
		return true, fmt.Errorf("WAL checkpoint: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, checkpointBusyMS)); err != nil {
		return true, fmt.Errorf("WAL checkpoint: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA busy_timeout = %d`, saved))
	wait := k.checkpointWait
	if wait <= 0 {
		wait = 100 * time.Millisecond
	}
	for attempt := 0; ; attempt++ {
		var b, logFrames, done int
		if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&b, &logFrames, &done); err != nil {
			return true, fmt.Errorf("WAL checkpoint: %w", err)
		}
		if b == 0 {
			return false, nil
		}
		if attempt == checkpointRetries {
			return true, nil
		}
		select {
		case <-ctx.Done():
			return true, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func (k *Keeper) keysInWAL() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.walKeys
}
