package booth

import (
	"context"
	"image"
	"testing"
	"time"

	"veriport/encounter"
)

// The decision goes to the screen before the encounter is stored (storage
// waits for no answer): the station publishes the decided state first.
// The encounter is on the record, photo included, when the capture
// returns.
func TestDecisionShownBeforeStorage(t *testing.T) {
	d := Decision{Outcome: encounter.OutcomeMatch, Subject: "T-7", Category: encounter.CategoryInScope,
		Distance: 0.3, Margin: 0.2}
	s, rec := newTestShift(t, fixed(d))
	shown := -1
	st := NewStation(StationConfig{Notify: func(s State) {
		if s.Phase != PhaseDecided || shown >= 0 {
			return
		}
		if s.Decision == nil || s.Decision.Subject != "T-7" {
			t.Errorf("shown %+v", s.Decision)
		}
		shown = len(rec.Records())
	}})
	st.SetGallery("XX123", fixed(d))
	st.Login(s)
	got, err := st.Capture(context.Background(), time.Now(), img, passing)
	if err != nil || got.Subject != "T-7" {
		t.Fatalf("capture: %+v %v", got, err)
	}
	if shown != 0 {
		t.Fatalf("%d encounters on the record when the decision was shown: storage came first", shown)
	}
	rs := rec.Records()
	if len(rs) != 1 || rec.PhotoSize(rs[0].ID) == 0 || rs[0].Outcome != "match" {
		t.Fatalf("after the decision: records %+v; want the decided encounter with its photo", rs)
	}
}

// An officer who presses Next between the banner and storage loses
// nothing and records nothing twice.
func TestNextBeforeStorageRecordsOnce(t *testing.T) {
	ctx := context.Background()
	s, rec := newTestShift(t, fixed(Decision{Outcome: encounter.OutcomeMatch, Subject: "T-7",
		Category: encounter.CategoryInScope, Distance: 0.3}))
	if _, err := s.Decide(ctx, img, image.Rectangle{}, ""); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.Records()); n != 0 {
		t.Fatalf("Decide stored %d encounters; storage is RecordDecision's", n)
	}
	if err := s.Next(ctx); err != nil {
		t.Fatal(err)
	}
	s.RecordDecision(ctx) // late: the traveler has moved on
	rs := rec.Records()
	if len(rs) != 1 || rs[0].Result != encounter.ResultCleared || rec.PhotoSize(rs[0].ID) == 0 {
		t.Fatalf("records %+v; want one cleared encounter with its photo", rs)
	}
}

// A logout between the banner and storage records the decided encounter,
// photo included, before the shift ends.
func TestLogoutBeforeStorageRecordsTheDecision(t *testing.T) {
	ctx := context.Background()
	s, rec := newTestShift(t, fixed(Decision{Outcome: encounter.OutcomeNoMatch, Distance: 0.8}))
	if _, err := s.Decide(ctx, img, image.Rectangle{}, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.End(ctx, "idle"); err != nil {
		t.Fatal(err)
	}
	s.RecordDecision(ctx) // late
	rs := rec.Records()
	if len(rs) != 1 || rs[0].Outcome != "no-match" || rec.PhotoSize(rs[0].ID) == 0 {
		t.Fatalf("records %+v; want the decided encounter with its photo", rs)
	}
}
