package booth

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"veriport/encounter"
	"veriport/verify"
)

// A booth error matches the sentinel of its own kind, and no other, however
// deeply it is wrapped; KindOf finds the kind through other wrappers.
func TestErrorKindsMatchTheirSentinels(t *testing.T) {
	sentinels := map[Kind]error{NotNow: ErrPhase, NoShift: ErrNoShift, NoGallery: ErrNoDecider,
		GalleryExpired: ErrGalleryExpired, Pose: ErrPose, Unfinished: ErrUnfinished,
		NoOverrideReason: ErrNoOverrideReason, NotRecorded: ErrNotRecorded, ReserveFull: ErrReserveFull,
		NoFace: ErrNoFace, ManyFaces: ErrManyFaces}
	for kind, sentinel := range sentinels {
		err := fmt.Errorf("outer: %w", E("op", kind, errors.New("detail")))
		if got := KindOf(err); got != kind {
			t.Errorf("KindOf(%v) = %v, want %v", err, got, kind)
		}
		for k, s := range sentinels {
			if errors.Is(err, s) != (k == kind) {
				t.Errorf("errors.Is(%v, sentinel of %v) = %v", err, k, !(k == kind))
			}
		}
		if !errors.Is(sentinel, sentinel) || KindOf(sentinel) != kind {
			t.Errorf("sentinel of %v does not match itself", kind)
		}
	}
	// A booth error of no kind takes the kind of what it wraps.
	if got := KindOf(E("record", Other, E("", NotRecorded, nil))); got != NotRecorded {
		t.Errorf("KindOf through an Other = %v", got)
	}
	// A decision's face errors from verify get their kind, and stay
	// verify's errors too.
	for verr, kind := range map[error]Kind{verify.ErrNoFace: NoFace, verify.ErrManyFaces: ManyFaces} {
		err := E("capture", faceKind(fmt.Errorf("decide: %w", verr)), fmt.Errorf("decide: %w", verr))
		if KindOf(err) != kind || !errors.Is(err, verr) {
			t.Errorf("%v: kind %v, is verify's %v", err, KindOf(err), errors.Is(err, verr))
		}
	}
	if got := KindOf(errors.New("plain")); got != Other {
		t.Errorf("KindOf(plain error) = %v", got)
	}
	if errors.Is(errors.New("not possible now"), ErrPhase) {
		t.Error("a plain error with the same text matched ErrPhase")
	}
}

// The booth's errors say what failed for the log, not what the officer
// should do: the manual check refused after a decision is "not possible
// now" with the phase, and no instruction to the officer.
func TestManualCheckRefusalCarriesKindNotSentence(t *testing.T) {
	st, _, _ := newTestStation(t, Decision{Outcome: encounter.OutcomeMatch, Subject: "T-1"})
	if err := st.BeginManual(); err != nil {
		t.Fatal(err)
	}
	err := st.BeginManual() // already in the manual check
	if KindOf(err) != NotNow || !errors.Is(err, ErrPhase) {
		t.Fatalf("second manual check: %v (kind %v)", err, KindOf(err))
	}
	if got, want := err.Error(), "manual check: not possible now: phase manual"; got != want {
		t.Errorf("error text %q, want %q", got, want)
	}
	for _, s := range []error{ErrNoDecider, ErrGalleryExpired, ErrPose, ErrUnfinished, ErrNoOverrideReason} {
		if txt := s.Error(); strings.Contains(txt, "manual check") || strings.Contains(txt, "capture again") {
			t.Errorf("%q tells the officer what to do: that is ui's sentence", txt)
		}
	}
}
