package quality

import (
	"image"
	"time"

	"veriport/config"
)

// CaptureState is where live capture stands for the current traveler.
type CaptureState string

// Capture states.
const (
	// CaptureSearching: some mandatory measure does not pass.
	CaptureSearching CaptureState = "searching"
	// CaptureSteady: every mandatory measure passes; the stable run is counting.
	CaptureSteady CaptureState = "steady"
	// CaptureDone: a frame was captured and handed on; the next capture
	// waits for the traveler to leave (or for Reset, or the officer).
	CaptureDone CaptureState = "captured"
	// CaptureClearing: the next traveler is due, but the face of the last
	// capture may still be in view; the attempt starts once no face has
	// been seen for a moment, so one traveler is not taken twice.
	CaptureClearing CaptureState = "clearing"
	// CaptureHeld: this traveler is handled without auto-capture (an
	// opt-out asked for, a manual check opened): nothing is captured
	// automatically until NextTraveler, and then only once the face has
	// left. The officer's Capture still works.
	CaptureHeld CaptureState = "held"
)

// Capture is a frame chosen as the probe, with its report.
type Capture struct {
	Image  *image.RGBA // a copy owned by the receiver
	Report QualityReport
	Auto   bool // chosen by auto-capture, not by the officer
	At     time.Time
}

// Step is what one observed frame changed.
type Step struct {
	Captured    *Capture // non-nil when this frame completed a capture
	OfferManual bool     // true once per attempt, when the manual-check timeout passes
}

// Capturer is the auto-capture state machine: when every mandatory measure
// passes over a stable run of analysed frames, the best frame of the run
// (highest composite score) is captured, once. It keeps copies only of the
// best frame so far. Not safe for concurrent use; time is passed in.
type Capturer struct {
	stable      int
	manualAfter time.Duration
	resetAfter  time.Duration

	state     CaptureState
	run       int
	best      *image.RGBA
	bestRep   QualityReport
	bestScore float64
	spare     *image.RGBA
	started   time.Time
	offered   bool
	lastFace  time.Time
}

// NewCapturer starts an attempt at now with the stable-run length and
// timeouts from q.
func NewCapturer(q config.Quality, now time.Time) *Capturer {
	c := &Capturer{
		stable:      q.StableFrames,
		manualAfter: time.Duration(q.ManualCheckAfterSeconds * float64(time.Second)),
		resetAfter:  time.Duration(q.ResetAfterNoFaceSeconds * float64(time.Second)),
	}
	c.Reset(now)
	return c
}

// Reset starts a new attempt (next traveler) at now.
func (c *Capturer) Reset(now time.Time) {
	c.state, c.run, c.bestScore = CaptureSearching, 0, -1
	c.started, c.offered = now, false
}

// Restart starts a fresh attempt at now when one is under way (searching
// or steady); a capture, a hold or a clearing is left as it is.
func (c *Capturer) Restart(now time.Time) {
	if c.state == CaptureSearching || c.state == CaptureSteady {
		c.Reset(now)
	}
}

// Hold stops auto-capture for the current traveler (opt-out, manual
// check) until NextTraveler.
func (c *Capturer) Hold(now time.Time) {
	c.state, c.run, c.bestScore, c.lastFace = CaptureHeld, 0, -1, now
}

// NextTraveler starts the next traveler's attempt at now. After a capture
// or a hold the last traveler may still be in view: the attempt starts
// only once no face has been seen for the reset time, counted from now
// (CaptureClearing), so one traveler is never taken as the next.
func (c *Capturer) NextTraveler(now time.Time) {
	if c.state != CaptureDone && c.state != CaptureHeld && c.state != CaptureClearing {
		c.Reset(now)
		return
	}
	c.state, c.run, c.bestScore = CaptureClearing, 0, -1
	c.started, c.offered, c.lastFace = now, false, now
}

// State is the current state.
func (c *Capturer) State() CaptureState { return c.state }

// Progress is the length of the current good run and the length needed.
func (c *Capturer) Progress() (run, of int) { return c.run, c.stable }

// ManualOffered reports whether this attempt has offered the manual check.
func (c *Capturer) ManualOffered() bool { return c.offered }

// Observe takes the next analysed frame and its report. img is only read
// during the call.
func (c *Capturer) Observe(now time.Time, img *image.RGBA, r QualityReport) Step {
	var st Step
	if c.state == CaptureHeld {
		return st
	}
	if c.state == CaptureDone || c.state == CaptureClearing {
		if r.Faces > 0 {
			c.lastFace = now
		} else if now.Sub(c.lastFace) >= c.resetAfter {
			c.Reset(now) // the traveler has left: re-arm for the next one
		}
		return st
	}
	if r.Pass() {
		c.run++
		c.state = CaptureSteady
		if r.Score > c.bestScore {
			c.best, c.spare = copyRGBA(c.spare, img), c.best
			c.bestRep, c.bestScore = r, r.Score
		}
		if c.run >= c.stable {
			st.Captured = &Capture{Image: c.best, Report: c.bestRep, Auto: true, At: now}
			c.best = nil // handed over
			c.done(now)
			return st
		}
	} else {
		c.run, c.bestScore, c.state = 0, -1, CaptureSearching
	}
	if !c.offered && now.Sub(c.started) >= c.manualAfter {
		c.offered = true
		st.OfferManual = true
	}
	return st
}

// Capture takes img as the probe now, whatever the measures say: the
// officer's Capture button. img is copied.
func (c *Capturer) Capture(now time.Time, img *image.RGBA, r QualityReport) *Capture {
	cp := &Capture{Image: copyRGBA(nil, img), Report: r, At: now}
	c.done(now)
	return cp
}

func (c *Capturer) done(now time.Time) {
	c.state, c.run, c.bestScore, c.lastFace = CaptureDone, 0, -1, now
}

// copyRGBA copies src into dst (reused when it has the same size).
func copyRGBA(dst, src *image.RGBA) *image.RGBA {
	size := src.Rect.Size()
	if dst == nil || dst.Rect.Size() != size || dst.Rect.Min != (image.Point{}) {
		dst = image.NewRGBA(image.Rectangle{Max: size})
	}
	w := size.X * 4
	for y := 0; y < size.Y; y++ {
		o := src.PixOffset(src.Rect.Min.X, src.Rect.Min.Y+y)
		copy(dst.Pix[y*dst.Stride:y*dst.Stride+w], src.Pix[o:o+w])
	}
	return dst
}
