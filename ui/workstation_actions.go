package ui

import (
	"context"
	"errors"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"veriport/booth"
	"veriport/encounter"
	"veriport/gallery"
)

// onCapture grabs the newest frame and decides it in the background.
func (ws *workstation) onCapture() {
	if ws.shift == nil || ws.screen != screenBooth {
		return
	}
	ws.touch()
	if ws.trigger != nil {
		if ws.shift.CanCapture() {
			ws.trigger()
		} else {
			ws.booth.showMessage("No capture now: finish this traveler first (Next [Alt+N] or Manual check [Alt+M]).", true)
		}
		return
	}
	if ws.wf.Grab == nil {
		ws.booth.showMessage("No camera: use the manual check [Alt+M].", true)
		return
	}
	img, err := ws.wf.Grab()
	if err != nil {
		ws.booth.showMessage("No photo: "+err.Error()+". Use the manual check [Alt+M].", true)
		return
	}
	ws.captured(img)
}

// autoCaptured hands a photo taken by auto-capture (off the UI thread) to
// the workflow; it is dropped unless the booth is waiting for a photo.
func (ws *workstation) autoCaptured(img image.Image, quality string) {
	fyne.Do(func() {
		if ws.shift != nil && ws.screen == screenBooth && ws.shift.CanCapture() {
			ws.capturedRated(img, quality)
		}
	})
}

// captured decides a photo taken by the officer. UI thread.
func (ws *workstation) captured(img image.Image) { ws.capturedRated(img, "") }

// capturedRated decides a photo with its quality summary. UI thread.
func (ws *workstation) capturedRated(img image.Image, quality string) {
	if ws.shift == nil {
		return
	}
	sh := ws.shift
	ws.booth.showDeciding()
	start := time.Now()
	ws.async(func() {
		d, err := sh.CaptureRated(context.Background(), img, quality)
		fyne.Do(func() { ws.applyDecision(sh, d, err, start) })
	})
}

// applyDecision shows the decision banner. UI thread.
func (ws *workstation) applyDecision(sh *booth.Shift, d booth.Decision, err error, start time.Time) {
	if sh != ws.shift {
		return // logged out meanwhile
	}
	if err != nil {
		ws.booth.showReady()
		msg := err.Error()
		if !errors.Is(err, booth.ErrNoDecider) {
			msg = "Capture not decided: " + msg + ". Capture again or use the manual check [Alt+M]."
		}
		ws.booth.showMessage(msg, true)
		return
	}
	ws.booth.showDecision(d)
	ws.lastMs = time.Since(start).Milliseconds()
	ws.wf.Log.Info("decision shown", "outcome", d.Outcome, "capture_to_banner_ms", ws.lastMs)
	ws.refreshBooth()
}

// onOptOut opens the opt-out screen.
func (ws *workstation) onOptOut() {
	if ws.shift == nil || ws.screen != screenBooth {
		return
	}
	ws.touch()
	switch ws.shift.Snapshot().State {
	case encounter.StateReady, encounter.StateCapturing:
	default:
		ws.booth.showMessage("Opt-out is recorded before the photo is decided. Finish this traveler first.", true)
		return
	}
	ws.optOut.reset()
	ws.show(screenOptOut)
}

// onOptOutDecide applies the policy to the opt-out request.
func (ws *workstation) onOptOutDecide(t encounter.Traveler) {
	d, err := ws.shift.OptOut(context.Background(), t)
	if err != nil {
		ws.optOut.showError(err.Error())
		return
	}
	if d.MayOptOut {
		ws.manual.reset("Opt-out accepted: "+d.Sentence+" No photo is taken.", ws.optOut.form, &d)
		ws.show(screenManual)
		return
	}
	ws.booth.showOptOutRefused(d.Sentence)
	ws.refreshBooth()
	ws.show(screenBooth)
}

// onBackKey is Alt+B: from the opt-out screen, the flight picker or the
// shift report back to the booth.
func (ws *workstation) onBackKey() {
	if ws.screen == screenOptOut || ws.screen == screenFlights || ws.screen == screenReports {
		ws.touch()
		ws.show(screenBooth)
	}
}

// onFlightKey is Alt+F: the flight picker.
func (ws *workstation) onFlightKey() {
	if ws.shift == nil || ws.screen != screenBooth || ws.flights == nil {
		return
	}
	ws.touch()
	ws.flights.open()      // the first time: the next date with flights
	ws.show(screenFlights) // the date has the focus: Enter lists its flights
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
		fyne.Do(func() { ws.applyGallery(st, d, err) })
	})
}

// applyGallery makes the loaded gallery the one captures are decided against. UI thread.
func (ws *workstation) applyGallery(st gallery.Status, d booth.Decider, err error) {
	if err != nil {
		ws.flights.showMessage("Gallery not loaded: "+err.Error(), true)
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
	if ws.screen == screenFlights {
		ws.booth.showMessage("Flight "+st.Flight.ID()+" loaded.", false)
		ws.show(screenBooth)
	}
	if notice != "" {
		ws.booth.showMessage("Fairness warning: expect many manual checks on "+st.Flight.ID()+".", true)
		showFairnessNotice(ws.win, st.Flight.ID(), notice)
	}
}

// onManualCheck routes to the manual document check; never blocked by the camera.
func (ws *workstation) onManualCheck() {
	if ws.shift == nil || ws.screen != screenBooth {
		return
	}
	ws.touch()
	snap := ws.shift.Snapshot()
	if err := ws.shift.BeginManualCheck(); err != nil {
		ws.booth.showMessage("Manual check not possible now: "+err.Error(), true)
		return
	}
	why := "Check the travel document by hand."
	if snap.Decision != nil {
		switch snap.Decision.Outcome {
		case encounter.OutcomeNoMatch:
			why = "NO MATCH: " + why
		case encounter.OutcomeAmbiguous:
			why = "AMBIGUOUS: " + why
		}
	} else if snap.State == encounter.StateOptOutRefused {
		why = "The traveler declined the required photo. " + why
	}
	ws.manual.reset(why, nil, snap.Policy)
	ws.show(screenManual)
}

func (ws *workstation) decideTraveler(t encounter.Traveler) (encounter.Decision, error) {
	return ws.shift.DecideTraveler(t)
}

// onManualComplete records the manual check's conclusion.
func (ws *workstation) onManualComplete(r encounter.ManualResult) {
	err := ws.shift.CompleteManualCheck(context.Background(), r)
	if err != nil && !errors.Is(err, booth.ErrNotRecorded) {
		ws.manual.showError(err.Error())
		return
	}
	ws.booth.showReady()
	msg := "Verified: the traveler may proceed. Recorded."
	if !r.Verified {
		msg = "Referred (" + string(r.Referral) + "). Recorded."
	}
	if err != nil {
		ws.wf.Log.Error("encounter not recorded", "err", err)
		msg = "NOT RECORDED: " + err.Error() + ". Tell a supervisor."
	}
	ws.booth.showMessage(msg, err != nil)
	ws.refreshBooth()
	ws.show(screenBooth)
}

// onNext clears a MATCH and readies the booth for the next traveler.
func (ws *workstation) onNext() {
	if ws.shift == nil || ws.screen != screenBooth {
		return
	}
	ws.touch()
	err := ws.shift.Next(context.Background())
	switch {
	case errors.Is(err, booth.ErrUnfinished):
		ws.booth.showMessage(err.Error()+" [Alt+M].", true)
		return
	case err != nil && !errors.Is(err, booth.ErrNotRecorded):
		ws.booth.showMessage(err.Error(), true)
		return
	case err != nil:
		ws.wf.Log.Error("encounter not recorded", "err", err)
		ws.booth.showMessage("NOT RECORDED: "+err.Error()+". Tell a supervisor.", true)
	default:
		ws.booth.showMessage("", false)
	}
	ws.booth.showReady()
	ws.refreshBooth()
}

// onDecideKey is Alt+D: apply the rules on the opt-out or manual screen.
func (ws *workstation) onDecideKey() {
	switch ws.screen {
	case screenOptOut:
		ws.optOut.onDecide()
	case screenManual:
		ws.manual.onRules()
	}
}

func (ws *workstation) onVerifiedKey() {
	if ws.screen == screenManual {
		ws.manual.onVerified()
	}
}

func (ws *workstation) onReferKey() {
	if ws.screen == screenManual {
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

// shrinkLayout gives its one child the whole space but asks for little, so
// the live view and its status line yield room to the workflow panel (what
// overflows is covered by the panel's background).
type shrinkLayout struct{}

// Layout implements fyne.Layout.
func (shrinkLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize implements fyne.Layout.
func (shrinkLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(320, h)
}

// onReportsKey is Alt+P: the shift report, for supervisors only.
func (ws *workstation) onReportsKey() {
	if ws.shift == nil || ws.screen != screenBooth || ws.reports == nil {
		return
	}
	ws.touch()
	rs, err := NewReportScreen(ws.ctx, ws.win, ws.session, *ws.wf.Reports)
	if err != nil {
		ws.booth.showMessage("Shift report: "+err.Error()+".", true)
		return
	}
	back := widget.NewButton(keyLabel("Back to the booth", keyBack), ws.onBackKey)
	ws.reports.Objects = []fyne.CanvasObject{container.NewBorder(nil, back, nil, nil, rs.Content())}
	ws.reports.Refresh()
	ws.show(screenReports)
}
