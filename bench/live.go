package bench

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"veriport/app"
	"veriport/booth"
	"veriport/camera"
	"veriport/config"
	"veriport/encounter"
	"veriport/gallery"
	"veriport/officer"
	"veriport/quality"
	"veriport/quality/assess"
	"veriport/record"
	"veriport/retention"
	"veriport/ui"
	"veriport/verify"
)

// Sizes of the live benchmark.
const (
	liveCPUSeconds = 30
	liveCaptures   = 120
	// fullFrameCaptures are decided on the whole frame for comparison.
	fullFrameCaptures = 60
	captureGap        = 150 * time.Millisecond
)

// Live pipeline figures, measured in one process with the models loaded:
// live_cpu_cores is the process CPU time over wall time during 30 s of live
// view on the demo video at its own rate (tracking, scans, landmarks; no
// captures). capture_to_decision_ms_p50/p95 time liveCaptures capture
// events (frames of the demo video the auto-capturer took, every check
// passed, with their quality reports) from the event to the answer applied
// on the UI thread, through the booth's station and shift and the gallery
// decider, while the live view runs; the view holds during each decision
// as the booth's does, and each encounter is then stored in a record store
// and vault of the bench's own.
func benchLive(ctx context.Context, env *Env, out map[string]any) error {
	cfg, err := env.Config()
	if err != nil {
		return err
	}
	engine, err := app.OpenEngine(cfg) // the engine as the workstation opens it
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
	faces := &cropCounter{FaceEngine: engine}
	decider, err := benchDecider(cfg, engine, faces)
	if err != nil {
		return err
	}
	sf, err := verify.OpenSFace(cfg.Paths.ModelsDir)
	if err != nil {
		return err
	}
	defer sf.Close()
	sfaces := &cropCounter{FaceEngine: sf}
	sfDecider, err := benchDecider(cfg, sf, sfaces)
	if err != nil {
		return err
	}
	lb, closeBooth, err := newLiveBooth(ctx, cfg, decider)
	if err != nil {
		return err
	}
	defer closeBooth()
	events := make([]*quality.Capture, liveCaptures)
	for i := range events {
		events[i] = captures[i%len(captures)]
	}

	live, err := camera.OpenFile(video, true)
	if err != nil {
		return fmt.Errorf("%w (run make setup)", err)
	}
	defer live.Close()
	deps := ui.Deps{Source: live, Demo: true, Database: "bench", Assessor: assessor, Quality: cfg.Quality, Log: env.Log}
	res := runLive(ctx, deps, events, lb, sfDecider)
	if res.err != nil {
		return res.err
	}
	reportLive(env, out, res, len(captures), lb.posed.Load(), faces, sfaces)
	return nil
}

// liveBooth is the booth's own station and shift as the live benchmark
// drives them: the capture goes through the station's Capture, which
// publishes the answer first (heard by answered), then stores the
// encounter in a real record store and vault.
type liveBooth struct {
	ctx       context.Context // the bench's: each shift's
	st        *booth.Station
	shift     booth.Config
	flight    string
	current   booth.Decider
	fullFrame bool // the decision on the whole frame, as before the tracked-face crop
	posed     atomic.Int32
	// answered, while a capture is decided, hears its answer (the
	// station's Notify runs on the deciding goroutine).
	answered func(error)
}

// newLiveBooth logs a shift in on a new station with decider's gallery;
// the func closes its record store.
func newLiveBooth(ctx context.Context, cfg config.Config, decider booth.Decider) (*liveBooth, func(), error) {
	policy, err := encounter.NewPolicy(encounter.DefaultRules(), cfg.Workflow.PolicyRules)
	if err != nil {
		return nil, nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rec, closeRec, err := benchRecorder(ctx, quiet)
	if err != nil {
		return nil, nil, err
	}
	b := &liveBooth{ctx: ctx, shift: booth.Config{Station: "bench", Policy: policy, Recorder: rec},
		flight: "BENCH", current: decider}
	b.st = booth.NewStation(booth.StationConfig{Quality: cfg.Quality, Log: quiet, Notify: b.published})
	if err := b.login(); err != nil {
		closeRec()
		return nil, nil, err
	}
	return b, closeRec, nil
}

// login starts a shift; a logout drops the gallery, so it is set again at
// each login.
func (b *liveBooth) login() error {
	sh, err := booth.NewShift(b.ctx, officer.DemoOfficerID, b.shift)
	if err == nil {
		b.st.Login(sh)
		b.st.SetGallery(b.flight, b.current)
	}
	return err
}

// useGallery decides with another gallery from now on.
func (b *liveBooth) useGallery(flight string, d booth.Decider) {
	b.flight, b.current = flight, d
	b.st.SetGallery(flight, d)
}

// published hears the station's state: the answer to the capture being
// decided.
func (b *liveBooth) published(s booth.State) {
	if f := b.answered; f != nil && s.Capture != nil && s.Phase != booth.PhaseDeciding {
		b.answered = nil
		f(s.NotDecided)
	}
}

// prepare moves the station on from the last decision.
func (b *liveBooth) prepare(ctx context.Context, c *quality.Capture) error {
	if b.st.State().Phase == booth.PhaseDecided {
		if err := b.st.Next(ctx); err != nil { // not a match: a new shift rather than a manual check
			_ = b.st.Logout(ctx, "bench")
			if err := b.login(); err != nil {
				return err
			}
		}
	}
	return nil
}

// decide takes capture c on the station, which decides it on its tracked
// box or the whole frame and records it; show gets the answer as the
// station publishes it.
func (b *liveBooth) decide(ctx context.Context, c *quality.Capture, show func(error)) error {
	r := c.Report
	if b.fullFrame {
		r.Box = image.Rectangle{}
	}
	b.answered = func(err error) {
		if errors.Is(err, booth.ErrPose) {
			err = nil // "capture again" is the answer the officer is shown
		}
		show(err)
	}
	_, err := b.st.Capture(ctx, time.Now(), c.Image, r)
	b.answered = nil
	if errors.Is(err, booth.ErrPose) {
		b.posed.Add(1)
		return nil
	}
	return err
}

// liveResult is what runLive measured.
type liveResult struct {
	fig               displayFigures
	took, full, sface []time.Duration
	err               error
}

// runLive measures the live view alone, then the captures decided on the
// tracked box, on the whole frame, and with sfDecider's gallery.
func runLive(ctx context.Context, deps ui.Deps, events []*quality.Capture, b *liveBooth, sfDecider booth.Decider) liveResult {
	done := make(chan liveResult, 1)
	go func() { // Fyne's calls must come from a goroutine other than main's.
		fig, err := measureDisplay(ctx, deps, liveCPUSeconds*time.Second)
		if err != nil {
			done <- liveResult{err: err}
			return
		}
		took, err := measureCaptures(ctx, deps, events, captureGap, b.prepare, b.decide)
		if err != nil {
			done <- liveResult{err: err}
			return
		}
		b.fullFrame = true
		full, err := measureCaptures(ctx, deps, events[:fullFrameCaptures], captureGap, b.prepare, b.decide)
		if err != nil {
			done <- liveResult{err: err}
			return
		}
		b.fullFrame = false
		b.useGallery("BENCH-SFACE", sfDecider)
		sface, err := measureCaptures(ctx, deps, events, captureGap, b.prepare, b.decide)
		done <- liveResult{fig: fig, took: took, full: full, sface: sface, err: err}
	}()
	return <-done
}

// reportLive puts the live figures in out and prints them.
func reportLive(env *Env, out map[string]any, res liveResult, distinct int, posed int32, faces, sfaces *cropCounter) {
	out["live_cpu_cores"] = round3(res.fig.CPUCores)
	fmt.Fprintf(env.Stderr, "bench: live view %ds: %.2f cores, %.1f fps shown, %d frames analysed (load %s)\n",
		liveCPUSeconds, res.fig.CPUCores, res.fig.FPS, res.fig.Analysed, loadAverage())
	msv, full := millis(res.took), millis(res.full)
	out["capture_to_decision_ms_p50"] = round3(verify.Percentile(msv, 50))
	out["capture_to_decision_ms_p95"] = round3(verify.Percentile(msv, 95))
	out["capture_to_decision_full_frame_ms_p50"] = round3(verify.Percentile(full, 50))
	out["capture_to_decision_full_frame_ms_p95"] = round3(verify.Percentile(full, 95))
	out["capture_whole_frame_fallbacks"] = faces.fallbacks.Load()
	sfv := millis(res.sface)
	out["capture_to_decision_sface_ms_p50"] = round3(verify.Percentile(sfv, 50))
	out["capture_to_decision_sface_ms_p95"] = round3(verify.Percentile(sfv, 95))
	out["capture_whole_frame_fallbacks_sface"] = sfaces.fallbacks.Load()
	fmt.Fprintf(env.Stderr, "bench: %d captures (%d distinct, all taken by the auto-capturer) decided during live view "+
		"(%d refused on the pose re-check, %d found on the whole frame because the crop showed no face): "+
		"p50 %.1f ms, p95 %.1f ms, max %.1f ms; "+
		"%d on the whole frame (no tracked box, as before the crop): p50 %.1f ms, p95 %.1f ms (load %s)\n",
		len(msv), distinct, posed, faces.fallbacks.Load(), verify.Percentile(msv, 50), verify.Percentile(msv, 95),
		verify.Percentile(msv, 100), len(full), verify.Percentile(full, 50), verify.Percentile(full, 95), loadAverage())
	fmt.Fprintf(env.Stderr, "bench: %d captures decided with sface during live view (%d found on the whole frame): "+
		"p50 %.1f ms, p95 %.1f ms, max %.1f ms (load %s)\n", len(sfv), sfaces.fallbacks.Load(),
		verify.Percentile(sfv, 50), verify.Percentile(sfv, 95), verify.Percentile(sfv, 100), loadAverage())
}

// cropCounter is the engine as the bench's decider uses it, counting the
// decisions with a tracked box whose face came from the whole frame
// because the crop around the box showed none.
type cropCounter struct {
	verify.FaceEngine
	fallbacks atomic.Int32
}

func (c *cropCounter) SingleNear(ctx context.Context, img image.Image, box image.Rectangle, prio verify.Priority) (verify.Face, bool, error) {
	f, cropped, err := c.FaceEngine.SingleNear(ctx, img, box, prio)
	if err == nil && !cropped && !box.Empty() {
		c.fallbacks.Add(1)
	}
	return f, cropped, err
}

func millis(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = ms(d)
	}
	return out
}

// benchRecorder is a booth recorder on a data folder of its own in a
// temporary folder, opened as the workstation opens its own (record store,
// master key, vault; synchronous commits, fsync), with the demo officer
// (officer.DemoOfficerID) enrolled for the shifts whose encounters it stores.
func benchRecorder(ctx context.Context, log *slog.Logger) (*booth.StoreRecorder, func(), error) {
	dir, err := os.MkdirTemp("", "veriport-bench-")
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) (*booth.StoreRecorder, func(), error) {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	cfg, err := config.Load(config.Overrides{DataDir: dir})
	if err != nil {
		return fail(err)
	}
	store, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return fail(err)
	}
	keeper, err := retention.Open(store, cfg, log)
	if err == nil {
		err = enrolDemoOfficer(ctx, cfg, store, log)
	}
	if err != nil {
		store.Close()
		return fail(err)
	}
	return &booth.StoreRecorder{Store: store, Keeper: keeper, Outbox: true}, func() { store.Close(); os.RemoveAll(dir) }, nil
}

// enrolDemoOfficer creates the demo officer in a throw-away store.
func enrolDemoOfficer(ctx context.Context, cfg config.Config, store *record.Store, log *slog.Logger) error {
	ostore, err := app.OfficerStore(cfg, store)
	if err != nil {
		return err
	}
	ostore.DemoProfile = true
	auth, err := officer.NewAuthenticator(ostore, app.LoginPolicy(cfg.Workflow), officer.WithLogger(log))
	if err == nil {
		_, err = auth.EnsureDemoOfficer(ctx)
	}
	return err
}

// demoCaptures reads the demo video at its own rate through an assessor
// and the booth's auto-capturer (quality.Capturer): every frame it captures
// passed every mandatory check over a stable run, as in the booth. After
// each capture it re-arms at once, so one pass of the traveler gives
// several. It keeps up to n captures, spread over the clip, with their
// reports: capture events as the booth receives them.
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
	capt := quality.NewCapturer(cfg.Quality, time.Now())
	var out []*quality.Capture
	var img *image.RGBA
	const maxFrames = 25 * 120
	for i := 0; len(out) < n && i < maxFrames; i++ {
		if img, err = src.Read(ctx, img); err != nil {
			return nil, err
		}
		r, err := a.Assess(img)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		if step := capt.Observe(now, img, r); step.Captured != nil {
			out = append(out, step.Captured)
			capt.Reset(now)
		}
	}
	if len(out) < 4 {
		return nil, fmt.Errorf("demo video: only %d quality-passed captures in 2 minutes", len(out))
	}
	return out, nil
}

// benchDecider is a gallery decider over the demo travelers' real templates
// (from the cached portraits) among synthetic travelers, 420 in all.
func benchDecider(cfg config.Config, engine verify.FaceEngine, faces booth.FaceFinder) (*booth.GalleryDecider, error) {
	b := &gallery.Bundle{}
	at := map[string]int{}
	for _, p := range app.DemoPortraits {
		img, err := verify.LoadImage(filepath.Join(cfg.Paths.Portraits(), p.File))
		if err != nil {
			return nil, fmt.Errorf("%w (run make setup)", err)
		}
		f, err := engine.SingleAt(context.Background(), img, verify.Live)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.File, err)
		}
		if _, ok := at[p.Subject]; !ok {
			at[p.Subject] = len(b.Entries)
			b.Entries = append(b.Entries, gallery.Entry{Traveler: p.Subject, Category: gallery.CategoryUSCitizen})
		}
		e := &b.Entries[at[p.Subject]]
		e.Templates = append(e.Templates, gallery.Template{Engine: engine.Name(), Template: f.Template})
	}
	syn := verify.NewSynth(420)
	rng := rand.New(rand.NewPCG(420, 7))
	for i := len(b.Entries); i < app.DemoTravelers; i++ {
		t := syn.Subject()
		if engine.Name() == verify.EngineSFace {
			t = app.SyntheticSFace(rng)
		}
		b.Entries = append(b.Entries, gallery.Entry{Traveler: fmt.Sprintf("SYN-%04d", i), Category: gallery.CategoryInScope,
			Templates: []gallery.Template{{Engine: engine.Name(), Template: t}}})
	}
	d := booth.NewGalleryDecider(faces, b, app.PolicyFor(cfg, engine.Name()))
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
