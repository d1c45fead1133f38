package ui

import (
	"errors"
	"image"

	"fyne.io/fyne/v2"

	"veriport/quality"
)

// errNoFrame means the camera has shown no frame yet.
var errNoFrame = errors.New("the camera has shown no frame yet")

// errCameraOffline means the camera is offline: there is no frame to take.
var errCameraOffline = errors.New("camera offline")

// newBooth builds the officer workflow (d.Workflow) around the live view
// in one go: the workstation and its station first, then the live side
// built for it, with the station as its capture gate (it captures only
// while the booth waits for a traveler, and decides and records what it
// captures), the booth panel's buttons as the only place for each action,
// and the camera's state and frames reported to the booth and the
// traveler's screen. The workflow takes its photos from the live view
// unless d gives a Grab.
func newBooth(w fyne.Window, d Deps) *workstation {
	wf := *d.Workflow
	if wf.Log == nil {
		wf.Log = d.Log
	}
	ws := newWorkstation(w, wf, nil)
	ws.mw = newLiveSide(w, d, liveHooks{
		gate:  ws.station,
		armed: func() bool { return ws.station.State().Armed },
		offline: func(off bool) { // the booth never says "Ready" with the camera offline
			if ws.booth != nil {
				ws.booth.setCameraOffline(off)
			}
		},
		frame:  func(f *image.RGBA) { ws.trav.screen.offerFrame(f) },
		report: func(r quality.QualityReport, st captureStatus) { ws.trav.screen.setLive(r, st) },
		manual: func() { ws.atBooth(ws.onManualCheck)() },
	})
	ws.mw.build()
	if ws.wf.Grab == nil {
		ws.wf.Grab = ws.mw.grab
	}
	ws.frame = ws.mw.lastFrame
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
