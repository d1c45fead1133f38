package quality

import (
	"image"
	"testing"
	"time"

	"veriport/config"
)

// fakeReport is a report whose mandatory measures all pass (or one fails),
// with the given composite score and face count.
func fakeReport(pass bool, score float64, faces int) QualityReport {
	v := VerdictPass
	if !pass {
		v = VerdictFail
	}
	return QualityReport{Faces: faces, Score: score, Measures: []Measure{
		{Name: MeasureFaceCount, Verdict: VerdictPass, Mandatory: true},
		{Name: MeasureSharpness, Verdict: v, Mandatory: true, Guidance: SayHoldStill},
	}}
}

// frameTagged is a 4x4 frame whose first pixel carries a tag.
func frameTagged(tag uint8) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Pix[0] = tag
	return img
}

func TestCapturerStableRun(t *testing.T) {
	q := config.DefaultQuality()
	q.StableFrames = 5
	for _, c := range []struct {
		name     string
		passes   string // one character a frame: P pass, F fail
		captures int
		bestTag  uint8 // tag of the captured frame (its index + 1)
	}{
		{"five good frames", "PPPPP", 1, 3},
		{"good run then more good frames", "PPPPPPPPP", 1, 3},
		{"run broken at four, every time", "PPPPFPPPPFPPPPF", 0, 0},
		{"no good frame", "FFFFFFFFFF", 0, 0},
		{"broken then stable", "PPFPPPPP", 1, 6},
	} {
		t.Run(c.name, func(t *testing.T) {
			now := time.Unix(1000, 0)
			cp := NewCapturer(q, now)
			var got []*Capture
			// Scores rise to the third frame of each good stretch, then fall.
			run := 0
			for i, ch := range c.passes {
				now = now.Add(40 * time.Millisecond)
				pass := ch == 'P'
				if pass {
					run++
				} else {
					run = 0
				}
				score := 0.5 + 0.1*float64(3-abs(run-3))
				st := cp.Observe(now, frameTagged(uint8(i+1)), fakeReport(pass, score, 1))
				if st.Captured != nil {
					got = append(got, st.Captured)
				}
			}
			if len(got) != c.captures {
				t.Fatalf("%d captures, want %d", len(got), c.captures)
			}
			if c.captures == 1 {
				if tag := got[0].Image.Pix[0]; tag != c.bestTag || !got[0].Auto {
					t.Errorf("captured frame %d (auto %v), want the best, frame %d", tag, got[0].Auto, c.bestTag)
				}
				if cp.State() != CaptureDone {
					t.Errorf("state %s after capture", cp.State())
				}
			} else if cp.State() == CaptureDone {
				t.Error("state captured without a capture")
			}
		})
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func TestCapturerManualOfferAndReset(t *testing.T) {
	q := config.DefaultQuality()
	q.ManualCheckAfterSeconds, q.ResetAfterNoFaceSeconds = 10, 2
	start := time.Unix(1000, 0)
	cp := NewCapturer(q, start)
	offers := 0
	for s := 0; s < 30; s++ {
		if cp.Observe(start.Add(time.Duration(s)*time.Second), frameTagged(1), fakeReport(false, 0, 1)).OfferManual {
			offers++
			if s != 10 {
				t.Errorf("manual check offered after %d s, want 10", s)
			}
		}
	}
	if offers != 1 || !cp.ManualOffered() {
		t.Errorf("%d offers, want exactly one", offers)
	}
	// The officer captures by hand; the copy is independent of the frame.
	img := frameTagged(7)
	c := cp.Capture(start.Add(31*time.Second), img, fakeReport(false, 0, 1))
	img.Pix[0] = 9
	if c.Auto || c.Image.Pix[0] != 7 || cp.State() != CaptureDone {
		t.Errorf("manual capture: auto %v, tag %d, state %s", c.Auto, c.Image.Pix[0], cp.State())
	}
	// While the face stays nothing happens; once it has gone for 2 s, re-armed.
	now := start.Add(32 * time.Second)
	for i := 0; i < 10; i++ {
		now = now.Add(time.Second)
		if cp.Observe(now, img, fakeReport(true, 1, 1)).Captured != nil {
			t.Fatal("captured again while the captured traveler stays")
		}
	}
	cp.Observe(now.Add(time.Second), img, fakeReport(false, 0, 0))
	if cp.State() != CaptureDone {
		t.Error("re-armed before the no-face delay")
	}
	cp.Observe(now.Add(3*time.Second), img, fakeReport(false, 0, 0))
	if cp.State() != CaptureSearching || cp.ManualOffered() {
		t.Errorf("after the traveler left: state %s, offered %v", cp.State(), cp.ManualOffered())
	}
}

// TestCapturerNextTravelerWaitsForTheLastFaceToLeave: after a capture, the
// next traveler's attempt does not take the face still in view (the
// traveler just decided); it starts once no face has been seen for the
// reset time, and an attempt without a capture starts at once.
func TestCapturerNextTravelerWaitsForTheLastFaceToLeave(t *testing.T) {
	q := config.DefaultQuality()
	q.StableFrames = 2
	t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	c := NewCapturer(q, t0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	good := fakeReport(true, 0.9, 1)
	captures := 0
	for i := 0; i < 2; i++ {
		if c.Observe(at(i*40), frameTagged(1), good).Captured != nil {
			captures++
		}
	}
	if captures != 1 {
		t.Fatalf("%d captures of the first traveler, want 1", captures)
	}
	c.NextTraveler(at(100))
	if c.State() != CaptureClearing {
		t.Fatalf("state after next traveler %q, want %q", c.State(), CaptureClearing)
	}
	for i := 0; i < 50; i++ { // the same face stays 2 s: never taken again
		if c.Observe(at(140+i*40), frameTagged(2), good).Captured != nil {
			t.Fatalf("the last traveler's face was captured again after %d frames", i+1)
		}
	}
	gone := at(2200)
	reset := time.Duration(q.ResetAfterNoFaceSeconds * float64(time.Second))
	c.Observe(gone, frameTagged(3), fakeReport(false, 0, 0))
	c.Observe(gone.Add(reset), frameTagged(3), fakeReport(false, 0, 0))
	if c.State() != CaptureSearching {
		t.Fatalf("state once the face left %q, want %q", c.State(), CaptureSearching)
	}
	next := gone.Add(reset + 40*time.Millisecond)
	got := 0
	for i := 0; i < 2; i++ {
		if c.Observe(next.Add(time.Duration(i*40)*time.Millisecond), frameTagged(4), good).Captured != nil {
			got++
		}
	}
	if got != 1 {
		t.Fatalf("%d captures of the next traveler, want 1", got)
	}
	fresh := NewCapturer(q, t0) // nothing captured: next traveler starts at once
	fresh.NextTraveler(at(10))
	if fresh.State() != CaptureSearching {
		t.Fatalf("next traveler without a capture: state %q, want %q", fresh.State(), CaptureSearching)
	}
}

// TestCapturerHoldTakesNothingUntilNextAndTheFaceLeaves: a held attempt
// (opt-out, manual check) captures nothing and offers nothing, even when
// the face leaves and comes back; after NextTraveler it still waits for
// the face to be gone for the reset time, counted from NextTraveler; the
// officer's Capture works throughout.
func TestCapturerHoldTakesNothingUntilNextAndTheFaceLeaves(t *testing.T) {
	q := config.DefaultQuality()
	q.StableFrames = 2
	q.ManualCheckAfterSeconds = 1
	t0 := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	c := NewCapturer(q, t0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	good, none := fakeReport(true, 0.9, 1), fakeReport(false, 0, 0)
	c.Hold(at(0))
	for i := 0; i < 100; i++ { // 4 s: present, gone 2 s, back
		r := good
		if i >= 25 && i < 75 {
			r = none
		}
		if st := c.Observe(at(40+i*40), frameTagged(1), r); st.Captured != nil || st.OfferManual {
			t.Fatalf("held attempt stepped at frame %d: %+v", i, st)
		}
	}
	if c.State() != CaptureHeld {
		t.Fatalf("state %q, want %q", c.State(), CaptureHeld)
	}
	c.NextTraveler(at(5000))
	// The face is gone at once after Next, but not yet for the reset time.
	c.Observe(at(5040), frameTagged(2), none)
	if c.State() != CaptureClearing {
		t.Fatalf("state just after Next %q, want %q", c.State(), CaptureClearing)
	}
	reset := time.Duration(q.ResetAfterNoFaceSeconds * float64(time.Second))
	c.Observe(at(5000).Add(reset), frameTagged(2), none)
	if c.State() != CaptureSearching {
		t.Fatalf("state once the face was gone for %v: %q", reset, c.State())
	}
	if cp := c.Capture(at(9000), frameTagged(3), good); cp == nil || cp.Auto {
		t.Fatalf("officer's capture: %+v", cp)
	}
}
