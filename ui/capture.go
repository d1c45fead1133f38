package ui

import (
	"context"
	"fmt"
	"image"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"veriport/quality"
	"veriport/quality/assess"
)

// Assessor judges one live frame; *assess.Assessor implements it.
type Assessor interface {
	Assess(img *image.RGBA) (quality.QualityReport, error)
}

var _ Assessor = (*assess.Assessor)(nil)

// captureStatus is what the capture panel shows; built off the UI thread.
type captureStatus struct {
	state      quality.CaptureState
	run, of    int
	offered    bool
	lastReport bool // a report exists
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
	box      *fyne.Container
}

func newCapturePanel(onCapture, onManual func(), auto bool) *capturePanel {
	p := &capturePanel{}
	p.state = widget.NewLabelWithStyle("Looking for a face", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if !auto {
		p.state.SetText("Automatic capture off — press Capture")
	}
	p.progress = widget.NewProgressBar()
	p.progress.TextFormatter = func() string { return "" }
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
	switch s.state {
	case quality.CaptureSearching:
		text = "Looking for a good frame"
	case quality.CaptureSteady:
		text = fmt.Sprintf("Hold still — %d of %d", s.run, s.of)
	case quality.CaptureDone:
		text = "Captured"
	}
	if p.state.Text != text {
		p.state.SetText(text)
	}
	v := 0.0
	switch {
	case s.state == quality.CaptureDone:
		v = 1
	case s.of > 0:
		v = float64(s.run) / float64(s.of)
	}
	if p.progress.Value != v {
		p.progress.SetValue(v)
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

// capturer is the capture state machine with the frame it last analysed,
// shared by the analysis goroutine and the Capture button.
type capturer struct {
	mu      sync.Mutex
	m       *quality.Capturer
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
		step := c.m.Observe(now, f, rep)
		old := c.last
		c.last, c.lastRep = f, rep
		st := captureStatus{state: c.m.State(), offered: c.m.ManualOffered(), lastReport: true}
		st.run, st.of = c.m.Progress()
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
		fyne.Do(func() {
			m.overlay.set(rep)
			m.overlay.setCaptured(st.state == quality.CaptureDone)
			if checks {
				m.checks.set(rep)
			}
			m.panel.set(st)
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

// onCapture is the Capture button and its shortcut: it always works, with
// the frame last analysed, or the frame shown when there is no analysis.
func (m *mainWindow) onCapture() {
	c := m.cap
	c.mu.Lock()
	img, rep := c.last, c.lastRep
	if img == nil {
		img = m.bufs[m.front]
	}
	if img == nil {
		c.mu.Unlock()
		m.panel.captured.SetText("No frame to capture yet.")
		return
	}
	capt := c.m.Capture(time.Now(), img, rep)
	c.mu.Unlock()
	m.overlay.setCaptured(true)
	m.panel.set(captureStatus{state: quality.CaptureDone})
	m.deliver(capt)
}

// onRetake re-arms capture for the next traveler.
func (m *mainWindow) onManual() {
	m.log.Info("manual document check chosen")
	c := m.cap
	c.mu.Lock()
	c.m.Reset(time.Now())
	c.mu.Unlock()
	m.panel.set(captureStatus{state: quality.CaptureSearching})
	m.overlay.setCaptured(false)
	if m.deps.OnManualCheck != nil {
		m.deps.OnManualCheck()
	}
}

// deliver shows the capture and hands it to verification off the UI thread.
func (m *mainWindow) deliver(c *quality.Capture) {
	m.log.Info("frame captured", "auto", c.Auto, "score", fmt.Sprintf("%.2f", c.Report.Score))
	m.captures.Add(1)
	fyne.Do(func() { m.panel.showCapture(c) })
	if m.deps.OnCapture == nil {
		return
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.deps.OnCapture(c.Image, c.Report)
	}()
}
