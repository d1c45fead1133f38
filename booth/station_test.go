package booth

import (
	"context"
	"errors"
	"image"
	"testing"
	"time"

	"veriport/config"
	"veriport/encounter"
	"veriport/quality"
)

// passing is a report every mandatory measure of which passes.
var passing = quality.QualityReport{Faces: 1, Score: 0.9, Box: image.Rect(1, 1, 6, 6),
	Measures: []quality.Measure{{Name: quality.MeasureFaceCount, Verdict: quality.VerdictPass, Mandatory: true, Score: 0.9}}}

// newTestStation is a station with a logged-in shift (unless loggedOut) and
// a gallery deciding d; feed shows it good frames until it captures.
func newTestStation(t *testing.T, d Decision) (*Station, *MemoryRecorder, func() *quality.Capture) {
	t.Helper()
	s, rec := newTestShift(t, fixed(d))
	q := config.DefaultQuality()
	q.StableFrames = 3
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	st := NewStation(StationConfig{Quality: q, Now: func() time.Time { return now }})
	st.SetGallery("XX123", fixed(d))
	st.Login(s)
	feed := func() *quality.Capture {
		for i := 0; i < 10; i++ {
			now = now.Add(50 * time.Millisecond)
			if step := st.Observe(context.Background(), now, img, passing); step.Captured != nil {
				return step.Captured
			}
		}
		return nil
	}
	return st, rec, feed
}

func TestStationCapturesOnlyWhileWaiting(t *testing.T) {
	ctx := context.Background()
	st := NewStation(StationConfig{})
	st.SetGallery("XX123", fixed(Decision{Outcome: encounter.OutcomeMatch}))
	for i := 0; i < 10; i++ {
		if st.Observe(ctx, time.Now(), img, passing).Captured != nil {
			t.Fatal("captured before login")
		}
	}
	if _, err := st.Capture(ctx, time.Now(), img, passing); !errors.Is(err, ErrNoShift) {
		t.Fatalf("officer capture before login: %v", err)
	}

	st, rec, feed := newTestStation(t, Decision{Outcome: encounter.OutcomeMatch, Subject: "T-1"})
	if err := st.OpenOptOut(); err != nil {
		t.Fatal(err)
	}
	if feed() != nil || st.State().Armed {
		t.Fatal("captured during the opt-out form")
	}
	if err := st.Back(ctx); err != nil || st.State().Phase != PhaseReady {
		t.Fatalf("back from opt-out: %v %s", err, st.State().Phase)
	}
	if err := st.BeginManual(); err != nil {
		t.Fatal(err)
	}
	if feed() != nil {
		t.Fatal("captured during the manual check")
	}
	if err := st.Back(ctx); err != nil {
		t.Fatal(err)
	}
	if a := rec.Audits(); a[len(a)-1].Kind != AuditManualCancelled {
		t.Errorf("cancel not audited: %+v", a)
	}
	// Back in ready, the traveler who asked for an opt-out or a manual
	// check is taken only by the officer's Capture.
	if feed() != nil {
		t.Fatal("the camera captured by itself after an opt-out form and a manual check")
	}
	// While the officer's capture is decided, the camera takes nothing.
	st.SetGallery("XX123", DeciderFunc(func(context.Context, image.Image) (Decision, error) {
		if p := st.State().Phase; p != PhaseDeciding {
			t.Errorf("no officer's capture once back in ready: phase %s", p)
		}
		if feed() != nil {
			t.Error("captured twice")
		}
		return Decision{Outcome: encounter.OutcomeMatch, Subject: "T-1"}, nil
	}))
	if d, err := st.Capture(ctx, time.Now(), img, passing); err != nil || d.Subject != "T-1" || st.State().Phase != PhaseDecided {
		t.Fatalf("capture: %+v %v %s", d, err, st.State().Phase)
	}
	if feed() != nil {
		t.Fatal("captured over a decision")
	}
	trav := st.State().Traveler
	if err := st.Next(ctx); err != nil {
		t.Fatal(err)
	}
	if s := st.State(); s.Phase != PhaseReady || s.Decision != nil || s.Traveler == trav || s.Processed != 1 {
		t.Fatalf("after next: %+v", s)
	}
	if err := st.Logout(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	if s := st.State(); s.Phase != PhaseLoggedOut || s.Armed || feed() != nil {
		t.Fatalf("after logout: %+v", s)
	}
}

func TestStationOverrideNeedsAReasonAndIsAudited(t *testing.T) {
	ctx := context.Background()
	st, rec, _ := newTestStation(t, Decision{Outcome: encounter.OutcomeNoMatch})
	if err := st.BeginManual(); err != nil {
		t.Fatal(err)
	}
	ok := encounter.ManualResult{Verified: true, Attested: true}
	if err := st.CompleteManual(ctx, ok, &Override{Problems: []string{"expired"}}); !errors.Is(err, ErrNoOverrideReason) {
		t.Fatalf("override without reason: %v", err)
	}
	if err := st.CompleteManual(ctx, ok, &Override{Problems: []string{"expired"}, Reason: "renewal receipt seen"}); err != nil {
		t.Fatal(err)
	}
	a := rec.Audits()
	if a[len(a)-1].Kind != AuditManualOverride || rec.Records()[0].Result != encounter.ResultVerified {
		t.Fatalf("audits %+v records %+v", a, rec.Records())
	}
}

// TestStationNextDoesNotRetakeTheDecidedTraveler: after Next, the face of
// the traveler just decided (still in view) is not captured again as the
// next traveler; the officer's Capture still works at once.
func TestStationNextDoesNotRetakeTheDecidedTraveler(t *testing.T) {
	ctx := context.Background()
	st, _, feed := newTestStation(t, Decision{Outcome: encounter.OutcomeMatch, Subject: "T-1"})
	c := feed()
	if c == nil {
		t.Fatal("no capture of the first traveler")
	}
	if s := st.State(); s.Phase != PhaseDecided {
		t.Fatalf("the capture was not decided as it was taken: phase %s", s.Phase)
	}
	if err := st.Next(ctx); err != nil {
		t.Fatal(err)
	}
	if again := feed(); again != nil {
		t.Fatal("the traveler just decided was captured again after Next")
	}
	if _, err := st.Capture(ctx, time.Now(), img, passing); err != nil {
		t.Fatalf("officer capture after Next: %v", err)
	}
}
