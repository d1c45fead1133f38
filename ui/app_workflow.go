package ui

import (
	"errors"
	"image"

	"fyne.io/fyne/v2"

	"veriport/quality"
	"veriport/report"
)

// errNoFrame means the camera has shown no frame yet.
var errNoFrame = errors.New("the camera has shown no frame yet")

// errCameraOffline means the camera is offline: there is no frame to take.
var errCameraOffline = errors.New("camera offline")

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
	// workflow takes the delivered photo when the booth waits for one and
	// records the report's quality summary with it (OnCapture does not say
	// whether the capture was automatic, so "auto" is left unset).
	ws.mw = m
	m.cap.gate = ws.station // the station decides when the camera may capture
	m.cap.armed = func() bool { return ws.station.State().Armed }
	m.boothRenders = true  // the station's state holds the view and shows the capture
	m.panel.capture.Hide() // one place per action: the booth panel's buttons
	m.panel.manual.Hide()
	ws.trigger = m.captureNow
	m.onOffline = func(off bool) { // the booth never says "Ready" with the camera offline
		if ws.booth != nil {
			ws.booth.setCameraOffline(off)
		}
	}
	if m.deps.OnCapture == nil {
		m.deps.OnCapture = func(img *image.RGBA, r quality.QualityReport) {
			ws.autoCaptured(img, r.Box, report.Summarize(r, true, false))
		}
	}
	if m.deps.OnManualCheck == nil {
		m.deps.OnManualCheck = ws.onManualCheck
	}
	return ws
}

// grab copies the frame on show. UI thread (the buffers swap there).
func (m *mainWindow) grab() (image.Image, error) {
	if m.offline != nil && m.offline.Visible() {
		return nil, errCameraOffline
	}
	src := m.bufs[m.front]
	if src == nil {
		return nil, errNoFrame
	}
	return copyInto(nil, src), nil
}
