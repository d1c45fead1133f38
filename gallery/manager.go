package gallery

import (
	"context"
	"fmt"
	"sort"
	"time"

	"veriport/verify"
)

// SoonWindow is how close to expiry a cached gallery is shown as
// "expires in …" rather than "fresh".
const SoonWindow = 6 * time.Hour

// Status is one flight as the booth sees it: offered by the service, held
// in the cache, or both.
type Status struct {
	Flight  Flight
	Listing *Listing // nil when the service does not list it (or is offline)
	Record  *Record  // nil when nothing is cached
}

// Usable reports whether a good bundle is cached and not expired at now.
func (s Status) Usable(now time.Time) bool {
	return s.Record != nil && s.Record.Good && now.Before(s.Record.ExpiresAt)
}

// State is the short state shown to the officer: "fresh", "expires in 2h 5m",
// "expired", "refused: reason", or "not downloaded".
func (s Status) State(now time.Time) string {
	r := s.Record
	switch {
	case r == nil || (!r.Good && r.Refusal == nil):
		return "not downloaded"
	case r.Refusal != nil && !r.Refusal.At.Before(r.StoredAt):
		if r.Good && now.Before(r.ExpiresAt) {
			return "refused: " + r.Refusal.Reason + " (keeping the bundle issued " +
				r.IssuedAt.UTC().Format("2006-01-02 15:04Z") + ")"
		}
		return "refused: " + r.Refusal.Reason
	case !now.Before(r.ExpiresAt):
		return "expired"
	case r.ExpiresAt.Sub(now) <= SoonWindow:
		return "expires in " + shortDuration(r.ExpiresAt.Sub(now))
	default:
		return "fresh"
	}
}

func shortDuration(d time.Duration) string {
	if d < time.Minute {
		return "less than a minute"
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	if h == 0 {
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%dh %dm", h, m)
}

// Manager ties the client, the cache and the pinned keys together for the
// booth: the flight picker's model.
type Manager struct {
	Client *Client // nil: offline, cache only
	Cache  *Cache
	Keys   Keyring
	Now    func() time.Time
}

func (m *Manager) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Flights merges the service's list for date with the cache's flights of
// that date. When the service cannot be reached the cached flights are
// still returned, with the error.
func (m *Manager) Flights(ctx context.Context, date string) ([]Status, error) {
	byKey := map[string]*Status{}
	var svcErr error
	if m.Client != nil {
		list, err := m.Client.Flights(ctx, date)
		svcErr = err
		for i := range list {
			l := list[i]
			f := Flight{Carrier: l.Carrier, Number: l.Number, Date: l.Date, Origin: l.Origin,
				Destination: l.Destination, Departure: l.Departure}
			byKey[f.Key()] = &Status{Flight: f, Listing: &l}
		}
	}
	recs, err := m.Cache.Records()
	if err != nil {
		return nil, err
	}
	for i := range recs {
		r := recs[i]
		if r.Flight.Date != date {
			continue
		}
		s, ok := byKey[r.Key]
		if !ok {
			s = &Status{Flight: r.Flight}
			byKey[r.Key] = s
		}
		s.Record = &r
		if r.Good {
			s.Flight = r.Flight
		}
	}
	out := make([]Status, 0, len(byKey))
	for _, s := range byKey {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Flight, out[j].Flight
		if !a.Departure.Equal(b.Departure) {
			return a.Departure.Before(b.Departure)
		}
		return a.ID() < b.ID()
	})
	return out, svcErr
}

// Fetch downloads and verifies one flight's gallery into the cache; see
// Client.Fetch. The status is returned even when the bundle was refused.
func (m *Manager) Fetch(ctx context.Context, date, flight string, progress Progress) (Status, error) {
	if m.Client == nil {
		return Status{}, fmt.Errorf("no gallery service configured")
	}
	rec, err := m.Client.Fetch(ctx, m.Cache, date, flight, progress)
	if rec.Key == "" {
		return Status{}, err
	}
	return Status{Flight: rec.Flight, Record: &rec}, err
}

// Load verifies the flight's cached bundle again and adds its templates of
// engine to l. It returns the bundle (for display fields) and the templates
// added.
func (m *Manager) Load(key string, engine verify.EngineName, l Loader) (*Bundle, int, error) {
	b, err := m.Cache.Bundle(key, m.Keys, m.now())
	if err != nil {
		return nil, 0, err
	}
	return b, Load(b, engine, l), nil
}
