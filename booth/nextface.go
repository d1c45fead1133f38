package booth

import (
	"time"

	"veriport/quality"
)

// nextFace watches the camera while a decision or a manual check's
// conclusion is on screen: once the face of the traveler it is for has
// been gone for the reset time, a face in view is someone else, and the
// result on screen belongs to the previous traveler.
type nextFace struct {
	lastFace time.Time // the last frame with a face, or the watch's first frame
	left     bool      // no face for the reset time: the traveler on screen has left
	inView   bool      // a face came into view after that
}

// watchesFaces reports whether the phase shows a traveler's result, so a
// new face in view means the next traveler.
func (p Phase) watchesFaces() bool { return p == PhaseDecided || p == PhaseConcluded }

// watchLocked follows one analysed frame while a result is on screen and
// reports whether the next traveler has just come into view. Caller holds mu.
func (st *Station) watchLocked(now time.Time, r quality.QualityReport) bool {
	w := &st.next
	if w.lastFace.IsZero() {
		w.lastFace = now // the watch begins with the first frame
	}
	switch {
	case w.inView:
		return false
	case r.Faces == 0:
		gone := time.Duration(st.cfg.Quality.ResetAfterNoFaceSeconds * float64(time.Second))
		if !w.left && now.Sub(w.lastFace) >= gone {
			w.left = true
		}
		return false
	case !w.left:
		w.lastFace = now // the traveler on screen is still there
		return false
	}
	w.inView = true
	st.cfg.Log.Info("next traveler in view: the result on screen is for the previous one",
		"phase", st.phase, "traveler", st.traveler)
	return true
}
