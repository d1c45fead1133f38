package galleryservice

import (
	"context"
	"errors"
	"testing"
	"time"

	"veriport/gallery"
)

// TestFetchRefusesExpiredGallery: a bundle whose flight left more than the
// grace ago is refused at download even when its issuer let it run longer
// (expires_at beyond departure plus grace): nothing of it reaches the
// cache, and the error is ErrExpired (exit 4 of `gallery fetch`). Before
// the deadline, or with a longer grace configured, the same bundle is
// stored.
func TestFetchRefusesExpiredGallery(t *testing.T) {
	s := startService(t)
	key := newKey(t)
	f := testFlight()
	b := &gallery.Bundle{Header: gallery.Header{Flight: f, IssuedAt: t0.Add(-time.Hour), ExpiresAt: f.Departure.Add(48 * time.Hour)},
		Entries: gallery.SyntheticEntries(3, 1)}
	data, err := gallery.Sign(b, key)
	if err != nil {
		t.Fatal(err)
	}
	s.put(t, "vp420.bundle", data)
	after := f.Departure.Add(gallery.DefaultGrace + time.Hour)

	cache, err := gallery.OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := s.client(t, ringOf(key), true)
	c.Now = func() time.Time { return after }
	_, err = c.Fetch(context.Background(), cache, f.Date, f.ID(), nil)
	if !errors.Is(err, gallery.ErrExpired) {
		t.Fatalf("fetch %s after departure + grace: %v, want ErrExpired", after.Format(time.RFC3339), err)
	}
	if recs, _ := cache.Records(); len(recs) != 0 {
		t.Fatalf("a gallery past departure + grace reached the cache: %+v", recs)
	}

	c.Grace = 24 * time.Hour
	if _, err := c.Fetch(context.Background(), cache, f.Date, f.ID(), nil); err != nil {
		t.Fatalf("fetch with a 24h grace, 13h after departure: %v", err)
	}
	cache2, _ := gallery.OpenCache(t.TempDir())
	c2 := s.client(t, ringOf(key), true)
	c2.Now = func() time.Time { return f.Departure.Add(gallery.DefaultGrace - time.Minute) }
	if rec, err := c2.Fetch(context.Background(), cache2, f.Date, f.ID(), nil); err != nil || !rec.Good {
		t.Fatalf("fetch a minute before departure + grace: %+v, %v", rec, err)
	}
}
