package booth

import (
	"context"
	"errors"
	"image"
	"testing"
	"time"

	"veriport/encounter"
)

// clock advances by step on every reading.
type clock struct {
	t    time.Time
	step time.Duration
}

func (c *clock) now() time.Time { c.t = c.t.Add(c.step); return c.t }

func newTestShift(t *testing.T, d Decider) (*Shift, *MemoryRecorder) {
	t.Helper()
	p, err := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	if err != nil {
		t.Fatal(err)
	}
	rec := &MemoryRecorder{}
	c := &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC), step: 100 * time.Millisecond}
	s, err := NewShift(context.Background(), "o1", Config{Station: "B1", Policy: p, Recorder: rec, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	s.SetGallery("XX123", d)
	return s, rec
}

func fixed(d Decision) Decider {
	return DeciderFunc(func(context.Context, image.Image) (Decision, error) { return d, nil })
}

var img = image.NewRGBA(image.Rect(0, 0, 8, 8))

func TestShiftMatchIsClearedAndRecordedWithPhoto(t *testing.T) {
	ctx := context.Background()
	s, rec := newTestShift(t, fixed(Decision{Outcome: encounter.OutcomeMatch, Subject: "T-7",
		Category: encounter.CategoryInScope, Distance: 0.3, Margin: 0.2}))
	d, err := decideAndRecord(ctx, s, img)
	if err != nil || d.Subject != "T-7" {
		t.Fatalf("capture: %+v %v", d, err)
	}
	if err := s.Next(ctx); err != nil {
		t.Fatal(err)
	}
	rs := rec.Records()
	if len(rs) != 1 {
		t.Fatalf("records %d", len(rs))
	}
	r := rs[0]
	if r.Outcome != "match" || r.Result != encounter.ResultCleared || r.TravelerID != "T-7" ||
		r.Category != encounter.CategoryInScope || r.Flight != "XX123" || r.OfficerID != "o1" {
		t.Errorf("record %+v", r)
	}
	if r.Decision <= 0 || r.Decision != r.DecidedAt.Sub(r.StartedAt) || r.VerifiedAt.IsZero() || r.CapturedAt.IsZero() {
		t.Errorf("timings %+v", r)
	}
	if rec.PhotoSize(r.ID) == 0 {
		t.Error("photo not recorded with a match")
	}
	if got := s.Snapshot(); got.Processed != 1 || got.State != encounter.StateReady {
		t.Errorf("after next: %+v", got)
	}
	if a := rec.Audits(); len(a) != 1 || a[0].Kind != AuditLogin {
		t.Errorf("audits %+v", a)
	}
}

func TestShiftNoMatchNeedsManualCheck(t *testing.T) {
	ctx := context.Background()
	s, rec := newTestShift(t, fixed(Decision{Outcome: encounter.OutcomeNoMatch, Distance: 0.8}))
	if _, err := decideAndRecord(ctx, s, img); err != nil {
		t.Fatal(err)
	}
	if err := s.Next(ctx); !errors.Is(err, ErrUnfinished) {
		t.Fatalf("next after no-match: %v", err)
	}
	if err := s.BeginManualCheck(time.Time{}); err != nil {
		t.Fatal(err)
	}
	err := s.CompleteManualCheck(ctx, encounter.ManualResult{Referral: encounter.ReferDocumentMismatch}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := rec.Records()[0]
	if r.Outcome != "no-match" || r.Result != encounter.ResultReferred || r.Referral != encounter.ReferDocumentMismatch ||
		r.TravelerID != "" || r.ManualAt.IsZero() || !r.VerifiedAt.IsZero() {
		t.Errorf("record %+v", r)
	}
}

func TestShiftOptOut(t *testing.T) {
	ctx := context.Background()
	s, rec := newTestShift(t, fixed(Decision{Outcome: encounter.OutcomeMatch, Subject: "T-1"}))
	born := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	d, err := s.OptOut(ctx, encounter.Traveler{Nationality: "USA", BirthDate: born})
	if err != nil || !d.MayOptOut || d.Category != encounter.CategoryUSCitizen {
		t.Fatalf("citizen opt-out: %+v %v", d, err)
	}
	if _, err := decideAndRecord(ctx, s, img); err == nil {
		t.Error("capture allowed after an allowed opt-out")
	}
	if err := s.CompleteManualCheck(ctx, encounter.ManualResult{Verified: true, Attested: true}, nil); err != nil {
		t.Fatal(err)
	}
	r := rec.Records()[0]
	if r.Outcome != OutcomeOptOut || r.Result != encounter.ResultVerified || r.Category != encounter.CategoryUSCitizen ||
		rec.PhotoSize(r.ID) != 0 || r.CapturedAt.IsZero() == false || r.RulesetUsed != "seed" {
		t.Errorf("opt-out record %+v", r)
	}

	d, err = s.OptOut(ctx, encounter.Traveler{Nationality: "FRA", BirthDate: born, VisaClass: "B-2"})
	if err != nil || d.MayOptOut || d.Category != encounter.CategoryInScope {
		t.Fatalf("in-scope opt-out: %+v %v", d, err)
	}
	if a := rec.Audits(); a[len(a)-1].Kind != AuditOptOut {
		t.Errorf("refused opt-out not audited: %+v", a)
	}
	if _, err := decideAndRecord(ctx, s, img); err != nil { // the traveler agrees to the photo
		t.Fatalf("capture after refused opt-out: %v", err)
	}
	if err := s.Next(ctx); err != nil {
		t.Fatal(err)
	}
	if r := rec.Records()[1]; r.Outcome != "match" || rec.PhotoSize(r.ID) == 0 {
		t.Errorf("record after agreeing %+v", r)
	}

	if _, err := s.OptOut(ctx, encounter.Traveler{Nationality: "1"}); err == nil {
		t.Error("bad nationality accepted")
	}
	if st := s.Snapshot().State; st != encounter.StateReady {
		t.Errorf("bad data changed the state to %s", st)
	}
}

func TestShiftCaptureErrorsKeepTheEncounterOpen(t *testing.T) {
	ctx := context.Background()
	s, _ := newTestShift(t, DeciderFunc(func(context.Context, image.Image) (Decision, error) {
		return Decision{}, errors.New("no face")
	}))
	if _, err := decideAndRecord(ctx, s, img); err == nil {
		t.Fatal("decider error swallowed")
	}
	if st := s.Snapshot().State; st != encounter.StateCapturing {
		t.Errorf("state %s", st)
	}
	s.SetGallery("", nil)
	if _, err := decideAndRecord(ctx, s, img); !errors.Is(err, ErrNoDecider) {
		t.Errorf("no gallery: %v", err)
	}
	s2, _ := newTestShift(t, nil)
	if _, err := decideAndRecord(ctx, s2, img); !errors.Is(err, ErrNoDecider) || s2.Snapshot().State != encounter.StateReady {
		t.Errorf("no gallery on a fresh encounter: %v, state %s", err, s2.Snapshot().State)
	}
	if err := s.BeginManualCheck(time.Time{}); err != nil {
		t.Errorf("manual check blocked by capture: %v", err)
	}
}

// decideAndRecord is the station's capture on a lone shift: img decided
// (no tracked face, no quality summary), then the encounter put on the
// record.
func decideAndRecord(ctx context.Context, s *Shift, img image.Image) (Decision, error) {
	return decideRated(ctx, s, img, "")
}

// decideRated is decideAndRecord with the capture's quality summary.
func decideRated(ctx context.Context, s *Shift, img image.Image, quality string) (Decision, error) {
	d, err := s.Decide(ctx, img, image.Rectangle{}, quality)
	if err == nil {
		s.RecordDecision(ctx)
	}
	return d, err
}
