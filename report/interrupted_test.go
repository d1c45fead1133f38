package report

import (
	"context"
	"testing"

	"veriport/record"
)

// An encounter a crash left open is closed at the next start-up with the
// result "interrupted" (booth.CloseInterrupted). The report counts it in a
// row of its own, flagged for the supervisor, so that the outcomes add up
// and a workstation that keeps dying shows.
func TestInterruptedEncountersCounted(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	if err := record.InsertOfficer(ctx, s.DB, record.Officer{ID: "o.a", Name: "Officer o.a", Role: "officer"}); err != nil {
		t.Fatal(err)
	}
	for i, res := range []string{"interrupted", "cleared", "interrupted"} {
		start := at(7, 10*i)
		e := record.Encounter{Station: "booth-1", OfficerID: "o.a", Flight: "VP1", StartedAt: start,
			Category: "in-scope", Outcome: "match", Result: res, TravelerID: "T1",
			CapturedAt: start.Add(500e6), DecidedAt: start.Add(1e9), DecisionTime: 1e9, DoneAt: start.Add(60e9)}
		if err := record.InsertEncounter(ctx, s.DB, &e); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Compute(ctx, s.DB, Filter{From: shiftStart, To: shiftEnd}, Options{Now: shiftEnd})
	if err != nil {
		t.Fatal(err)
	}
	if r.Processed != 3 || r.Outcomes.Cleared != 1 || r.Outcomes.Interrupted != 2 {
		t.Fatalf("processed %d, cleared %d, interrupted %d; want 3, 1, 2", r.Processed, r.Outcomes.Cleared, r.Outcomes.Interrupted)
	}
	var row *Figure
	for _, f := range Figures(r) {
		if f.Label == "Interrupted (workstation stopped before Next)" {
			f := f
			row = &f
		}
	}
	if row == nil || row.Value != "2" || !row.Alert {
		t.Fatalf("interrupted row %+v, want value 2 flagged", row)
	}
	m := reportJSON(t, Filter{From: shiftStart, To: shiftEnd})
	if got := jsonPath(m, "outcomes.interrupted"); got != 0.0 {
		t.Errorf("known shift outcomes.interrupted = %v, want 0", got)
	}
}
