package booth

import (
	"context"
	"testing"
	"time"

	"veriport/encounter"
)

// TestGalleryStateKeptOnce: the station keeps the gallery in use once. The
// shift logged in on it decides and records with the station's gallery as
// it is set and dropped, and a shift ended at logout still names, in its
// last records, the flight it ran on.
func TestGalleryStateKeptOnce(t *testing.T) {
	ctx := context.Background()
	s, rec := newTestShift(t, fixed(Decision{Outcome: encounter.OutcomeMatch, Subject: "T-OWN"}))
	st := NewStation(StationConfig{})
	st.Login(s) // the station has no gallery yet: neither has the shift on it
	if snap := s.Snapshot(); snap.Gallery || snap.Flight != "" {
		t.Fatalf("the shift kept its own gallery on the station: %+v", snap)
	}
	st.SetGallery("AA100", fixed(Decision{Outcome: encounter.OutcomeNoMatch, Distance: 0.9}))
	if snap := s.Snapshot(); !snap.Gallery || snap.Flight != "AA100" {
		t.Fatalf("the shift does not see the station's gallery: %+v", snap)
	}
	if d, err := st.Capture(ctx, time.Now(), img, passing); err != nil || d.Outcome != encounter.OutcomeNoMatch {
		t.Fatalf("capture on AA100: %+v %v", d, err)
	}
	if rs := rec.Records(); len(rs) != 1 || rs[0].Flight != "AA100" {
		t.Fatalf("records %+v, want the NO MATCH on AA100", rs)
	}
	if err := st.Logout(ctx, "test"); err != nil { // the NO MATCH left unfinished
		t.Fatal(err)
	}
	if snap := s.Snapshot(); snap.Flight != "AA100" {
		t.Errorf("the ended shift lost the flight it ran on: %+v", snap)
	}
	if s := st.State(); s.Gallery || s.Flight != "" {
		t.Errorf("the station kept the gallery after logout: %+v", s)
	}
	for _, r := range rec.Records() {
		if r.Flight != "AA100" {
			t.Errorf("record %s names flight %q, want AA100", r.ID, r.Flight)
		}
	}
}
