package booth

import (
	"context"
	"image"
	"testing"

	"veriport/encounter"
)

// The decision goes to the screen before the encounter is stored (storage
// waits for no answer), and the encounter is on the record, photo
// included, when the decision call returns.
func TestDecisionShownBeforeStorage(t *testing.T) {
	st, rec, feed := newTestStation(t, Decision{Outcome: encounter.OutcomeMatch, Subject: "T-7",
		Category: encounter.CategoryInScope, Distance: 0.3, Margin: 0.2})
	c := feed()
	if c == nil {
		t.Fatal("no capture")
	}
	shown := -1
	d, err := st.DecideShown(context.Background(), c.Image, image.Rectangle{}, "", func(d Decision, err error) {
		if err != nil || d.Subject != "T-7" {
			t.Errorf("shown %+v %v", d, err)
		}
		if p := st.State().Phase; p != PhaseDecided {
			t.Errorf("shown in phase %s, want decided", p)
		}
		shown = len(rec.Records())
	})
	if err != nil || d.Subject != "T-7" {
		t.Fatalf("decide: %+v %v", d, err)
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
	if _, err := s.DecideTracked(ctx, img, image.Rectangle{}, ""); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.Records()); n != 0 {
		t.Fatalf("DecideTracked stored %d encounters; storage is RecordDecision's", n)
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
	if _, err := s.DecideTracked(ctx, img, image.Rectangle{}, ""); err != nil {
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
