package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"veriport/app"
	"veriport/booth"
	"veriport/camera"
	"veriport/config"
	"veriport/officer"
	"veriport/quality/assess"
	"veriport/record"
	"veriport/ui"
	"veriport/verify"
)

// runCmd is `veriport run`, the workstation window (also what the root
// command does without a subcommand).
func runCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Open the workstation window (the default without a subcommand)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runGUI(cmd.Context(), env) },
	}
}

var _ ui.Assessor = (*assess.Assessor)(nil)

// runGUI builds the components from the settings and opens the window.
// The camera is chosen first: when the demo video stands in for a camera
// (or demo = true) the workstation runs the demo profile (openProfile).
func runGUI(ctx context.Context, env *Env) error {
	cfg, err := env.Config()
	if err != nil {
		return err
	}
	choice, note, err := chooseCamera(env, cfg)
	if err != nil {
		return err
	}
	src := choice.Resilient(cameraName(cfg.Camera.Source)) // reconnects with backoff when the camera fails
	defer src.Close()
	demo := choice.Demo || cfg.Demo
	cfg, store, err := openProfile(ctx, env, cfg, demo)
	if err != nil {
		return err
	}
	defer store.Close()
	unlock, err := lockWorkstation(cfg.Paths.Database)
	if err != nil {
		return err
	}
	defer unlock()
	keeper, stopPurge, err := startPurgeJob(ctx, env, store, cfg)
	if err != nil {
		return err
	}
	defer stopPurge()
	env.Log.Info("retention", "mode", keeper.Mode(), "vault", keeper.Vault().Dir())
	sender, stopSender, err := startSender(ctx, env, store, keeper, cfg)
	if err != nil {
		return err
	}
	defer stopSender()
	notify := func() {}
	if sender != nil {
		notify = sender.Notify
	}
	env.Log.Info("workstation starting", "source", src.Name(), "demo", demo,
		"database", cfg.Paths.Database)

	// Bound the C heaps (dlib, OpenCV) for an 8-12 hour shift; see
	// scripts/soak.sh for the measurement.
	verify.LimitMallocArenas(2)
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go app.WatchMemory(watchCtx, env.Log, time.Minute, env.HeapProfileDir)
	var engine *verify.Engine
	var landmarker *verify.Landmarker
	slot := &engineSlot{models: cfg.Paths.ModelsDir, log: env.Log}
	defer slot.close()
	defer func() {
		if engine != nil {
			engine.Close()
		}
		if landmarker != nil {
			landmarker.Close()
		}
	}()
	// Live capture quality: the fast tracker works at once, pose once the
	// models are loaded. Without cascades the view still runs, capture by hand.
	var quality ui.Assessor
	assessor, err := assess.NewAssessor(cfg.Quality, nil)
	if err != nil {
		env.Log.Warn("live capture checks unavailable", "err", err)
		assessor = nil
	} else {
		defer assessor.Close()
		quality = assessor
	}
	loadModels := func() (string, error) {
		e, err := app.OpenEngine(cfg)
		if err != nil {
			return "", err
		}
		engine = e
		slot.set(e)

		if assessor != nil {
			// Live landmarks come from their own finder (no template, no
			// recognizer of the pool): the pool stays free for captures.
			lm, err := verify.OpenLandmarker(cfg.Paths.ModelsDir)
			if err != nil {
				return "", err
			}
			landmarker = lm
			assessor.SetFinder(lm)
		}
		env.Log.Info("face models loaded", "dir", cfg.Paths.ModelsDir)
		return fmt.Sprintf("loaded (%d files)", len(verify.ModelFiles)), nil
	}
	wf, err := buildWorkflow(ctx, env, cfg, store, keeper, slot, demo, notify)
	if err != nil {
		return err
	}
	if q, ok := wf.Recorder.(*booth.Queue); ok {
		defer flushPendingAtExit(env, q) // after the window's end of shift, before the sender stops
	}
	return ui.Run(ctx, ui.Deps{
		Workflow:    wf,
		Source:      src,
		Demo:        demo,
		CameraNote:  note,
		Database:    cfg.Paths.Database,
		LoadModels:  loadModels,
		ModelsDir:   cfg.Paths.ModelsDir,
		SetupModels: setupModelsCommand(env),
		Log:         env.Log,
		Assessor:    quality,
		Quality:     cfg.Quality,
		Health:      healthFunc(store, keeper, cfg.Transmit.BacklogWarn, sender != nil),
	})
}

// chooseCamera opens the frame source. When no camera opens the demo video
// stands in, and with it the demo profile, except on a workstation set up
// for an operational back end (config.Operational) without demo = true:
// there it starts with "Camera offline", keeps watching device 0 and note
// says on screen why no demo runs. The demo video named with --camera on
// such a workstation is refused.
func chooseCamera(env *Env, cfg config.Config) (camera.Choice, string, error) {
	demoVideo, note := cfg.Paths.DemoVideo(), ""
	barred := cfg.Operational() && !cfg.Demo
	if barred && cfg.Camera.Source == "" {
		demoVideo = "" // device 0 or nothing
		note = "No demo starts by itself on a workstation set up for the back end " +
			"(gallery.service, backend.results_db). Connect the camera, or set demo = true for a demo on demo data only."
	}
	choice, err := camera.Open(cfg.Camera.Source, demoVideo, cfg.Camera.Width, cfg.Camera.Height)
	if err != nil && (choice.Reopen == nil || !errors.Is(err, camera.ErrOffline)) {
		return camera.Choice{}, "", err
	}
	if err != nil {
		// A camera that does not open yet: the window opens with "Camera
		// offline" and keeps trying; the manual route stays open.
		env.Log.Warn("camera not available at start, will keep trying", "camera", cameraName(cfg.Camera.Source),
			"demo_barred", barred, "err", err)
		return choice, note, nil
	}
	if choice.Demo && barred {
		choice.Source.Close()
		return camera.Choice{}, "", errors.New("the demo video runs only in the demo profile, and this workstation " +
			"is set up for the back end (gallery.service, backend.results_db): set demo = true for a demo, or choose a camera")
	}
	return choice, "", nil
}

// demoProfile is cfg.DemoProfile with the demo certificates of this
// station: the only client certificate the demo profile presents, and only
// to gallery.demo_service (a reference service on this machine).
func demoProfile(cfg config.Config) config.Config {
	d := cfg.DemoProfile()
	if d.Gallery.Service != "" {
		dc := demoCerts(cfg)
		d.Gallery.ClientCert, d.Gallery.ClientKey = dc.StationCert(cfg.Station)
		d.Gallery.CA = dc.CA
	}
	return d
}

// openProfile opens the record store the workstation runs on. The demo
// profile runs on a data folder of its own (config.DemoProfile), never on
// the operational store; an operational store has any demo officer found in
// it disabled, with an audit entry.
func openProfile(ctx context.Context, env *Env, cfg config.Config, demo bool) (config.Config, *record.Store, error) {
	if demo {
		cfg = demoProfile(cfg)
		env.Log.Warn("demo profile: demo data kept in its own folder", "data", cfg.Paths.DataDir)
	}
	store, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return cfg, store, err
	}
	changed, err := auditSafetySettings(ctx, store, cfg, time.Now())
	if err != nil {
		store.Close()
		return cfg, nil, err
	}
	if len(changed) > 0 {
		env.Log.Warn("safety settings changed since the last run: on the audit chain", "settings", changed)
	}
	if demo {
		return cfg, store, nil
	}
	retired, err := officer.RetireDemoOfficer(ctx, store)
	if err != nil {
		store.Close()
		return cfg, nil, err
	}
	if retired {
		env.Log.Warn("demo officer found in the operational store: disabled", "officer", officer.DemoOfficerID)
	}
	return cfg, store, nil
}

// setupModelsCommand is the command line that fetches the models to where
// this run looks for them.
func setupModelsCommand(env *Env) string {
	if env.Overrides.Models != "" {
		return "veriport --models " + env.Overrides.Models + " setup-models"
	}
	return "veriport setup-models"
}

// cameraName names a camera spec that has no source yet; the automatic
// choice ("") watches device 0.
func cameraName(spec string) string {
	if spec == "" {
		spec = "0"
	}
	return "camera " + spec
}
