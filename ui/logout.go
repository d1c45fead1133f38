package ui

import (
	"veriport/booth"
	"veriport/encounter"
)

// openEncounter says what is unfinished about the traveler in front of
// the booth, or "" when nothing is (waiting, or the last traveler done).
func openEncounter(s booth.State) string {
	switch s.Phase {
	case booth.PhaseDeciding:
		return "a photo is being checked"
	case booth.PhaseDecided:
		if s.Decision == nil {
			return "a decision is on screen"
		}
		switch {
		case booth.CategoryConflict(s.Decision, s.Policy):
			return "MATCH — CHECK THE DOCUMENT, the manual check is still to do"
		case s.Decision.Outcome == encounter.OutcomeMatch:
			return "the MATCH is not cleared yet (Next [Alt+N])"
		}
		if s.Decision.Outcome == encounter.OutcomeAmbiguous {
			return "AMBIGUOUS, the manual check is still to do"
		}
		return "NO MATCH, the manual check is still to do"
	case booth.PhaseOptOutRefused:
		return "the opt-out was refused, no photo and no manual check yet"
	case booth.PhaseOptedOut:
		return "the opt-out was accepted, the manual check is still to do"
	case booth.PhaseManual, booth.PhaseOptOut:
		return "a form is open for this traveler"
	}
	return ""
}

// onLogoutKey is Log out (button, Alt+L): with a traveler unfinished it
// first warns, and only a second Log out for the same traveler logs out
// (the encounter then stays on the record unfinished).
func (ws *workstation) onLogoutKey() {
	s := ws.station.State()
	if s.Phase == booth.PhaseLoggedOut {
		return
	}
	ws.touch()
	if open := openEncounter(s); open != "" && ws.logoutWarned != s.Traveler {
		ws.logoutWarned = s.Traveler
		ws.wf.Log.Info("logout with an open encounter: warned", "phase", s.Phase)
		msg := "This traveler is not finished: " + open + ". Finish first, or press Log out [Alt+L] " +
			"again to leave it unfinished on the record."
		switch ws.showing() {
		case screenManual:
			ws.manual.showError(msg)
		case screenOptOut:
			ws.optOut.showError(msg)
		default:
			ws.booth.showMessage(msg, true)
		}
		return
	}
	ws.logoutWarned = 0
	ws.logout("officer logged out", "")
}
