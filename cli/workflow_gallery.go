package cli

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

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

// engineSlot hands the face engine, loaded in the background, to gallery
// loads.
type engineSlot struct {
	mu  sync.Mutex
	eng *verify.Engine
}

func (s *engineSlot) set(e *verify.Engine) { s.mu.Lock(); s.eng = e; s.mu.Unlock() }
func (s *engineSlot) get() *verify.Engine  { s.mu.Lock(); defer s.mu.Unlock(); return s.eng }

// useGallery returns the workflow's gallery loader: the cached bundle
// verified again and loaded into a fresh index, its threshold calibrated
// for this gallery (never above the configured one) and logged, decided
// with the configured margin, until the bundle's expiry or departure plus
// grace, and only while its cached copy is there.
func useGallery(env *Env, m *gallery.Manager, engine *engineSlot, cfg config.Config) func(context.Context, gallery.Status) (booth.Decider, error) {
	return func(_ context.Context, st gallery.Status) (booth.Decider, error) {
		eng := engine.get()
		if eng == nil {
			return nil, errors.New("face models are still loading; try again in a moment")
		}
		b, err := m.Cache.Bundle(st.Flight.Key(), m.Keys, time.Now())
		if err != nil {
			return nil, fmt.Errorf("gallery %s: %w", st.Flight.ID(), err)
		}
		d := booth.NewCalibratedGalleryDecider(eng, b, verifyPolicy(cfg), calibrationOptions(cfg))
		d.CheckPose(cfg.Quality)
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
