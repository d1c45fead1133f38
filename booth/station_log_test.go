package booth

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"veriport/config"
	"veriport/encounter"
)

// TestCaptureLogLinesForTheWalkCheck: scripts/check-capture-log.py reads
// the workstation log for photos the camera must not take; it looks for
// these lines, in slog's text format, so the station must write them as
// such: every phase change, every capture with its phase and kind, and the
// moment the camera may take the next face.
func TestCaptureLogLinesForTheWalkCheck(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	d := Decision{Outcome: encounter.OutcomeMatch, Subject: "T-1", Category: encounter.CategoryInScope}
	s, _ := newTestShift(t, fixed(d))
	q := config.DefaultQuality()
	q.StableFrames = 3
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	st := NewStation(StationConfig{Quality: q, Now: func() time.Time { return now }, Log: log})
	st.SetGallery("XX123", fixed(d))
	st.Login(s)
	for i := 0; i < 3; i++ {
		now = now.Add(50 * time.Millisecond)
		if step := st.Observe(context.Background(), now, img, passing); step.Captured != nil {
			if err := st.State().NotDecided; err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := st.Next(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ { // the traveler leaves
		now = now.Add(50 * time.Millisecond)
		st.Observe(context.Background(), now, img, noFace)
	}
	got := buf.String()
	for _, want := range []string{
		`msg="booth phase" from=logged-out to=ready why=login`,
		`msg="frame captured" phase=ready auto=true`,
		`msg="booth phase" from=decided to=ready why="next traveler"`,
		`msg="capture armed: `,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the log has no %s\n%s", want, got)
		}
	}
}
