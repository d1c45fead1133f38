package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"veriport/booth"
	"veriport/config"
	"veriport/gallery"
	"veriport/verify"
)

// GalleryManager is the flight picker's model: the encrypted gallery cache,
// the pinned issuer keys and, when a service is configured, its client. In
// the demo profile the demo issuer key is trusted when none is configured;
// otherwise no key means no picker (nil, nil).
func GalleryManager(o Options, cfg config.Config, demo bool) (*gallery.Manager, error) {
	if len(cfg.Gallery.IssuerKeys) == 0 && !demo {
		o.Log.Warn("flight picker off: no gallery issuer key pinned (gallery.issuer_keys)")
		return nil, nil
	}
	warn := o.Stderr
	if warn == nil {
		warn = io.Discard
	}
	keys, err := IssuerKeys(warn, cfg, nil, demo)
	if err != nil {
		o.Log.Warn("flight picker off", "err", err)
		return nil, nil
	}
	cache, err := gallery.OpenCache(cfg.Paths.GalleryCache())
	if err != nil {
		return nil, err
	}
	m := &gallery.Manager{Cache: cache, Keys: keys}
	g := cfg.Gallery
	if g.Service != "" && g.ClientCert != "" && g.CA != "" {
		tlsCfg, err := gallery.ClientTLS(g.ClientCert, g.ClientKey, g.CA)
		if err != nil {
			return nil, err
		}
		m.Client = gallery.NewClient(g.Service, tlsCfg, keys)
		m.Client.Grace = g.Grace
	}
	return m, nil
}

// Engines hands the face engines to gallery loads: dlib, loaded in the
// background at start, and sface, loaded from models the first time a
// flight's gallery has its templates (so a booth whose galleries are dlib's
// only never holds it).
type Engines struct {
	models string
	log    *slog.Logger

	mu          sync.Mutex
	eng         *verify.Engine
	sface       verify.FaceEngine
	sfaceFailed error // why sface could not be opened; not retried
}

// NewEngines is an empty slot: sface's models are looked for in models,
// dlib's engine is set once loaded.
func NewEngines(models string, log *slog.Logger) *Engines { return &Engines{models: models, log: log} }

func (s *Engines) set(e *verify.Engine) { s.mu.Lock(); s.eng = e; s.mu.Unlock() }
func (s *Engines) get() *verify.Engine  { s.mu.Lock(); defer s.mu.Unlock(); return s.eng }

// close frees sface (dlib belongs to whoever set it).
func (s *Engines) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sface != nil {
		s.sface.Close()
		s.sface = nil
	}
}

// loadSFace opens sface once; held under s.mu.
func (s *Engines) loadSFace() verify.FaceEngine {
	if s.sface == nil && s.sfaceFailed == nil {
		e, err := verify.OpenSFace(s.models)
		if err != nil {
			s.sfaceFailed = err
			s.log.Warn("sface engine unavailable: flights are decided with dlib", "err", err)
			return nil
		}
		s.sface = e
		s.log.Info("sface engine loaded", "dir", s.models)
	}
	return s.sface
}

// pick is the engine a flight's gallery is decided with: the one the
// settings name ([verify] engine), else the best the gallery has among the
// engines loaded. A gallery without templates of that engine for every
// traveler is refused with the reason.
func (s *Engines) pick(b *gallery.Bundle, want string) (verify.FaceEngine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.eng == nil {
		return nil, errors.New("face models are still loading; try again in a moment")
	}
	open := func(n verify.EngineName) verify.FaceEngine {
		if n == verify.EngineSFace {
			return s.loadSFace()
		}
		return s.eng
	}
	if want != "" {
		n, err := b.PickEngine(verify.EngineName(want))
		if err != nil {
			return nil, err
		}
		if e := open(n); e != nil {
			return e, nil
		}
		return nil, fmt.Errorf("the %s face engine could not be loaded: %w", n, s.sfaceFailed)
	}
	for _, n := range b.Engines() {
		if e := open(n); e != nil {
			return e, nil
		}
	}
	return nil, fmt.Errorf("%w (flight %s)", gallery.ErrNoEngine, b.Flight.ID())
}

// useGallery returns the workflow's gallery loader: the cached bundle
// verified again and loaded into a fresh index, its threshold calibrated
// for this gallery (never above the configured one) and logged, decided
// with the configured margin, until the bundle's expiry or departure plus
// grace, and only while its cached copy is there.
func useGallery(o Options, m *gallery.Manager, engine *Engines, cfg config.Config) func(context.Context, gallery.Status) (booth.Decider, error) {
	return func(_ context.Context, st gallery.Status) (booth.Decider, error) {
		if engine.get() == nil {
			return nil, errors.New("face models are still loading; try again in a moment")
		}
		b, err := m.Cache.Bundle(st.Flight.Key(), m.Keys, time.Now())
		if err != nil {
			return nil, fmt.Errorf("gallery %s: %w", st.Flight.ID(), err)
		}
		eng, err := engine.pick(b, cfg.Verify.Engine)
		if err != nil {
			return nil, fmt.Errorf("gallery %s: %w", st.Flight.ID(), err)
		}
		d := booth.NewCalibratedGalleryDecider(eng, b, PolicyFor(cfg, eng.Name()), CalibrationOptions(cfg))
		d.CheckPose(cfg.Quality)
		o.Log.Info("gallery decided with", "flight", st.Flight.ID(), "engine", eng.Name())
		key := st.Flight.Key()
		var until time.Time // departure plus grace, when the cache purges it
		if !b.Flight.Departure.IsZero() {
			until = b.Flight.Departure.Add(cfg.Gallery.Grace)
		}
		d.Limit(until, func() error { // gone with its cached copy
			r, err := m.Cache.Record(key)
			if err == nil && (!r.Good || !r.IssuedAt.Equal(b.IssuedAt)) {
				err = errors.New("the cached copy was replaced or refused")
			}
			return err
		})
		LogCalibration(o.Log, st.Flight.ID()+" "+st.Flight.Date, d.Calibration())
		return d, nil
	}
}

// IssuerKeys is the keyring from --pub files, else the configured keys,
// else, in the demo profile only, the demo issuer key (with a warning) when
// setup made one. Outside the demo profile no key pinned is an error: a
// workstation must never trust the demo issuer by default.
// The warning about trusting the demo key goes to warn.
func IssuerKeys(warn io.Writer, cfg config.Config, pubs []string, demoProfile bool) (gallery.Keyring, error) {
	if len(pubs) == 0 {
		pubs = cfg.Gallery.IssuerKeys
	}
	if len(pubs) == 0 && !demoProfile {
		return nil, errors.New("no issuer key pinned: pass --pub or set gallery.issuer_keys")
	}
	if len(pubs) == 0 {
		demo := filepath.Join(cfg.Paths.DemoGallery(), "issuer.pub")
		if _, err := os.Stat(demo); err != nil {
			return nil, errors.New("no issuer key pinned: pass --pub or set gallery.issuer_keys")
		}
		fmt.Fprintf(warn, "warning: no issuer key configured; trusting the DEMO issuer key %s\n", demo)
		pubs = []string{demo}
	}
	return gallery.LoadKeyring(pubs...)
}

// LogCalibration logs a gallery's calibration: the threshold, the estimate
// and what it rests on, duplicates and the fairness warning (counts only,
// never a traveler id).
func LogCalibration(log *slog.Logger, gallery string, c verify.GalleryCalibration) {
	args := []any{"gallery", gallery, "threshold", c.Threshold, "configured", c.Configured, "calibrated", c.Calibrated,
		"fpir_target", c.Target, "fpir_estimate", c.EstimatedFPIR, "binomial_error", c.BinomialError,
		"travelers", c.Travelers, "searches", c.Searches, "comparisons", c.Comparisons,
		"duplicates", len(c.Duplicates), "ms", c.Ms}
	if c.Estimate != nil {
		args = append(args, "estimate", *c.Estimate)
	}
	if c.Note != "" {
		args = append(args, "note", c.Note)
	}
	log.Info("gallery threshold", args...)
	if len(c.Duplicates) > 0 {
		log.Warn("gallery quality: near-identical travelers", "gallery", gallery, "pairs", len(c.Duplicates),
			"excluded_from_estimate", c.DuplicatesExcluded)
	}
	if c.PoorSeparation {
		log.Warn("fairness warning: the engine separates this gallery's travelers poorly; expect many manual checks",
			"gallery", gallery, "threshold", c.Threshold, "configured", c.Configured)
	}
}
