package ui

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"veriport/quality"
)

// Assessor judges one live frame; *assess.Assessor implements it (checked
// where the workstation is wired, cli/run.go).
type Assessor interface {
	Assess(img *image.RGBA) (quality.QualityReport, error)
}

// captureStatus is what the capture panel shows; built off the UI thread.
type captureStatus struct {
	state      quality.CaptureState
	run, of    int
	offered    bool
	lastReport bool   // a report exists
	paused     string // why the booth takes no photo now; "" while it waits for a traveler
}

// capturePanel holds the capture state, the Capture and manual-check
// buttons and the thumbnail of the last capture. UI thread only.
type capturePanel struct {
	state    *widget.Label
	progress *widget.ProgressBar
	capture  *widget.Button
	manual   *widget.Button
	offer    *widget.Label
	thumb    *canvas.Image
	captured *widget.Label
	shown    *quality.Capture // the capture the thumbnail shows; nil when none
	box      *fyne.Container
}

func newCapturePanel(onCapture, onManual func(), auto bool) *capturePanel {
	p := &capturePanel{}
	p.state = widget.NewLabelWithStyle("Looking for a face", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.state.Wrapping = fyne.TextWrapWord
	if !auto {
		p.state.SetText("Automatic capture off — press Capture")
	}
	p.progress = widget.NewProgressBar()
	p.progress.TextFormatter = func() string { return "steady frames" }
	p.progress.Hide()
	p.capture = widget.NewButton("Capture (Enter)", onCapture)
	p.capture.Importance = widget.HighImportance
	p.manual = widget.NewButton("Manual document check", onManual)
	p.offer = widget.NewLabel("Capture is taking long: offer the manual document check.")
	p.offer.Wrapping = fyne.TextWrapWord
	p.offer.Importance = widget.WarningImportance
	p.offer.Hide()
	p.thumb = canvas.NewImageFromImage(nil)
	p.thumb.FillMode = canvas.ImageFillContain
	p.thumb.ScaleMode = canvas.ImageScaleFastest
	p.thumb.SetMinSize(fyne.NewSize(224, 126))
	p.thumb.Hide()
	p.captured = widget.NewLabel("")
	p.captured.Wrapping = fyne.TextWrapWord
	p.box = container.NewVBox(p.state, p.progress, p.capture, p.manual, p.offer, p.thumb, p.captured)
	return p
}

// set shows the capture state.
func (p *capturePanel) set(s captureStatus) {
	text := ""
	switch {
	case s.paused != "":
		text = s.paused
	case s.state == quality.CaptureSearching:
		text = "Looking for a good frame"
	case s.state == quality.CaptureSteady:
		text = fmt.Sprintf("Hold still — steady frame %d of %d", s.run, s.of)
	case s.state == quality.CaptureDone:
		text = "Captured"
	case s.state == quality.CaptureClearing:
		text = "Waiting for the last traveler to step away (Capture takes a photo now)"
	case s.state == quality.CaptureHeld:
		text = "No automatic photo of this traveler: only Capture [Alt+C] takes one"
	}
	if p.state.Text != text {
		p.state.SetText(text)
	}
	v := 0.0
	switch {
	case s.paused != "":
	case s.state == quality.CaptureDone:
		v = 1
	case s.of > 0:
		v = float64(s.run) / float64(s.of)
	}
	if p.progress.Value != v {
		p.progress.SetValue(v)
	}
	// The bar counts the steady frames: shown only while it counts.
	if counting := s.paused == "" && s.state == quality.CaptureSteady; counting != p.progress.Visible() {
		p.progress.Hidden = !counting
		p.progress.Refresh()
	}
	if s.offered != p.offer.Visible() {
		if s.offered {
			p.offer.Show()
			p.manual.Importance = widget.WarningImportance
		} else {
			p.offer.Hide()
			p.manual.Importance = widget.MediumImportance
		}
		p.manual.Refresh()
	}
}

// showCapture shows the thumbnail and time of a capture.
func (p *capturePanel) showCapture(c *quality.Capture) {
	p.shown = c
	p.thumb.Image = c.Image
	p.thumb.Show()
	p.thumb.Refresh()
	how := "by the officer"
	if c.Auto {
		how = "automatically"
	}
	p.captured.SetText(fmt.Sprintf("Captured %s at %s (quality %.0f%%); handed to verification.",
		how, c.At.Format("15:04:05"), 100*c.Report.Score))
}

// captureGate decides whether a frame may be captured: *booth.Station
// when the officer workflow runs (it captures only while the booth waits
// for a traveler), freeGate for the live view alone.
type captureGate interface {
	Observe(now time.Time, img *image.RGBA, r quality.QualityReport) quality.Step
	CaptureNow(now time.Time, img *image.RGBA, r quality.QualityReport) (*quality.Capture, error)
	CaptureStatus() (state quality.CaptureState, run, of int, offered bool)
}

// freeGate is the auto-capturer with no workflow around it: it always
// captures (live view alone, bench).
type freeGate struct {
	m   *quality.Capturer
	log *slog.Logger
}

// Observe implements captureGate.
func (g *freeGate) Observe(now time.Time, img *image.RGBA, r quality.QualityReport) quality.Step {
	step := g.m.Observe(now, img, r)
	if step.Captured != nil {
		g.logged(step.Captured)
	}
	return step
}

// CaptureNow implements captureGate.
func (g *freeGate) CaptureNow(now time.Time, img *image.RGBA, r quality.QualityReport) (*quality.Capture, error) {
	return g.logged(g.m.Capture(now, img, r)), nil
}

func (g *freeGate) logged(c *quality.Capture) *quality.Capture {
	g.log.Info("frame captured", "phase", "live-view", "auto", c.Auto, "score", fmt.Sprintf("%.2f", c.Report.Score))
	return c
}

// CaptureStatus implements captureGate.
func (g *freeGate) CaptureStatus() (quality.CaptureState, int, int, bool) {
	run, of := g.m.Progress()
	return g.m.State(), run, of, g.m.ManualOffered()
}

// capturer is the capture gate with the frame it last analysed, shared by
// the analysis goroutine and the officer's capture.
type capturer struct {
	mu      sync.Mutex
	gate    captureGate
	armed   func() bool // nil: always
	last    *image.RGBA // the frame last analysed (owned)
	lastRep quality.QualityReport
}

// analyseLoop judges the frames frameLoop hands over, feeds the capture
// state machine and updates the overlay, checklist and capture panel.
func (m *mainWindow) analyseLoop(ctx context.Context) {
	var lastChecks time.Time
	var lastState quality.CaptureState
	for {
		var f *image.RGBA
		select {
		case <-ctx.Done():
			return
		case f = <-m.toAnalyse:
		}
		rep, err := m.deps.Assessor.Assess(f)
		if err != nil {
			m.log.Warn("frame analysis failed", "err", err)
			m.recycle(f)
			continue
		}
		now := time.Now()
		c := m.cap
		c.mu.Lock()
		step := c.gate.Observe(now, f, rep)
		old := c.last
		c.last, c.lastRep = f, rep
		st := captureStatus{lastReport: true}
		paused := c.armed != nil && !c.armed()
		st.state, st.run, st.of, st.offered = c.gate.CaptureStatus()
		c.mu.Unlock()
		m.recycle(old)
		if step.OfferManual {
			m.log.Info("manual document check offered", "after_s", m.deps.Quality.ManualCheckAfterSeconds)
		}
		// The checklist's figures change every frame; redrawing its text
		// five times a second is enough to read and spares the UI thread.
		checks := now.Sub(lastChecks) >= 200*time.Millisecond || st.state != lastState
		if checks {
			lastChecks, lastState = now, st.state
		}
		uiDo(func() {
			switch {
			case !paused:
				m.overlay.set(rep)
			case st.state == quality.CaptureDone: // this traveler's photo is taken
				m.overlay.set(rep)
				m.overlay.setCaptured(true)
			default: // no guidance to a traveler the camera is not taking
				m.overlay.hide()
			}
			if checks {
				m.checks.set(rep)
			}
			if m.onReport != nil {
				m.onReport(rep, st)
			}
			if !paused { // paused: the workflow says why on the panel
				m.overlay.setCaptured(st.state == quality.CaptureDone)
				m.panel.set(st)
			}
		})
		if step.Captured != nil {
			m.deliver(step.Captured)
		}
	}
}

// recycle gives an analysis buffer back to the pool.
func (m *mainWindow) recycle(f *image.RGBA) {
	if f == nil {
		return
	}
	select {
	case m.analyseFree <- f:
	default:
	}
}

// offerFrame hands a copy of the shown frame to the analysis goroutine when
// it is idle; newest wins, frames are never queued.
func (m *mainWindow) offerFrame(src *image.RGBA) {
	if m.deps.Assessor == nil {
		return
	}
	var buf *image.RGBA
	select {
	case buf = <-m.analyseFree:
	default:
		return // analysis busy with earlier frames
	}
	buf = copyInto(buf, src)
	select {
	case m.toAnalyse <- buf:
	default:
		m.recycle(buf)
	}
}

// onCapture is the officer's capture (Enter, Alt+C, the Capture button
// of the live view alone): with the frame last analysed, or the frame shown
// when there is no analysis; the gate may refuse it.
func (m *mainWindow) onCapture() { _ = m.captureNow() }

// captureNow takes the officer's capture through the gate. UI thread.
func (m *mainWindow) captureNow() error {
	c := m.cap
	c.mu.Lock()
	img, rep := c.last, c.lastRep
	if img == nil {
		img = m.bufs[m.front]
	}
	if img == nil {
		c.mu.Unlock()
		m.panel.captured.SetText("No frame to capture yet.")
		return errNoFrame
	}
	now := time.Now
	if wf := m.deps.Workflow; wf != nil && wf.Now != nil {
		now = wf.Now // the capture's time is the workflow's
	}
	capt, err := c.gate.CaptureNow(now(), img, rep)
	c.mu.Unlock()
	if err != nil {
		return err
	}
	m.overlay.setCaptured(true)
	m.panel.set(captureStatus{state: quality.CaptureDone})
	m.deliver(capt)
	return nil
}

// onManual is the live view's own manual-check button (no workflow).
func (m *mainWindow) onManual() {
	m.log.Info("manual document check chosen")
	if g, ok := m.cap.gate.(*freeGate); ok {
		m.cap.mu.Lock()
		g.m.Reset(time.Now())
		m.cap.mu.Unlock()
	}
	m.clearTraveler()
	if m.deps.OnManualCheck != nil {
		m.deps.OnManualCheck()
	}
}

// clearTraveler removes everything of the previous traveler from the live
// side: thumbnail, capture line, "captured" marks. UI thread.
func (m *mainWindow) clearTraveler() {
	m.panel.thumb.Image, m.panel.shown = nil, nil
	m.panel.thumb.Hide()
	m.panel.captured.SetText("")
	m.panel.set(captureStatus{state: quality.CaptureSearching})
	m.overlay.setCaptured(false)
}

// deliver shows the capture and hands it to verification off the UI thread.
func (m *mainWindow) deliver(c *quality.Capture) {
	m.captures.Add(1)
	if !m.boothRenders {
		uiDo(func() { m.panel.showCapture(c) })
	}
	if m.deps.OnCapture == nil {
		return
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.deps.OnCapture(c.Image, c.Report)
	}()
}
