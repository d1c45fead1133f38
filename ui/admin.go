package ui

import (
	"fyne.io/fyne/v2"

	"veriport/booth"
)

// adminUI is the workstation's officer administration on screen.
type adminUI struct {
	win    fyne.Window       // the supervisor's open officer screen, closed at logout
	screen *officerScreen    // its content
	unlock *supervisorUnlock // the last supervisor unlock opened at login
}

// adminShortcuts wires officer administration into the workstation: Alt+A
// at the booth opens the officer screen for a supervisor (officers get
// nothing), Alt+U on the login screen opens the supervisor unlock.
func (ws *workstation) adminShortcuts() {
	if ws.wf.Officers == nil {
		return
	}
	c := ws.win.Canvas()
	c.AddShortcut(keyOfficers, func(fyne.Shortcut) { ws.onOfficersKey() })
	c.AddShortcut(keyUnlock, func(fyne.Shortcut) { ws.onUnlockKey() })
	ws.login.onUnlock = ws.onUnlockKey
}

// onOfficersKey opens the officer screen in its own window, for a
// supervisor at the booth only.
func (ws *workstation) onOfficersKey() {
	if ws.wf.Officers == nil || ws.session == nil || !ws.session.Supervisor() || ws.showing() != screenBooth {
		return
	}
	ws.touch()
	if ws.admin.win != nil {
		ws.admin.win.RequestFocus()
		return
	}
	// The booth takes no photo and decides nothing behind the officer
	// screen: it is away until the screen closes.
	if err := ws.station.SetAway(awayOfficers); err != nil {
		ws.booth.showMessage("Open the officer screen between travelers: finish this one first.", true)
		return
	}
	w, s := openOfficerWindow(ws.wf.Officers, ws.session.OfficerID, ws.async)
	w.SetOnClosed(func() {
		ws.admin.win, ws.admin.screen = nil, nil
		if st := ws.station.State(); st.Phase == booth.PhaseAway && st.Away == awayOfficers {
			if err := ws.station.Back(ws.ctx); err != nil {
				ws.wf.Log.Error("back from the officer screen", "err", err)
			}
		}
	})
	ws.admin.win, ws.admin.screen = w, s
	ws.say("The officer screen is open in its own window: the camera waits until it closes.", false)
}

// closeOfficers closes the officer screen (at logout: it belongs to the
// supervisor's session).
func (ws *workstation) closeOfficers() {
	if s := ws.admin.screen; s != nil {
		ws.admin.win, ws.admin.screen = nil, nil
		s.close() // forgets any URI shown and closes the window
	}
}

// onUnlockKey opens the supervisor unlock over the login screen, with the
// id of the officer whose login was refused.
func (ws *workstation) onUnlockKey() {
	if ws.wf.Officers == nil || ws.showing() != screenLogin {
		return
	}
	u := newSupervisorUnlock(ws.wf.Officers, ws.async, func(officerID, supervisorID string) {
		ws.wf.Log.Info("officer unlocked at the booth", "officer", officerID, "by", supervisorID)
		ws.login.reset("Officer " + officerID + " unlocked by supervisor " + supervisorID + ". Log in again.")
		ws.login.focus(ws.win.Canvas())
	})
	ws.admin.unlock = u
	u.open(ws.win, ws.login.tried)
}
