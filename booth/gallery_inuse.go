package booth

import (
	"sync"

	"veriport/verify"
)

// inUse is the gallery in use at the booth: the flight, the decider
// searching its gallery (nil: none) and the decider's calibration when it
// has one. The station keeps it and the shift on the station reads the
// same value (Station.Login), so the booth's gallery state is kept once.
// Safe for concurrent use.
type inUse struct {
	mu      sync.Mutex
	flight  string
	decider Decider
	cal     *verify.GalleryCalibration
}

// set makes d, searching flight's gallery, the one in use (nil: none).
func (g *inUse) set(flight string, d Decider) {
	var cal *verify.GalleryCalibration
	if c, ok := d.(Calibrated); ok {
		v := c.Calibration()
		cal = &v
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.flight, g.decider, g.cal = flight, d, cal
}

// get is the gallery in use.
func (g *inUse) get() (flight string, d Decider, cal *verify.GalleryCalibration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.flight, g.decider, g.cal
}

// copy is a separate value with the same gallery: what an ending shift
// keeps for its last records once the station has dropped it.
func (g *inUse) copy() *inUse {
	flight, d, cal := g.get()
	return &inUse{flight: flight, decider: d, cal: cal}
}
