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

// captureGate is where each analysed frame goes: *booth.Station when the
// officer workflow runs (it captures only while the booth waits for a
// traveler, and decides and records what it captures before Observe
// returns), freeGate for the live view alone.
type captureGate interface {
	Observe(ctx context.Context, now time.Time, img *image.RGBA, r quality.QualityReport) quality.Step
	CaptureStatus() (state quality.CaptureState, run, of int, offered bool)
}

// freeGate is the auto-capturer with no workflow around it: it always
// captures (live view alone, bench), and deliver hands the capture on.
type freeGate struct {
	mu  sync.Mutex // the analysis goroutine and the officer's capture
	m   *quality.Capturer
	log *slog.Logger
}

// Observe implements captureGate.
func (g *freeGate) Observe(_ context.Context, now time.Time, img *image.RGBA, r quality.QualityReport) quality.Step {
	g.mu.Lock()
	defer g.mu.Unlock()
	step := g.m.Observe(now, img, r)
	if step.Captured != nil {
		g.logged(step.Captured)
	}
	return step
}

// capture is the officer's capture of img.
func (g *freeGate) capture(now time.Time, img *image.RGBA, r quality.QualityReport) *quality.Capture {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.logged(g.m.Capture(now, img, r))
}

// reset starts a fresh attempt (the officer chose the manual check).
func (g *freeGate) reset(now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.m.Reset(now)
}

func (g *freeGate) logged(c *quality.Capture) *quality.Capture {
	g.log.Info("frame captured", "phase", "live-view", "auto", c.Auto, "score", fmt.Sprintf("%.2f", c.Report.Score))
	return c
}

// CaptureStatus implements captureGate.
func (g *freeGate) CaptureStatus() (quality.CaptureState, int, int, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	run, of := g.m.Progress()
	return g.m.State(), run, of, g.m.ManualOffered()
}

// capturer is the capture gate with the frame it last analysed, shared by
// the analysis goroutine and the officer's capture.
type capturer struct {
	gate  captureGate
	armed func() bool // nil: always

	mu      sync.Mutex  // last and lastRep
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
		old := c.last
		c.last, c.lastRep = f, rep
		c.mu.Unlock()
		m.recycle(old)
		// The booth's station decides and records a capture before it
		// returns (the live view holds meanwhile): one call from the frame
		// to the state it publishes.
		step := c.gate.Observe(ctx, now, f, rep)
		st := captureStatus{lastReport: true}
		paused := c.armed != nil && !c.armed()
		st.state, st.run, st.of, st.offered = c.gate.CaptureStatus()
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

// onCapture is the live view's own capture (Enter, its Capture button;
// no workflow): with the frame last analysed, or the frame shown when
// there is no analysis.
func (m *mainWindow) onCapture() {
	g, ok := m.cap.gate.(*freeGate)
	if !ok {
		return // the booth's Capture is the workstation's (onCapture there)
	}
	img, rep, err := m.lastFrame()
	if err != nil {
		m.panel.captured.SetText("No frame to capture yet.")
		return
	}
	capt := g.capture(time.Now(), img, rep)
	m.overlay.setCaptured(true)
	m.panel.set(captureStatus{state: quality.CaptureDone})
	m.deliver(capt)
}

// lastFrame is a copy of the frame last analysed, with its report, or of
// the frame shown when there is no analysis. UI thread (the buffers swap
// there).
func (m *mainWindow) lastFrame() (*image.RGBA, quality.QualityReport, error) {
	c := m.cap
	c.mu.Lock()
	defer c.mu.Unlock()
	img, rep := c.last, c.lastRep
	if img == nil {
		img = m.bufs[m.front]
	}
	if img == nil {
		return nil, rep, errNoFrame
	}
	return copyInto(nil, img), rep, nil
}

// onManual is the live view's own manual-check button (no workflow).
func (m *mainWindow) onManual() {
	m.log.Info("manual document check chosen")
	if g, ok := m.cap.gate.(*freeGate); ok {
		g.reset(time.Now())
	}
	m.clearTraveler()
	if m.onManualCheck != nil {
		m.onManualCheck()
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

// deliver counts the capture and, for the live view alone, shows it and
// hands it to Deps.OnCapture off the UI thread; the booth's station has
// decided and recorded it already, and shows it from its state.
func (m *mainWindow) deliver(c *quality.Capture) {
	if m.boothRenders {
		return // counted as the station published it (workstation.published)
	}
	m.captures.Add(1)
	uiDo(func() { m.panel.showCapture(c) })
	if m.deps.OnCapture == nil {
		return
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.deps.OnCapture(c.Image, c.Report)
	}()
}
