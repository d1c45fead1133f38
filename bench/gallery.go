package bench

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"sort"
	"time"

	"veriport/gallery"
	"veriport/verify"
)

// benchGallery measures gallery_load_ms_42k: verify (signature, expiry) +
// decode + load into the index of a signed 42,000-traveler bundle, one
// template each, held in memory. The median of five runs is reported.
func benchGallery(ctx context.Context, env *Env, out map[string]any) error {
	const travelers, runs = 42_000, 5
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Second)
	f := gallery.Flight{Carrier: "ZZ", Number: "42", Date: now.Format(time.DateOnly), Origin: "IAD",
		Destination: "LHR", Departure: now.Add(6 * time.Hour)}
	b := &gallery.Bundle{Header: gallery.Header{Flight: f, IssuedAt: now, ExpiresAt: f.Departure.Add(gallery.DefaultGrace)},
		Entries: gallery.SyntheticEntries(travelers, 42)}
	for i := range b.Entries {
		b.Entries[i].Templates = b.Entries[i].Templates[:1]
	}
	data, err := gallery.Sign(b, priv)
	if err != nil {
		return err
	}
	keys := gallery.NewKeyring(priv.Public().(ed25519.PublicKey))
	ms := make([]float64, 0, runs)
	for range runs {
		if err := ctx.Err(); err != nil {
			return err
		}
		start := time.Now()
		got, err := gallery.Open(data, keys, time.Now())
		if err != nil {
			return err
		}
		idx := verify.NewIndex(travelers)
		if n := gallery.Load(got, verify.EngineDlib, idx); n != travelers {
			return fmt.Errorf("loaded %d templates, want %d", n, travelers)
		}
		ms = append(ms, float64(time.Since(start).Microseconds())/1000)
	}
	sort.Float64s(ms)
	fmt.Fprintf(env.Stderr, "bench: gallery of %d travelers, %.1f MB: load %.1f ms median (runs %v)\n",
		travelers, float64(len(data))/1e6, ms[runs/2], ms)
	out["gallery_load_ms_42k"] = ms[runs/2]
	return nil
}
