package app

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"veriport/camera"
	"veriport/config"
	"veriport/quality/assess"
	"veriport/verify"
)

// Live is what the live view runs on: the camera (reconnecting with
// backoff when it fails), why no camera runs when none does, the live
// capture checks, and the face models loaded in the background.
type Live struct {
	Source *camera.Reconnecting
	// Note, when set, says under "Camera offline" why no source runs.
	Note string
	// Assessor judges live frames; nil without the cascades (the view
	// still runs, capture by hand).
	Assessor *assess.Assessor

	cfg     config.Config
	log     *slog.Logger
	engines *Engines

	mu         sync.Mutex
	engine     *verify.Engine
	landmarker *verify.Landmarker
}

// ChooseCamera opens the frame source. When no camera opens the demo video
// stands in, and with it the demo profile, except on a workstation set up
// for an operational back end (config.Operational) without demo = true:
// there it starts with "Camera offline", keeps watching device 0 and note
// says on screen why no demo runs. The demo video named with --camera on
// such a workstation is refused.
func ChooseCamera(log *slog.Logger, cfg config.Config) (camera.Choice, string, error) {
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
		log.Warn("camera not available at start, will keep trying", "camera", CameraName(cfg.Camera.Source),
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

// CameraName names a camera spec that has no source yet; the automatic
// choice ("") watches device 0.
func CameraName(spec string) string {
	if spec == "" {
		spec = "0"
	}
	return "camera " + spec
}

// openAssessor is the live capture checks: the fast tracker works at once,
// pose once the models are loaded. Without cascades: nil, and a warning.
func openAssessor(cfg config.Config, log *slog.Logger) *assess.Assessor {
	a, err := assess.NewAssessor(cfg.Quality, nil)
	if err != nil {
		log.Warn("live capture checks unavailable", "err", err)
		return nil
	}
	return a
}

// LoadModels loads the face models (the window calls it in the background)
// and returns a short status: the dlib engine goes to the gallery loads,
// and live landmarks get their own finder (no template, no recognizer of
// the pool: the pool stays free for captures).
func (l *Live) LoadModels() (string, error) {
	e, err := OpenEngine(l.cfg)
	if err != nil {
		return "", err
	}
	l.mu.Lock()
	l.engine = e
	l.mu.Unlock()
	l.engines.set(e)
	if l.Assessor != nil {
		lm, err := verify.OpenLandmarker(l.cfg.Paths.ModelsDir)
		if err != nil {
			return "", err
		}
		l.mu.Lock()
		l.landmarker = lm
		l.mu.Unlock()
		l.Assessor.SetFinder(lm)
	}
	l.log.Info("face models loaded", "dir", l.cfg.Paths.ModelsDir)
	return fmt.Sprintf("loaded (%d files)", len(verify.ModelFiles)), nil
}

// closeModels frees what LoadModels opened.
func (l *Live) closeModels() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.engine != nil {
		l.engine.Close()
	}
	if l.landmarker != nil {
		l.landmarker.Close()
	}
}
