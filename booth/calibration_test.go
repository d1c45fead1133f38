package booth

import (
	"context"
	"fmt"
	"image"
	"strings"
	"testing"
	"time"

	"veriport/encounter"
	"veriport/gallery"
	"veriport/record"
	"veriport/retention"
	"veriport/verify"
)

// lookAlikeBundle is a 420-traveler gallery of look-alikes (the engine
// separates it poorly) with the identities of its travelers.
func lookAlikeBundle() (*gallery.Bundle, []verify.Template) {
	l := verify.NewLookAlikes(2, verify.DefaultLookAlikeCentres, verify.DefaultLookAlikeSpread)
	b := &gallery.Bundle{}
	var ids []verify.Template
	for i := range 420 {
		id := l.Traveler()
		ids = append(ids, id)
		b.Entries = append(b.Entries, entry(fmt.Sprintf("LA-%04d", i), gallery.CategoryInScope, l.Capture(&id)))
	}
	return b, ids
}

// TestEncounterRecordsTheCalibratedThreshold: a look-alike flight's
// decider calibrates the threshold below the configured one, decides with
// it, raises the fairness warning, and every encounter of the flight keeps
// the threshold, that it was calibrated and the warning in its row.
func TestEncounterRecordsTheCalibratedThreshold(t *testing.T) {
	ctx := context.Background()
	b, ids := lookAlikeBundle()
	p := verify.Policy{Threshold: 0.6, Margin: 0.05}
	g := NewCalibratedGalleryDecider(fakeFaces{t: ids[5]}, b, p, verify.CalibrationOptions{})
	c := g.Calibration()
	if !c.Calibrated || c.Threshold >= 0.6 || !c.PoorSeparation || !strings.Contains(FairnessNotice(c), "manual") {
		t.Fatalf("calibration %+v, want a lowered threshold with the fairness warning", c)
	}
	st, k, _ := keeperStore(t, retention.ModeAgency)
	if err := record.InsertOfficer(ctx, st.DB, record.Officer{ID: "o1", Name: "Officer One", Role: "officer"}); err != nil {
		t.Fatal(err)
	}
	pol, _ := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	s, err := NewShift(ctx, "o1", Config{Station: "B1", Policy: pol, Recorder: &StoreRecorder{Store: st, Keeper: k}})
	if err != nil {
		t.Fatal(err)
	}
	s.SetGallery("LA420", g)
	// ids[5] itself: within 0.35 or so of its enrolment capture, a match.
	if _, err := decideAndRecord(ctx, s, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	if err := s.BeginManualCheck(time.Time{}); err == nil {
		if err := s.CompleteManualCheck(ctx, encounter.ManualResult{Verified: true, Attested: true}, nil); err != nil {
			t.Fatal(err)
		}
	} else if err := s.Next(ctx); err != nil {
		t.Fatal(err)
	}
	// A configured, uncalibrated decider: the row says so.
	s.SetGallery("VP9", NewGalleryDecider(fakeFaces{t: ids[5]}, b, verify.Policy{Threshold: 0.5, Margin: 0.05}))
	if _, err := decideAndRecord(ctx, s, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	if err := s.BeginManualCheck(time.Time{}); err == nil {
		if err := s.CompleteManualCheck(ctx, encounter.ManualResult{Verified: true, Attested: true}, nil); err != nil {
			t.Fatal(err)
		}
	} else if err := s.Next(ctx); err != nil {
		t.Fatal(err)
	}
	rows, err := record.ListEncounters(ctx, st.DB, record.EncounterFilter{})
	if err != nil || len(rows) != 2 {
		t.Fatalf("encounters %d %v", len(rows), err)
	}
	r := rows[0]
	if r.Threshold == nil || *r.Threshold != c.Threshold || !r.ThresholdCalibrated || !r.PoorSeparation {
		t.Errorf("calibrated flight row: threshold %v calibrated %v warning %v, want %.4f true true",
			deref(r.Threshold), r.ThresholdCalibrated, r.PoorSeparation, c.Threshold)
	}
	r = rows[1]
	if r.Threshold == nil || *r.Threshold != 0.5 || r.ThresholdCalibrated || r.PoorSeparation {
		t.Errorf("configured flight row: threshold %v calibrated %v warning %v, want 0.5 false false",
			deref(r.Threshold), r.ThresholdCalibrated, r.PoorSeparation)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
