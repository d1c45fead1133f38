package booth

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"veriport/config"
	"veriport/encounter"
	"veriport/quality"
)

// noFace is a frame in which no face is found.
var noFace = quality.QualityReport{}

// heldStation is a logged-in station on a gallery deciding a MATCH, with
// its own clock: show(report, n) feeds n frames 50 ms apart and returns
// how many the camera captured by itself.
func heldStation(t *testing.T) (*Station, *MemoryRecorder, func(quality.QualityReport, int) int) {
	t.Helper()
	d := Decision{Outcome: encounter.OutcomeMatch, Subject: "T-1", Category: encounter.CategoryInScope}
	s, rec := newTestShift(t, fixed(d))
	q := config.DefaultQuality()
	q.StableFrames = 3
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	st := NewStation(StationConfig{Quality: q, Now: func() time.Time { return now }})
	st.SetGallery("XX123", fixed(d))
	st.Login(s)
	show := func(r quality.QualityReport, n int) int {
		got := 0
		for i := 0; i < n; i++ {
			now = now.Add(50 * time.Millisecond)
			if step := st.Observe(context.Background(), now, img, r); step.Captured != nil {
				got++
				if err := st.State().NotDecided; err != nil {
					t.Fatalf("decide: %v", err)
				}
			}
		}
		return got
	}
	return st, rec, show
}

// captureAudits are the audited captures: phase and auto of each.
func captureAudits(t *testing.T, rec *MemoryRecorder) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, a := range rec.Audits() {
		if a.Kind != AuditCaptureTaken {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(a.Detail), &m); err != nil {
			t.Fatalf("capture audit detail %q: %v", a.Detail, err)
		}
		out = append(out, m)
	}
	return out
}

// TestNoCaptureAfterRefusedOptOut: a traveler whose opt-out is refused is
// never photographed by the camera itself, however long the face stays
// good in view, nor when it leaves and comes back; only the officer's
// explicit Capture takes the photo, audited as taken by hand in the
// refused opt-out phase.
func TestNoCaptureAfterRefusedOptOut(t *testing.T) {
	ctx := context.Background()
	st, rec, show := heldStation(t)
	if err := st.OpenOptOut(); err != nil {
		t.Fatal(err)
	}
	if n := show(passing, 20); n != 0 {
		t.Fatalf("%d captures with the opt-out form open", n)
	}
	born := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	d, err := st.DecideOptOut(ctx, encounter.Traveler{Nationality: "FRA", BirthDate: born, VisaClass: "B-2"})
	if err != nil || d.MayOptOut || st.State().Phase != PhaseOptOutRefused {
		t.Fatalf("refused opt-out: %+v %v %s", d, err, st.State().Phase)
	}
	if n := show(passing, 200); n != 0 { // 10 s of a good face
		t.Fatalf("the camera photographed a traveler whose opt-out was refused (%d captures)", n)
	}
	show(noFace, 60) // the traveler steps aside for 3 s and comes back
	if n := show(passing, 100); n != 0 {
		t.Fatalf("the camera photographed the traveler on return (%d captures)", n)
	}
	if a := captureAudits(t, rec); len(a) != 0 {
		t.Fatalf("captures audited without any capture: %v", a)
	}
	if _, err := st.Capture(ctx, time.Now(), img, passing); err != nil { // the traveler agrees: the officer's Capture
		t.Fatalf("officer's capture after a refused opt-out: %v", err)
	}
	a := captureAudits(t, rec)
	if len(a) != 1 || a[0]["phase"] != string(PhaseOptOutRefused) || a[0]["auto"] != false {
		t.Fatalf("capture audits %v, want one by hand in %s", a, PhaseOptOutRefused)
	}
}

// TestNoCaptureAfterManualVerifiedUntilFaceLeaves: after an accepted
// opt-out's manual check is verified (and likewise after a referral), the
// booth shows the conclusion and captures nothing; after Next it still
// captures nothing while that face is in view, and only once it has left
// does the camera take the next traveler, audited as automatic in ready.
func TestNoCaptureAfterManualVerifiedUntilFaceLeaves(t *testing.T) {
	ctx := context.Background()
	st, rec, show := heldStation(t)
	if err := st.OpenOptOut(); err != nil {
		t.Fatal(err)
	}
	born := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	if d, err := st.DecideOptOut(ctx, encounter.Traveler{Nationality: "USA", BirthDate: born}); err != nil || !d.MayOptOut {
		t.Fatalf("citizen opt-out: %+v %v", d, err)
	}
	if n := show(passing, 20); n != 0 {
		t.Fatalf("%d captures during the manual check", n)
	}
	if err := st.CompleteManual(ctx, encounter.ManualResult{Verified: true, Attested: true}, nil); err != nil {
		t.Fatal(err)
	}
	s := st.State()
	if s.Phase != PhaseConcluded || s.Concluded == nil || !s.Concluded.Verified || s.Armed && s.Phase.AutoCapture() {
		t.Fatalf("after verified: %+v", s)
	}
	if n := show(passing, 100); n != 0 {
		t.Fatalf("the verified traveler was photographed before Next (%d captures)", n)
	}
	if err := st.Next(ctx); err != nil {
		t.Fatal(err)
	}
	if n := show(passing, 100); n != 0 { // the same face, still in view after Next
		t.Fatalf("the verified traveler was photographed after Next while still in view (%d captures)", n)
	}
	show(noFace, 30) // 1.5 s without a face: gone
	if n := show(passing, 10); n != 1 {
		t.Fatalf("%d captures of the next traveler, want 1", n)
	}
	a := captureAudits(t, rec)
	if len(a) != 1 || a[0]["phase"] != string(PhaseReady) || a[0]["auto"] != true {
		t.Fatalf("capture audits %v, want one automatic in %s", a, PhaseReady)
	}

	// A referral: the same hold.
	st2, _, show2 := heldStation(t)
	if err := st2.BeginManual(); err != nil {
		t.Fatal(err)
	}
	if err := st2.CompleteManual(ctx, encounter.ManualResult{Referral: encounter.ReferDocumentMismatch}, nil); err != nil {
		t.Fatalf("referral: %v", err)
	}
	if n := show2(passing, 60); n != 0 {
		t.Fatalf("the referred traveler was photographed (%d captures)", n)
	}
	if err := st2.Next(ctx); err != nil {
		t.Fatal(err)
	}
	if n := show2(passing, 60); n != 0 {
		t.Fatalf("the referred traveler was photographed after Next while in view (%d captures)", n)
	}
}

// TestCheckTheDocumentNeedsManualCheck: a MATCH whose gallery category
// contradicts the document the officer read (MATCH — CHECK THE DOCUMENT)
// is not cleared by Next: the manual check comes first, and the record
// says verified by it, never "cleared".
func TestCheckTheDocumentNeedsManualCheck(t *testing.T) {
	ctx := context.Background()
	d := Decision{Outcome: encounter.OutcomeMatch, Subject: "T-1", Category: encounter.CategoryUSCitizen}
	p, err := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	if err != nil {
		t.Fatal(err)
	}
	rec := &MemoryRecorder{}
	c := &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), step: 100 * time.Millisecond}
	sh, err := NewShift(ctx, "o1", Config{Station: "B1", Policy: p, Recorder: rec, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	st := NewStation(StationConfig{Now: c.now}) // one clock, as at the booth
	st.SetGallery("XX123", fixed(d))
	st.Login(sh)
	if err := st.OpenOptOut(); err != nil {
		t.Fatal(err)
	}
	born := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := st.DecideOptOut(ctx, encounter.Traveler{Nationality: "FRA", BirthDate: born, VisaClass: "B-2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Capture(ctx, c.now(), img, passing); err != nil {
		t.Fatal(err)
	}
	s := st.State()
	if !CategoryConflict(s.Decision, s.Policy) {
		t.Fatalf("no conflict seen: decision %+v policy %+v", s.Decision, s.Policy)
	}
	if err := st.Next(ctx); !errors.Is(err, ErrUnfinished) {
		t.Fatalf("Next on MATCH — CHECK THE DOCUMENT: %v, want ErrUnfinished", err)
	}
	for _, r := range rec.Records() {
		if r.Result == encounter.ResultCleared {
			t.Fatalf("recorded cleared without the manual check: %+v", r)
		}
	}
	for i := range 20 {
		if st.Observe(context.Background(), c.now(), img, passing).Captured != nil {
			t.Fatalf("captured over MATCH — CHECK THE DOCUMENT at frame %d", i)
		}
	}
	if err := st.BeginManual(); err != nil {
		t.Fatal(err)
	}
	if err := st.CompleteManual(ctx, encounter.ManualResult{Verified: true, Attested: true}, nil); err != nil {
		t.Fatal(err)
	}
	rs := rec.Records()
	if r := rs[len(rs)-1]; r.Result != encounter.ResultVerified || r.Outcome != "match" || r.ManualAt.IsZero() {
		t.Fatalf("record %+v, want a match verified by the manual check", r)
	}
}
