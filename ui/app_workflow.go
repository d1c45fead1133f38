package ui

import (
	"encoding/json"
	"errors"
	"image"
	"math"

	"fyne.io/fyne/v2"

	"veriport/verify"
)

// errNoFrame means the camera has shown no frame yet.
var errNoFrame = errors.New("the camera has shown no frame yet")

// withWorkflow returns the officer workflow around the main window's
// content (live view and status), or nil when the deps have none. The
// workflow takes its photos from the live view unless the deps give a Grab.
func (m *mainWindow) withWorkflow(live fyne.CanvasObject) *workstation {
	if m.deps.Workflow == nil {
		return nil
	}
	wf := *m.deps.Workflow
	if wf.Grab == nil {
		wf.Grab = m.grab
	}
	if wf.Log == nil {
		wf.Log = m.log
	}
	ws := newWorkstation(m.win, wf, live)
	// The live capture decides what a capture is (auto-capture, its Capture
	// button, Enter, and the booth's Alt+C all go through it); the
	// workflow takes the delivered photo when the booth waits for one.
	ws.trigger = m.onCapture
	if m.deps.OnCapture == nil {
		m.deps.OnCapture = func(img *image.RGBA, r verify.QualityReport) { ws.autoCaptured(img, qualitySummary(r)) }
	}
	if m.deps.OnManualCheck == nil {
		m.deps.OnManualCheck = ws.onManualCheck
	}
	// Enter outside a field captures only on the booth screen, with an
	// officer logged in (on the login screen it must not take photos).
	m.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ws.shift != nil && ws.screen == screenBooth {
			ws.touch()
			m.onKey(ev)
		}
	})
	return ws
}

// grab copies the frame on show. UI thread (the buffers swap there).
func (m *mainWindow) grab() (image.Image, error) {
	if m.offline != nil && m.offline.Visible() {
		return nil, errors.New("camera offline")
	}
	src := m.bufs[m.front]
	if src == nil {
		return nil, errNoFrame
	}
	return copyInto(nil, src), nil
}

// qualitySummary is what the record keeps of a capture's quality: the
// composite score and the mandatory measures that did not pass (names
// only, never the image).
func qualitySummary(r verify.QualityReport) string {
	var short []string
	for _, m := range r.Measures {
		if m.Mandatory && m.Verdict != verify.VerdictPass {
			short = append(short, m.Name)
		}
	}
	b, err := json.Marshal(struct {
		Score  float64  `json:"score"`
		Failed []string `json:"failed,omitempty"`
	}{math.Round(r.Score*1000) / 1000, short})
	if err != nil {
		return ""
	}
	return string(b)
}
