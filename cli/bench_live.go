package cli

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"veriport/booth"
	"veriport/camera"
	"veriport/config"
	"veriport/encounter"
	"veriport/gallery"
	"veriport/quality"
	"veriport/quality/assess"
	"veriport/report"
	"veriport/ui"
	"veriport/verify"
)

// Live pipeline figures, measured in one process with the models loaded:
// live_cpu_cores is the process CPU time over wall time during 30 s of live
// view on the demo video at its own rate (tracking, scans, landmarks; no
// captures). capture_to_decision_ms_p50/p95 time liveCaptures capture
// events (demo-video frames with their quality reports, as the booth
// receives them) from the event to the decision applied on the UI thread,
// through the booth shift and the gallery decider, while the live view runs.
func init() { registerBench("live", benchLive) }

const (
	liveCPUSeconds = 30
	liveCaptures   = 120
	captureGap     = 150 * time.Millisecond
)

func benchLive(ctx context.Context, env *Env, out map[string]any) error {
	cfg, err := env.Config()
	if err != nil {
		return err
	}
	engine, err := verify.Open(cfg.Paths.ModelsDir)
	if err != nil {
		return err
	}
	defer engine.Close()
	finder, assessor, closeAssessor, err := openBenchAssessor(cfg)
	if err != nil {
		return err
	}
	defer closeAssessor()
	video := cfg.Paths.DemoVideo()

	captures, err := demoCaptures(ctx, cfg, finder, video, 24)
	if err != nil {
		return err
	}
	decider, err := benchDecider(cfg, engine)
	if err != nil {
		return err
	}
	policy, err := encounter.NewPolicy(encounter.DefaultRules(), cfg.Workflow.PolicyRules)
	if err != nil {
		return err
	}
	var posed atomic.Int32
	events := make([]*quality.Capture, liveCaptures)
	for i := range events {
		events[i] = captures[i%len(captures)]
	}
	decide := func(ctx context.Context, c *quality.Capture) error {
		sh, err := booth.NewShift(ctx, "bench", booth.Config{Station: "bench", Policy: policy, Recorder: &booth.MemoryRecorder{}})
		if err != nil {
			return err
		}
		sh.SetGallery("BENCH", decider)
		_, err = captureDecide(ctx, sh, c)
		if errors.Is(err, booth.ErrPose) {
			posed.Add(1) // "capture again" is what the officer is shown
			return nil
		}
		return err
	}

	live, err := camera.OpenFile(video, true)
	if err != nil {
		return fmt.Errorf("%w (run make setup)", err)
	}
	defer live.Close()
	deps := ui.Deps{Source: live, Demo: true, Database: "bench", Assessor: assessor, Quality: cfg.Quality, Log: env.Log}
	type result struct {
		fig  ui.DisplayFigures
		took []time.Duration
		err  error
	}
	done := make(chan result, 1)
	go func() { // Fyne's calls must come from a goroutine other than main's.
		fig, err := ui.MeasureDisplay(ctx, deps, liveCPUSeconds*time.Second)
		if err != nil {
			done <- result{err: err}
			return
		}
		took, err := ui.MeasureCaptures(ctx, deps, events, captureGap, decide)
		done <- result{fig: fig, took: took, err: err}
	}()
	res := <-done
	if res.err != nil {
		return res.err
	}
	out["live_cpu_cores"] = round3(res.fig.CPUCores)
	fmt.Fprintf(env.Stderr, "bench: live view %ds: %.2f cores, %.1f fps shown, %d frames analysed (load %s)\n",
		liveCPUSeconds, res.fig.CPUCores, res.fig.FPS, res.fig.Analysed, loadAverage())
	msv := make([]float64, len(res.took))
	for i, d := range res.took {
		msv[i] = ms(d)
	}
	out["capture_to_decision_ms_p50"] = round3(verify.Percentile(msv, 50))
	out["capture_to_decision_ms_p95"] = round3(verify.Percentile(msv, 95))
	fmt.Fprintf(env.Stderr, "bench: %d captures decided during live view (%d refused on the pose re-check): p50 %.1f ms, p95 %.1f ms, max %.1f ms (load %s)\n",
		len(msv), posed.Load(), verify.Percentile(msv, 50), verify.Percentile(msv, 95), verify.Percentile(msv, 100), loadAverage())
	return nil
}

// captureDecide hands a capture to the shift as the workstation does.
func captureDecide(ctx context.Context, sh *booth.Shift, c *quality.Capture) (booth.Decision, error) {
	return sh.CaptureTracked(ctx, c.Image, c.Report.Box, report.Summarize(c.Report, true, c.Auto))
}

// demoCaptures reads the demo video at its own rate through an assessor
// and keeps n frames in which the traveler's face is followed, spread over
// the clip, with their reports: capture events as the booth receives them.
func demoCaptures(ctx context.Context, cfg config.Config, finder quality.LandmarkFinder, video string, n int) ([]*quality.Capture, error) {
	a, err := assess.NewAssessor(cfg.Quality, finder)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	src, err := camera.OpenFile(video, true)
	if err != nil {
		return nil, fmt.Errorf("%w (run make setup)", err)
	}
	defer src.Close()
	var out []*quality.Capture
	var img *image.RGBA
	for i := 0; len(out) < n; i++ {
		if i > 25*120 {
			return nil, fmt.Errorf("demo video: only %d frames with a followed face in 2 minutes", len(out))
		}
		if img, err = src.Read(ctx, img); err != nil {
			return nil, err
		}
		r, err := a.Assess(img)
		if err != nil {
			return nil, err
		}
		if !r.Box.Empty() && r.EyesKnown && i%5 == 0 {
			cp := image.NewRGBA(img.Rect)
			copy(cp.Pix, img.Pix)
			out = append(out, &quality.Capture{Image: cp, Report: r, Auto: true, At: time.Now()})
		}
	}
	return out, nil
}

// benchDecider is a gallery decider over the demo travelers' real templates
// (from the cached portraits) among synthetic travelers, 420 in all.
func benchDecider(cfg config.Config, engine *verify.Engine) (*booth.GalleryDecider, error) {
	b := &gallery.Bundle{}
	at := map[string]int{}
	for _, p := range demoPortraitSet {
		img, err := verify.LoadImage(filepath.Join(cfg.Paths.Portraits(), p.file))
		if err != nil {
			return nil, fmt.Errorf("%w (run make setup)", err)
		}
		f, err := engine.Single(img)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.file, err)
		}
		if _, ok := at[p.subject]; !ok {
			at[p.subject] = len(b.Entries)
			b.Entries = append(b.Entries, gallery.Entry{Traveler: p.subject, Category: gallery.CategoryUSCitizen})
		}
		e := &b.Entries[at[p.subject]]
		e.Templates = append(e.Templates, gallery.Template{Template: f.Template})
	}
	syn := verify.NewSynth(420)
	for i := len(b.Entries); i < demoTravelers; i++ {
		t := syn.Subject()
		b.Entries = append(b.Entries, gallery.Entry{Traveler: fmt.Sprintf("SYN-%04d", i), Category: gallery.CategoryInScope,
			Templates: []gallery.Template{{Template: t}}})
	}
	d := booth.NewGalleryDecider(engine, b, verifyPolicy(cfg))
	d.CheckPose(cfg.Quality)
	return d, nil
}

// loadAverage is the machine's 1, 5 and 15-minute load average, printed
// beside every figure (the machine may be shared).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
