package report

import (
	"context"
	"testing"

	"veriport/record"
)

// TestFairnessFlights: the flights whose gallery raised the fairness warning
// are listed with their manual-check share; other flights are not.
func TestFairnessFlights(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	low, cfgT := 0.41, 0.5
	add := func(flight string, h, m int, manual, poor bool, thr float64) {
		e := record.Encounter{Station: "booth-1", Flight: flight, StartedAt: at(h, m), Category: "in-scope",
			Outcome: "match", Result: "cleared", Threshold: &thr, ThresholdCalibrated: true, PoorSeparation: poor}
		if manual {
			e.Outcome, e.Result, e.ManualCheckAt = "no-match", "verified", at(h, m+1)
		}
		if err := record.InsertEncounter(ctx, s.DB, &e); err != nil {
			t.Fatal(err)
		}
	}
	// ZZ1: warned, 3 of 4 to the manual check. ZZ2: not warned.
	add("ZZ1", 7, 0, true, true, low)
	add("ZZ1", 7, 5, true, true, low)
	add("ZZ1", 7, 10, false, true, low)
	add("ZZ1", 7, 15, true, true, low)
	add("ZZ2", 8, 0, true, false, cfgT)
	add("ZZ2", 8, 5, false, false, cfgT)
	r, err := Compute(ctx, s.DB, Filter{From: shiftStart, To: shiftEnd}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Fairness) != 1 {
		t.Fatalf("fairness flights %+v, want ZZ1 only", r.Fairness)
	}
	f := r.Fairness[0]
	if f.Flight != "ZZ1" || f.Encounters != 4 || f.ManualChecks != 3 || f.ManualCheckShare != 0.75 || f.Threshold != low {
		t.Fatalf("fairness flight %+v, want ZZ1 4 encounters, 3 manual checks (0.75), threshold 0.41", f)
	}
	var shown bool
	for _, fig := range Figures(r) {
		if fig.Section == "Fairness" && fig.Label == "Flight ZZ1" && fig.Alert {
			shown = true
		}
	}
	if !shown {
		t.Errorf("figures do not show the fairness warning of ZZ1: %+v", Figures(r))
	}
}
