package booth

import (
	"context"
	"testing"

	"veriport/encounter"
)

// TestNewFaceAfterDecisionMarksItPrevious: while a decision is on screen,
// the traveler it is for may stay in view (or blink out of the tracker for
// a moment) without changing anything; once that face has left for the
// reset time and a face comes into view, the state says the decision on
// screen is for the previous traveler. Next then takes the new face at
// once (it is not the last traveler's), and the new decision starts
// unmarked. The same after a manual check's conclusion.
func TestNewFaceAfterDecisionMarksItPrevious(t *testing.T) {
	ctx := context.Background()
	st, _, show := heldStation(t)
	if n := show(passing, 3); n != 1 || st.State().Phase != PhaseDecided {
		t.Fatalf("first traveler: %d captures, phase %s", n, st.State().Phase)
	}
	if n := show(passing, 40); n != 0 || st.State().NextInView {
		t.Fatalf("the decided traveler in view for 2 s: %d captures, next in view %v", n, st.State().NextInView)
	}
	show(noFace, 10) // half a second out of the tracker: not gone
	show(passing, 1)
	if st.State().NextInView {
		t.Fatal("a face lost for 0.5 s was taken for the next traveler")
	}
	show(noFace, 25) // 1.25 s without a face: the traveler has left
	if st.State().NextInView {
		t.Fatal("next traveler in view with no face in view")
	}
	if n := show(passing, 1); n != 0 || !st.State().NextInView || st.State().Phase != PhaseDecided {
		t.Fatalf("a new face after the traveler left: %d captures, state %+v", n, st.State())
	}
	if err := st.Next(ctx); err != nil {
		t.Fatal(err)
	}
	if n := show(passing, 3); n != 1 { // the new traveler, without stepping out first
		t.Fatalf("%d captures of the traveler already in view at Next, want 1", n)
	}
	if s := st.State(); s.Phase != PhaseDecided || s.NextInView {
		t.Fatalf("the new traveler's decision: %+v", s)
	}

	// After a manual check's conclusion: the same hint, and the new face
	// is taken after Next.
	st2, _, show2 := heldStation(t)
	if err := st2.BeginManual(); err != nil {
		t.Fatal(err)
	}
	if err := st2.CompleteManual(ctx, encounter.ManualResult{Verified: true, Attested: true}, nil); err != nil {
		t.Fatal(err)
	}
	show2(passing, 20) // the verified traveler
	show2(noFace, 25)
	if st2.State().NextInView {
		t.Fatal("next traveler in view with no face in view")
	}
	if n := show2(passing, 5); n != 0 || !st2.State().NextInView || st2.State().Phase != PhaseConcluded {
		t.Fatalf("a new face after the verified traveler left: %d captures, state %+v", n, st2.State())
	}
	if err := st2.Next(ctx); err != nil {
		t.Fatal(err)
	}
	if n := show2(passing, 3); n != 1 {
		t.Fatalf("%d captures of the traveler already in view at Next, want 1", n)
	}
}
