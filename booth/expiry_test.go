package booth

import (
	"context"
	"errors"
	"image"
	"testing"
	"time"

	"veriport/config"
	"veriport/encounter"
	"veriport/gallery"
	"veriport/verify"
)

// TestExpiredGalleryStopsDeciding: a gallery past its expiry, or whose
// cached copy was purged, decides nothing more and leaves the station; the
// capture says why.
func TestExpiredGalleryStopsDeciding(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	expires := now.Add(time.Hour)
	b := bundleOf(entry("A", gallery.CategoryInScope, tpl(0)))
	b.ExpiresAt = expires
	p := verify.Policy{Threshold: 0.5, Margin: 0.05}

	t.Run("past expiry", func(t *testing.T) {
		s, _ := newTestShift(t, nil)
		q := config.DefaultQuality()
		q.StableFrames = 3
		clock := now
		st := NewStation(StationConfig{Quality: q, Now: func() time.Time { return clock }})
		st.SetGallery("XX123", NewGalleryDecider(fakeFaces{t: tpl(0.1)}, b, p))
		st.Login(s)
		clock = expires.Add(time.Second)
		s.cfg.Now = func() time.Time { return clock }
		d, err := st.Capture(ctx, clock, img, passing)
		if err == nil {
			t.Fatalf("capture decided against a gallery expired at %s: %+v", expires, d)
		}
		if !errors.Is(err, ErrGalleryExpired) {
			t.Fatalf("capture refused with %v, want ErrGalleryExpired", err)
		}
		if s := st.State(); s.Gallery || s.Flight != "" || s.Armed {
			t.Fatalf("expired gallery still in use: %+v", s)
		}
	})

	t.Run("cached copy purged", func(t *testing.T) {
		s, rec := newTestShift(t, nil)
		st := NewStation(StationConfig{Now: func() time.Time { return now }})
		g := NewGalleryDecider(fakeFaces{t: tpl(0.1)}, b, p)
		purged := false
		g.Limit(time.Time{}, func() error {
			if purged {
				return gallery.ErrNotCached
			}
			return nil
		})
		st.SetGallery("XX123", g)
		st.Login(s)
		purged = true
		d, err := st.Capture(ctx, now, img, passing)
		if !errors.Is(err, ErrGalleryExpired) || d.Outcome != "" {
			t.Fatalf("decision against a purged gallery: %+v %v", d, err)
		}
		if s := st.State(); s.Gallery || s.Flight != "" {
			t.Fatalf("purged gallery still in use: %+v", s)
		}
		if n := len(rec.Records()); n != 0 {
			t.Fatalf("%d encounter(s) recorded with a decision", n)
		}
		if _, err := st.Capture(ctx, now, img, passing); !errors.Is(err, ErrGalleryExpired) {
			t.Fatalf("next capture: %v, want ErrGalleryExpired", err)
		}
	})

	t.Run("dropped on the check without a capture", func(t *testing.T) {
		st := NewStation(StationConfig{Now: func() time.Time { return now }})
		g := NewGalleryDecider(fakeFaces{t: tpl(0.1)}, b, p)
		g.Limit(time.Time{}, func() error { return gallery.ErrNotCached })
		st.SetGallery("XX123", g)
		if !st.CheckGallery(now) || st.State().Gallery {
			t.Fatal("a gallery whose cached copy is gone stays loaded")
		}
	})
}

// TestLogoutDropsGallery: no gallery outlives the shift that loaded it.
func TestLogoutDropsGallery(t *testing.T) {
	st, _, _ := newTestStation(t, Decision{Outcome: encounter.OutcomeMatch, Subject: "T-1"})
	if !st.State().Gallery {
		t.Fatal("no gallery before the logout")
	}
	if err := st.Logout(context.Background(), "explicit"); err != nil {
		t.Fatal(err)
	}
	if s := st.State(); s.Gallery || s.Flight != "" {
		t.Fatalf("gallery kept after logout: %+v", s)
	}
	s2, _ := newTestShift(t, nil)
	st.Login(s2)
	if st.State().Armed {
		t.Fatal("the next officer's booth captures with the previous shift's gallery")
	}
	if _, err := st.Capture(context.Background(), time.Now(), img, passing); !errors.Is(err, ErrNoDecider) {
		t.Fatalf("capture after logout and login: %v, want ErrNoDecider", err)
	}
}

// TestLogoutDuringDecisionRecorded: a logout (or quit) while a capture is
// being decided waits for the decision and puts the encounter on the
// record, photo included; the shift's photo buffer is wiped.
func TestLogoutDuringDecisionRecorded(t *testing.T) {
	ctx := context.Background()
	started, release := make(chan struct{}), make(chan struct{})
	slow := DeciderFunc(func(context.Context, image.Image) (Decision, error) {
		close(started)
		<-release
		return Decision{Outcome: encounter.OutcomeMatch, Subject: "T-9", Category: encounter.CategoryInScope}, nil
	})
	s, rec := newTestShift(t, nil)
	st := NewStation(StationConfig{})
	st.SetGallery("XX123", slow)
	st.Login(s)
	decided := make(chan error, 1)
	go func() { _, err := st.Capture(ctx, time.Now(), img, passing); decided <- err }()
	<-started
	loggedOut := make(chan error, 1)
	go func() { loggedOut <- st.Logout(ctx, "quit") }()
	time.Sleep(50 * time.Millisecond) // the logout is waiting on the decision
	close(release)
	if err := <-loggedOut; err != nil {
		t.Fatalf("logout: %v", err)
	}
	<-decided
	recs := rec.Records()
	if len(recs) != 1 || recs[0].Outcome != string(encounter.OutcomeMatch) || recs[0].TravelerID != "T-9" {
		t.Fatalf("records after a logout during the decision: %+v; want the match", recs)
	}
	if rec.PhotoSize(recs[0].ID) == 0 {
		t.Fatal("the decided capture was recorded without its photo")
	}
	kinds := map[string]bool{}
	for _, a := range rec.Audits() {
		kinds[a.Kind] = true
	}
	if !kinds[AuditLogout] {
		t.Fatalf("audits %+v; want the logout", rec.Audits())
	}
	s.mu.Lock()
	left := s.photo
	s.mu.Unlock()
	if left != nil {
		t.Fatalf("the shift still holds a %d-byte photo after the logout", len(left))
	}
}
