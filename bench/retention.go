package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"time"

	"veriport/record"
	"veriport/retention"
)

// purgeBenchPhotos is how many due photos purge_10k_ms deletes.
const purgeBenchPhotos = 10000

// benchPurge times the purge of 10,000 due photos from a throw-away
// record store and vault (purge_10k_ms).
func benchPurge(ctx context.Context, env *Env, out map[string]any) error {
	store, dir, cleanup, err := benchStore(ctx, "purge")
	if err != nil {
		return err
	}
	defer cleanup()
	key := make([]byte, 32)
	rand.Read(key)
	vault, err := retention.NewVault(filepath.Join(dir, "vault"), key, nil)
	if err != nil {
		return err
	}
	k := retention.New(store, vault, retention.Options{Log: env.Log})
	// Fill: 10,000 encrypted photos of 20 KiB whose 12-hour deadline has
	// passed (fsync skipped while filling only; the purge is the real path).
	vault.NoSync = true
	photo := make([]byte, 20<<10)
	rand.Read(photo)
	then := time.Now().Add(-13 * time.Hour)
	fill := time.Now()
	for i := 0; i < purgeBenchPhotos; i++ {
		e := &record.Encounter{Station: "bench", StartedAt: then, CapturedAt: then, VerifiedAt: then,
			Category: retention.CategoryUSCitizen, Outcome: "match"}
		if err := k.RecordEncounter(ctx, e, photo, nil); err != nil {
			return err
		}
	}
	vault.NoSync = false
	fmt.Fprintf(env.Stderr, "bench: purge: %d photos stored in %s\n", purgeBenchPhotos, time.Since(fill).Round(time.Millisecond))
	start := time.Now()
	rep, err := k.Purge(ctx, false)
	took := time.Since(start)
	if err != nil {
		return err
	}
	if rep.Deleted != purgeBenchPhotos || rep.Overdue != 0 {
		return fmt.Errorf("purge deleted %d of %d photos, %d overdue after", rep.Deleted, purgeBenchPhotos, rep.Overdue)
	}
	files, err := vault.Files()
	if err != nil || len(files) != 0 {
		return fmt.Errorf("vault still holds %d files after the purge (%v)", len(files), err)
	}
	out["purge_10k_ms"] = took.Milliseconds()
	return nil
}
