package ui

import (
	"context"
	"errors"
	"image"
	"image/draw"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"veriport/booth"
	"veriport/encounter"
	"veriport/gallery"
	"veriport/quality"
)

// captureRefusal is captureRefusal for the booth's state: with a result
// on screen that Next finishes, the way on is Next, not the manual check.
func (ws *workstation) captureRefusal(err error) string {
	if s := ws.station.State(); errors.Is(err, booth.ErrPhase) && s.Phase != booth.PhaseReady && nextAllowed(s) {
		return "No photo now: this traveler's result is on screen. Next traveler [Alt+N] first."
	}
	return captureRefusal(err)
}

// onCapture is the officer's capture (Alt+C, Enter): of the live view's
// frame last analysed (Workflow.Grab's photo without a live view), refused
// at once unless the booth waits for a traveler. The station decides and
// records it off the UI thread; the state it publishes shows the answer.
func (ws *workstation) onCapture() {
	if ws.frame == nil && ws.wf.Grab == nil {
		ws.booth.showMessage("No camera: use the manual check [Alt+M].", true)
		return
	}
	if err := ws.station.CaptureRefusal(); err != nil {
		ws.booth.showMessage(ws.captureRefusal(err), true)
		return
	}
	img, rep, err := ws.photo()
	if err != nil {
		ws.wf.Log.Warn("no photo", "err", err)
		ws.booth.showMessage(captureRefusal(err), true)
		return
	}
	now, before := ws.wf.Now(), ws.station.State().Capture
	ctx := ws.ctx
	ws.async(func() {
		_, err := ws.station.Capture(ctx, now, img, rep)
		if err != nil && ws.station.State().Capture == before { // refused meanwhile: nothing taken
			ws.say(ws.captureRefusal(err), true)
		}
	})
}

// photo is the officer's photo: a copy of the live view's frame last
// analysed, with its report, or Workflow.Grab's. UI thread.
func (ws *workstation) photo() (*image.RGBA, quality.QualityReport, error) {
	if ws.frame != nil {
		return ws.frame()
	}
	img, err := ws.wf.Grab()
	if err != nil {
		return nil, quality.QualityReport{}, err
	}
	return toRGBA(img), quality.QualityReport{}, nil
}

// toRGBA returns img as an RGBA image (a copy unless it is one already).
func toRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok {
		return m
	}
	b := img.Bounds()
	m := image.NewRGBA(image.Rectangle{Max: b.Size()})
	draw.Draw(m, m.Rect, img, b.Min, draw.Src)
	return m
}

// maxDecisionHold bounds how long the live view holds its frame for a
// decision (mainWindow.holdLive); a decision takes well under a second.
const maxDecisionHold = 2 * time.Second

// answer follows a capture's outcome on screen, once: why it has no
// decision, or, in the log, the time from the capture to its banner. UI
// thread (render).
func (ws *workstation) answer(s booth.State) {
	switch {
	case s.NotDecided != nil:
		ws.wf.Log.Warn("capture not decided", "err", s.NotDecided)
		ws.booth.showMessage(notDecided(s.NotDecided), true)
	case s.Phase == booth.PhaseDecided && s.Decision != nil:
		ms := ws.wf.Now().Sub(s.Capture.At).Milliseconds()
		ws.wf.Log.Info("decision shown", "outcome", s.Decision.Outcome, "capture_to_banner_ms", ms)
	}
}

// onOptOut opens the opt-out screen: capture stops.
func (ws *workstation) onOptOut() {
	if err := ws.station.OpenOptOut(); err != nil {
		msg := "Opt-out is recorded before the photo is taken. Finish this traveler first."
		if s := ws.station.State(); s.Phase != booth.PhaseReady && nextAllowed(s) {
			msg = "Opt-out is recorded before the photo is taken: this traveler's result is on screen. Next traveler [Alt+N] first."
		}
		ws.booth.showMessage(msg, true)
		return
	}
	ws.optOut.reset()
}

// onOptOutDecide applies the policy to the opt-out request.
func (ws *workstation) onOptOutDecide(t encounter.Traveler) {
	d, err := ws.station.DecideOptOut(context.Background(), t)
	if err != nil {
		logFailure(ws.wf.Log, "opt-out not decided", err)
		ws.optOut.showError(optOutText(err))
		return
	}
	if d.MayOptOut {
		ws.manual.reset("Opt-out accepted: "+d.Sentence+" No photo is taken.", ws.optOut.form)
	}
}

// onBackKey is Alt+B and Esc: from the opt-out screen, the manual check
// (recorded as cancelled), the flight picker or the shift report back to
// where the booth was.
func (ws *workstation) onBackKey() {
	if ws.reportWin != nil {
		ws.touch()
		ws.closeReport() // its OnClosed returns the station
		return
	}
	from := ws.showing()
	switch from {
	case screenOptOut, screenManual, screenFlights:
	default:
		return
	}
	ws.touch()
	if err := ws.station.Back(ws.ctx); err != nil {
		ws.wf.Log.Error("back to the booth", "err", err)
		if from == screenManual {
			ws.manual.showError("Not cancelled: the cancellation could not be written to the audit log. " + tryAgain)
		}
	}
}

// onFlightKey is Alt+F: the flight picker; capture stops.
func (ws *workstation) onFlightKey() {
	if ws.flights == nil {
		return
	}
	if err := ws.station.SetAway(awayFlights); err != nil {
		ws.booth.showMessage("Choose the flight between travelers: finish this one first.", true)
		return
	}
	ws.flights.open() // the first time: the next date with flights; the date has the focus: Enter lists its flights
}

// onUseFlight loads the chosen flight's gallery in the background.
func (ws *workstation) onUseFlight(st gallery.Status) {
	ws.touch()
	now := ws.wf.Now()
	if !st.Usable(now) || ws.wf.UseGallery == nil {
		ws.flights.showMessage("This gallery cannot be used: "+st.State(now)+".", true)
		return
	}
	ws.flights.showMessage("Loading the gallery…", false)
	ctx := ws.ctx
	ws.async(func() {
		d, err := ws.wf.UseGallery(ctx, st)
		uiDo(func() { ws.applyGallery(st, d, err) })
	})
}

// applyGallery makes the loaded gallery the one captures are decided against. UI thread.
func (ws *workstation) applyGallery(st gallery.Status, d booth.Decider, err error) {
	if err != nil {
		logFailure(ws.wf.Log, "gallery not loaded", err)
		ws.flights.showMessage("Gallery not loaded: "+galleryReason(err), true)
		return
	}
	ws.wf.Log.Info("gallery in use", "flight", st.Flight.ID(), "date", st.Flight.Date)
	line, notice := GalleryLine(st, ws.wf.Now()), ""
	if c, ok := d.(booth.Calibrated); ok {
		cal := c.Calibration()
		line += "; " + cal.Line()
		notice = booth.FairnessNotice(cal)
	}
	ws.setGallery(st.Flight.ID(), line, d)
	if ws.showing() == screenFlights {
		if err := ws.station.Back(ws.ctx); err != nil {
			ws.wf.Log.Error("back from the flights", "err", err)
		}
		ws.say("Flight "+st.Flight.ID()+" loaded.", false)
	}
	if notice != "" {
		ws.say("Fairness warning: expect many manual checks on "+st.Flight.ID()+".", true)
		showFairnessNotice(ws.win, st.Flight.ID(), notice)
	}
}

// onManualCheck routes to the manual document check; never blocked by the camera.
func (ws *workstation) onManualCheck() {
	s := ws.station.State()
	if err := ws.station.BeginManual(); err != nil {
		ws.wf.Log.Warn("manual check refused", "err", err)
		ws.booth.showMessage("Manual check not possible now: this traveler is finished. Next traveler [Alt+N].", true)
		return
	}
	why := "Check the travel document by hand."
	switch {
	case s.Decision != nil && s.Decision.Outcome == encounter.OutcomeNoMatch:
		why = "NO MATCH: " + why
	case s.Decision != nil && s.Decision.Outcome == encounter.OutcomeAmbiguous:
		why = "AMBIGUOUS: " + why
	case s.Phase == booth.PhaseOptOutRefused:
		why = "The traveler declined the required photo. " + why
	case s.Phase == booth.PhaseOptedOut:
		why = "Opt-out accepted: no photo is taken. " + why
	}
	// A traveler who asked to opt out: the check starts from the facts the
	// opt-out was decided on (again after Esc), with their conclusion.
	var from *travelerForm
	if s.Phase == booth.PhaseOptOutRefused || s.Phase == booth.PhaseOptedOut {
		from = ws.optOut.form
	}
	ws.manual.reset(why, from)
}

func (ws *workstation) decideTraveler(t encounter.Traveler) (encounter.Decision, error) {
	sh := ws.station.Shift()
	if sh == nil {
		return encounter.Decision{}, booth.ErrNoShift
	}
	return sh.DecideTraveler(t)
}

// onManualComplete records the manual check's conclusion, with the
// officer's override of a failed document check if any.
func (ws *workstation) onManualComplete(r encounter.ManualResult, o *booth.Override) {
	err := ws.station.CompleteManual(context.Background(), r, o)
	if err != nil && !errors.Is(err, booth.ErrNotRecorded) {
		ws.wf.Log.Warn("manual check not concluded", "err", err)
		ws.manual.showError(manualText(err))
		return
	}
	msg := "Recorded."
	if o != nil && r.Verified {
		msg = "Verified with an override of the document check. Recorded."
	}
	if err != nil {
		ws.wf.Log.Error("encounter not recorded", "err", err)
		msg = "NOT RECORDED: the encounter could not be written. Tell a supervisor."
	}
	ws.say(msg, err != nil)
}

// onNext finishes a MATCH and readies the booth for the next traveler.
func (ws *workstation) onNext() {
	if s := ws.station.State(); !nextAllowed(s) {
		// Alt+N obeys what the disabled button says: a traveler who owes a
		// photo or a manual check is not finished by a key.
		ws.wf.Log.Info("next refused", "phase", s.Phase)
		ws.booth.showMessage(nextRefusal(booth.ErrUnfinished), true)
		return
	}
	err := ws.station.Next(context.Background())
	if err != nil && !errors.Is(err, booth.ErrNotRecorded) {
		ws.wf.Log.Info("next refused", "err", err)
		ws.booth.showMessage(nextRefusal(err), true)
		return
	}
	if err != nil {
		ws.wf.Log.Error("encounter not recorded", "err", err)
		ws.say("NOT RECORDED: the encounter could not be written. Tell a supervisor.", true)
	}
}

// onDecideKey is Alt+D: apply the rules on the opt-out or manual screen.
func (ws *workstation) onDecideKey() {
	switch ws.showing() {
	case screenOptOut:
		ws.optOut.onDecide()
	case screenManual:
		ws.manual.onRules()
	}
}

func (ws *workstation) onVerifiedKey() {
	if ws.showing() == screenManual {
		ws.manual.onVerified()
	}
}

// onAttestKey is Alt+S: tick (or untick) the attestation of the manual check.
func (ws *workstation) onAttestKey() {
	if ws.showing() == screenManual {
		ws.touch()
		ws.manual.attest.SetChecked(!ws.manual.attest.Checked)
	}
}

func (ws *workstation) onReferKey() {
	if ws.showing() == screenManual {
		ws.manual.onRefer()
	}
}

// onToggleTheme switches the large-text high-contrast theme and keeps the choice.
func (ws *workstation) onToggleTheme() {
	ws.touch()
	a := fyne.CurrentApp()
	ws.theme.high = !ws.theme.high
	a.Preferences().SetBool(PrefHighContrast, ws.theme.high)
	a.Settings().SetTheme(&accessTheme{base: ws.theme.base, high: ws.theme.high})
	ws.theme = a.Settings().Theme().(*accessTheme)
	ws.booth.refreshBannerColour()
	if ws.panelBg != nil {
		ws.panelBg.FillColor = theme.Color(theme.ColorNameBackground)
		ws.panelBg.Refresh()
	}
}

// onReportsKey is Alt+P: the shift report, for supervisors only, in its
// own window (the booth keeps its size); capture stops until it closes.
func (ws *workstation) onReportsKey() {
	if ws.reports == nil || ws.reportWin != nil {
		return
	}
	if ws.session == nil || !ReportsAllowed(string(ws.session.Role)) {
		return
	}
	if err := ws.station.SetAway(awayReport); err != nil {
		ws.booth.showMessage("Open the shift report between travelers: finish this one first.", true)
		return
	}
	w, err := OpenReportWindow(ws.ctx, fyne.CurrentApp(), ws.session, *ws.wf.Reports)
	if err != nil {
		_ = ws.station.Back(ws.ctx)
		logFailure(ws.wf.Log, "shift report not opened", err)
		ws.say(reportText("Shift report", err), true)
		return
	}
	ws.reportWin = w
	w.Resize(ws.win.Canvas().Size()) // never larger than the booth's window (and so the display)
	w.Canvas().AddShortcut(keyBack, func(fyne.Shortcut) { ws.onBackKey() })
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			ws.onBackKey()
		}
	})
	w.SetOnClosed(func() {
		if ws.reportWin != w {
			return
		}
		ws.reportWin = nil
		if ws.station.State().Phase == booth.PhaseAway {
			if err := ws.station.Back(ws.ctx); err != nil {
				ws.wf.Log.Error("back from the report", "err", err)
			}
		}
		ws.win.RequestFocus()
	})
	ws.say("The shift report is open in its own window. Close it or press Back [Alt+B] to return.", false)
}

// closeReport closes the report window, if open.
func (ws *workstation) closeReport() {
	if w := ws.reportWin; w != nil {
		w.Close()
	}
}
