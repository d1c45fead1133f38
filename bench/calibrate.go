package bench

import (
	"context"
	"fmt"
	"sort"

	"veriport/app"
	"veriport/gallery"
	"veriport/verify"
)

// benchCalibrate measures what calibrating a gallery adds to loading it
// (booth.NewCalibratedGalleryDecider): gallery_calibrate_ms_420 on a
// 420-traveler flight (1-2 templates each) and gallery_calibrate_ms_42k on
// 42,000 templates, the median of five runs each.
func benchCalibrate(ctx context.Context, env *Env, out map[string]any) error {
	cfg, err := env.Config()
	if err != nil {
		return err
	}
	for _, c := range []struct {
		key       string
		travelers int
		one       bool // one template per traveler
	}{{"gallery_calibrate_ms_420", 420, false}, {"gallery_calibrate_ms_42k", 42_000, true}} {
		entries := gallery.SyntheticEntries(c.travelers, 42)
		b := &gallery.Bundle{Entries: entries}
		if c.one {
			for i := range b.Entries {
				b.Entries[i].Templates = b.Entries[i].Templates[:1]
			}
		}
		ix := verify.NewIndex(c.travelers)
		n := gallery.Load(b, verify.EngineDlib, ix)
		const runs = 5
		ms := make([]float64, 0, runs)
		var last verify.GalleryCalibration
		for range runs {
			if err := ctx.Err(); err != nil {
				return err
			}
			last = verify.CalibrateGallery(ix, b.Templates(verify.EngineDlib), app.PolicyFor(cfg, verify.EngineDlib), app.CalibrationOptions(cfg))
			ms = append(ms, last.Ms)
		}
		sort.Float64s(ms)
		fmt.Fprintf(env.Stderr, "bench: calibrating %d travelers, %d templates: %.1f ms median (runs %v; %d searches, threshold %.2f)\n",
			c.travelers, n, ms[runs/2], ms, last.Searches, last.Threshold)
		out[c.key] = ms[runs/2]
	}
	return nil
}
