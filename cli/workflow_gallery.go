package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"veriport/app"
	"veriport/booth"
	"veriport/config"
	"veriport/gallery"
	"veriport/verify"
)

// galleryManager is the flight picker's model: the encrypted gallery cache,
// the pinned issuer keys and, when a service is configured, its client. In
// the demo profile the demo issuer key is trusted when none is configured;
// otherwise no key means no picker (nil, nil).
func galleryManager(env *Env, cfg config.Config, demo bool) (*gallery.Manager, error) {
	if len(cfg.Gallery.IssuerKeys) == 0 && !demo {
		env.Log.Warn("flight picker off: no gallery issuer key pinned (gallery.issuer_keys)")
		return nil, nil
	}
	keys, err := issuerKeys(env, cfg, nil, demo)
	if err != nil {
		env.Log.Warn("flight picker off", "err", err)
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

// engineSlot hands the face engines to gallery loads: dlib, loaded in the
// background at start, and sface, loaded from models the first time a
// flight's gallery has its templates (so a booth whose galleries are dlib's
// only never holds it).
type engineSlot struct {
	models string
	log    *slog.Logger

	mu          sync.Mutex
	eng         *verify.Engine
	sface       verify.FaceEngine
	sfaceFailed error // why sface could not be opened; not retried
}

func (s *engineSlot) set(e *verify.Engine) { s.mu.Lock(); s.eng = e; s.mu.Unlock() }
func (s *engineSlot) get() *verify.Engine  { s.mu.Lock(); defer s.mu.Unlock(); return s.eng }

// close frees sface (dlib belongs to whoever set it).
func (s *engineSlot) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sface != nil {
		s.sface.Close()
		s.sface = nil
	}
}

// loadSFace opens sface once; held under s.mu.
func (s *engineSlot) loadSFace() verify.FaceEngine {
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
func (s *engineSlot) pick(b *gallery.Bundle, want string) (verify.FaceEngine, error) {
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
func useGallery(env *Env, m *gallery.Manager, engine *engineSlot, cfg config.Config) func(context.Context, gallery.Status) (booth.Decider, error) {
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
		d := booth.NewCalibratedGalleryDecider(eng, b, app.PolicyFor(cfg, eng.Name()), app.CalibrationOptions(cfg))
		d.CheckPose(cfg.Quality)
		env.Log.Info("gallery decided with", "flight", st.Flight.ID(), "engine", eng.Name())
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
		logCalibration(env, st.Flight.ID()+" "+st.Flight.Date, d.Calibration())
		return d, nil
	}
}
