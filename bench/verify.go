package bench

import (
	"context"
	"fmt"
	"image"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"

	"veriport/app"
	"veriport/config"
	"veriport/verify"
)

// searchSizes are the gallery sizes of the search benchmark: a flight, a
// hub, and the scaling check.
var searchSizes = []int{420, 42000, 1000000}

// searchRow is one gallery size of the search benchmark.
type searchRow struct {
	N         int     `json:"n"`
	MsP50     float64 `json:"ms_p50"`
	ScanMsP50 float64 `json:"scan_ms_p50"`
	Ratio     float64 `json:"ratio"`
}

// benchTemplate measures image -> template on the portraits letterboxed to
// 1280x720 (template_ms_p50/p95), and template + search + decision against
// a 420-subject gallery (decision_ms_p95); template_crop_ms_p50/p95 time
// the template made from a crop around the face's box (as a capture with a
// tracked face is decided).
func benchTemplate(ctx context.Context, env *Env, out map[string]any) error {
	cfg, err := env.Config()
	if err != nil {
		return err
	}
	engine, err := verify.Open(cfg.Paths.ModelsDir)
	if err != nil {
		return err
	}
	defer engine.Close()
	frames := map[string]image.Image{}
	names := []string{"obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"}
	for _, n := range names {
		img, err := verify.LoadImage(filepath.Join(cfg.Paths.Portraits(), n))
		if err != nil {
			return fmt.Errorf("%w (run make setup)", err)
		}
		frames[n] = verify.Letterbox(img, 1280, 720)
	}
	// Gallery: the real templates of obama.jpg and biden.jpg among 418
	// synthetic subjects.
	ix := verify.SyntheticIndex(418, 42)
	for _, n := range []string{"obama.jpg", "biden.jpg"} {
		f, err := engine.Single(frames[n])
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		ix.Add(n, &f.Template)
	}
	policy := app.PolicyFor(cfg, verify.EngineDlib)
	// The tracked box of each frame, as a capture carries it.
	boxes := map[string]image.Rectangle{}
	for _, n := range names {
		f, err := engine.Single(frames[n])
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		boxes[n] = f.Box
	}
	const rounds = 8
	var tmpl, decide, crop []float64
	for r := range rounds {
		for _, n := range names {
			if err := ctx.Err(); err != nil {
				return err
			}
			start := time.Now()
			f, err := engine.Single(frames[n])
			if err != nil {
				return fmt.Errorf("%s: %w", n, err)
			}
			t := time.Since(start)
			d := policy.Decide(ix.Search(&f.Template, 2))
			total := time.Since(start)
			if r == 0 && n == "obama3.jpg" && (d.Outcome != verify.OutcomeMatch || d.Subject != "obama.jpg") {
				return fmt.Errorf("obama3 against the bench gallery decided %s %q, want match obama", d.Outcome, d.Subject)
			}
			tmpl = append(tmpl, ms(t))
			decide = append(decide, ms(total))
			start = time.Now()
			if _, cropped, err := engine.SingleNear(ctx, frames[n], boxes[n], verify.Live); err != nil || !cropped {
				return fmt.Errorf("%s: template from the crop: cropped %v, %v", n, cropped, err)
			}
			crop = append(crop, ms(time.Since(start)))
		}
	}
	out["template_ms_p50"] = round3(verify.Percentile(tmpl, 50))
	out["template_ms_p95"] = round3(verify.Percentile(tmpl, 95))
	out["decision_ms_p95"] = round3(verify.Percentile(decide, 95))
	out["template_crop_ms_p50"] = round3(verify.Percentile(crop, 50))
	out["template_crop_ms_p95"] = round3(verify.Percentile(crop, 95))
	return benchSFaceTemplate(ctx, cfg, frames, boxes, out)
}

// benchSFaceTemplate times the sface template from the crop around the
// tracked box, YuNet's detection and the 5-point alignment included
// (template_sface_ms_p50/p95), and checks that obama3 is nearer obama than
// biden with it.
func benchSFaceTemplate(ctx context.Context, cfg config.Config, frames map[string]image.Image,
	boxes map[string]image.Rectangle, out map[string]any) error {
	sf, err := verify.OpenSFace(cfg.Paths.ModelsDir)
	if err != nil {
		return err
	}
	defer sf.Close()
	names := []string{"obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"}
	tpl := map[string]verify.Template{}
	var took []float64
	for r := range 8 {
		for _, n := range names {
			if err := ctx.Err(); err != nil {
				return err
			}
			start := time.Now()
			f, cropped, err := sf.SingleNear(ctx, frames[n], boxes[n], verify.Live)
			if err != nil || !cropped {
				return fmt.Errorf("%s: sface template from the crop: cropped %v, %v", n, cropped, err)
			}
			took = append(took, ms(time.Since(start)))
			if r == 0 {
				tpl[n] = f.Template
			}
		}
	}
	o, o3, b := tpl["obama.jpg"], tpl["obama3.jpg"], tpl["biden.jpg"]
	if verify.Distance(&o3, &o) >= verify.Distance(&o3, &b) {
		return fmt.Errorf("sface: obama3 is not nearer obama than biden")
	}
	out["template_sface_ms_p50"] = round3(verify.Percentile(took, 50))
	out["template_sface_ms_p95"] = round3(verify.Percentile(took, 95))
	return nil
}

// benchSearch times a top-2 search over n synthetic templates (one per
// subject) against the read floor of the same memory (Index.ScanFloor: the
// templates summed with eight vector accumulators, same compiler and flags
// as the search kernel). Both run single-threaded, alternating, in the same
// process, and each figure is the median of its runs.
func benchSearch(ctx context.Context, env *Env, out map[string]any) error {
	rows := make([]searchRow, 0, len(searchSizes))
	probes := verify.NewSynth(99)
	for _, n := range searchSizes {
		ix := verify.SyntheticIndex(n, uint64(n))
		reps := max(15, min(400, 40_000_000/n))
		var search, scan []float64
		var sink float32
		ix.ScanFloor() // fault the pages in, warm the caches
		for i := range reps {
			if err := ctx.Err(); err != nil {
				return err
			}
			p := probes.Subject()
			start := time.Now()
			hits := ix.Search(&p, 2)
			search = append(search, ms(time.Since(start)))
			start = time.Now()
			sink += ix.ScanFloor()
			scan = append(scan, ms(time.Since(start)))
			if len(hits) != 2 {
				return fmt.Errorf("search %d of %d templates returned %d hits", i, n, len(hits))
			}
		}
		row := searchRow{N: n, MsP50: verify.Percentile(search, 50), ScanMsP50: verify.Percentile(scan, 50)}
		row.Ratio = row.MsP50 / row.ScanMsP50
		row.MsP50, row.ScanMsP50, row.Ratio = round4(row.MsP50), round4(row.ScanMsP50), round3(row.Ratio)
		rows = append(rows, row)
		fmt.Fprintf(env.Stderr, "bench: search n=%d: %.4f ms, scan %.4f ms, ratio %.2f (%d runs, sum %g)\n",
			n, row.MsP50, row.ScanMsP50, row.Ratio, reps, sink)
		ix = nil
		runtime.GC()
		debug.FreeOSMemory()
	}
	out["search"] = rows
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }
func round4(v float64) float64 { return float64(int64(v*10000+0.5)) / 10000 }
