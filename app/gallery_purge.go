package app

import (
	"context"
	"time"

	"veriport/config"
	"veriport/gallery"
	"veriport/record"
	"veriport/retention"
)

// galleryPurger purges the gallery cache of the data folder for the
// retention keeper, logging each deletion in the record store's purge log.
type galleryPurger struct {
	cache *gallery.Cache
	grace time.Duration
	log   gallery.PurgeLogger
}

var _ retention.GalleryPurger = galleryPurger{}

// PurgeGalleries implements retention.GalleryPurger.
func (g galleryPurger) PurgeGalleries(ctx context.Context, now time.Time, dryRun bool) ([]retention.GalleryItem, error) {
	due, err := g.cache.Due(now, g.grace)
	if err != nil || len(due) == 0 {
		return nil, err
	}
	items := make([]retention.GalleryItem, len(due))
	for i, r := range due {
		items[i] = retention.GalleryItem{Key: r.Key, Deadline: r.Deadline(g.grace), Result: record.ResultDryRun}
	}
	if dryRun {
		return items, nil
	}
	done, err := g.cache.Purge(ctx, now, g.grace, g.log)
	deleted := map[string]bool{}
	for _, r := range done {
		deleted[r.Key] = true
	}
	for i := range items {
		items[i].Result = record.ResultFailed
		if deleted[items[i].Key] {
			items[i].Result = record.ResultDeleted
		}
	}
	return items, err
}

// purgeGalleriesWith makes k purge the configured gallery cache with its
// photos.
func purgeGalleriesWith(k *retention.Keeper, store *record.Store, cfg config.Config) error {
	cache, err := gallery.OpenCache(cfg.Paths.GalleryCache())
	if err != nil {
		return err
	}
	k.SetGalleries(galleryPurger{cache: cache, grace: cfg.Gallery.Grace, log: retention.PurgeLogger{Store: store}})
	return nil
}
