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
