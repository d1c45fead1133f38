package app

import (
	"context"
	"log/slog"

	"veriport/config"
	"veriport/record"
	"veriport/retention"
)

// OpenKeeper opens the retention keeper of store, purging the configured
// gallery cache with the photos.
func OpenKeeper(store *record.Store, cfg config.Config, log *slog.Logger) (*retention.Keeper, error) {
	k, err := retention.Open(store, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := purgeGalleriesWith(k, store, cfg); err != nil {
		return nil, err
	}
	return k, nil
}

// StartPurgeJob opens the retention keeper, reconciles its vault with the
// record (orphan files, lost photos, stray temp files) and runs its purge
// job in the background, photos and flight galleries: at once (catching up
// after downtime), then every configured interval. stop ends the job and
// waits for it, before the store is closed.
func StartPurgeJob(ctx context.Context, log *slog.Logger, store *record.Store, cfg config.Config) (*retention.Keeper, func(), error) {
	k, err := OpenKeeper(store, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	// Make the vault and the record agree before anything is recorded.
	if rep, err := k.Reconcile(ctx); err != nil {
		log.Error("retention: start-up check of the vault failed", "err", err)
	} else if rep != (retention.ReconcileReport{}) {
		log.Warn("retention: start-up check of the vault", "orphans", rep.Orphans, "lost", rep.Lost,
			"temps_removed", rep.TempsRemoved)
	}
	jobCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		k.Run(jobCtx, cfg.Retention.PurgeInterval)
	}()
	return k, func() { cancel(); <-done }, nil
}
