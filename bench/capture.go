package bench

import (
	"context"
	"fmt"
	"image"
	"math"
	"sort"
	"time"

	"veriport/camera"
	"veriport/config"
	"veriport/quality/assess"
	"veriport/ui"
	"veriport/verify"
)

// Live capture figures: quality_ms_p95 is the per-frame analysis time of
// 1280x720 demo-video frames fed at the camera's rate (the background scan
// and landmark workers run alongside, as live); display_fps is the frame
// rate the live view sustains headless with overlays, reading the demo
// video as fast as it decodes.
func benchCapture(ctx context.Context, env *Env, out map[string]any) error {
	cfg, err := env.Config()
	if err != nil {
		return err
	}
	_, assessor, closeAssessor, err := openBenchAssessor(cfg)
	if err != nil {
		return err
	}
	defer closeAssessor()

	video := cfg.Paths.DemoVideo()
	src, err := camera.OpenFile(video, true)
	if err != nil {
		return fmt.Errorf("%w (run make setup)", err)
	}
	defer src.Close()
	const n = 250
	times := make([]float64, 0, n)
	var img *image.RGBA
	next := time.Now()
	for len(times) < n {
		if img, err = src.Read(ctx, img); err != nil {
			return err
		}
		if img.Rect.Dx() != 1280 || img.Rect.Dy() != 720 {
			return fmt.Errorf("demo video is %dx%d, want 1280x720", img.Rect.Dx(), img.Rect.Dy())
		}
		t0 := time.Now()
		if _, err := assessor.Assess(img); err != nil {
			return err
		}
		times = append(times, float64(time.Since(t0).Microseconds())/1000)
		next = next.Add(40 * time.Millisecond)
		time.Sleep(time.Until(next))
	}
	sort.Float64s(times)
	out["quality_ms_p95"] = round2(times[int(math.Ceil(0.95*float64(n)))-1])
	fmt.Fprintf(env.Stderr, "bench: quality analysis of %d frames: median %.2f ms, p90 %.2f ms, p95 %.2f ms, max %.2f ms\n",
		n, times[n/2], times[n*9/10], times[int(math.Ceil(0.95*float64(n)))-1], times[n-1])

	live, err := camera.OpenFile(video, true)
	if err != nil {
		return err
	}
	defer live.Close()
	live.Unpaced()
	// Fyne's calls must come from a goroutine other than main's.
	type result struct {
		fig displayFigures
		err error
	}
	done := make(chan result, 1)
	go func() {
		fig, err := measureDisplay(ctx, ui.Deps{Source: live, Demo: true, Database: "bench",
			Assessor: assessor, Quality: cfg.Quality, Log: env.Log}, 6*time.Second)
		done <- result{fig, err}
	}()
	res := <-done
	if res.err != nil {
		return res.err
	}
	fig := res.fig
	out["display_fps"] = round2(fig.FPS)
	fmt.Fprintf(env.Stderr, "bench: live view showed %d frames (%.1f fps), analysed %d\n", fig.Shown, fig.FPS, fig.Analysed)
	return nil
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// openBenchAssessor opens the live path's landmark finder and an assessor
// on it, as the workstation runs them; closeAll releases both.
func openBenchAssessor(cfg config.Config) (*verify.Landmarker, *assess.Assessor, func(), error) {
	finder, err := verify.OpenLandmarker(cfg.Paths.ModelsDir)
	if err != nil {
		return nil, nil, nil, err
	}
	assessor, err := assess.NewAssessor(cfg.Quality, finder)
	if err != nil {
		finder.Close()
		return nil, nil, nil, err
	}
	return finder, assessor, func() { assessor.Close(); finder.Close() }, nil
}
