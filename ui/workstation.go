package ui

import (
	"context"
	"errors"
	"image"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"veriport/booth"
	"veriport/encounter"
	"veriport/gallery"
	"veriport/officer"
)

// Workflow is what the officer workflow needs: login, the rules, where
// encounters are recorded, and how to get a photo. Built by the caller.
type Workflow struct {
	Auth       *officer.Authenticator
	Policy     *encounter.Policy
	Recorder   booth.Recorder
	Station    string
	IdleLogout time.Duration // 0: officer.DefaultIdleTimeout
	// HighContrast starts in the large-text high-contrast theme.
	HighContrast bool
	// DemoHint, in the demo profile only, returns "DEMO: code NNNNNN" for
	// the login screen; nil otherwise.
	DemoHint func() string
	// Grab returns the newest camera frame as the traveler's photo (a copy
	// the workflow owns); nil or an error means no camera.
	Grab func() (image.Image, error)
	Now  func() time.Time // nil: time.Now
	Log  *slog.Logger
	// Flights lists and downloads the flight galleries for the flight
	// picker (Alt+F); nil hides the picker.
	Flights FlightService
	// UseGallery loads the chosen flight's gallery and returns the decider
	// searching it. It is slow (verifies the bundle, fills the index) and
	// runs off the UI thread.
	UseGallery func(ctx context.Context, s gallery.Status) (booth.Decider, error)
}

type screenID int

const (
	screenLogin screenID = iota
	screenBooth
	screenOptOut
	screenManual
	screenFlights
)

// workstation shows the live view on the left and switches the right-hand
// panel between the login, booth, opt-out, manual-check and flight screens. It owns
// the officer's shift and the idle logout, and routes the keyboard
// shortcuts to the screen on show.
type workstation struct {
	win  fyne.Window
	wf   Workflow
	live fyne.CanvasObject

	theme   *accessTheme
	root    *fyne.Container
	panelBg *canvas.Rectangle // opaque behind the panel: the live side may overflow
	screen  screenID
	views   map[screenID]fyne.CanvasObject
	login   *loginScreen
	booth   *boothScreen
	optOut  *optOutScreen
	manual  *manualCheckScreen
	flights *flightPicker // nil without Workflow.Flights
	ctx     context.Context

	shift   *booth.Shift
	idle    *officer.IdleTimer
	decider booth.Decider
	flight  string
	gallery string // gallery state line for the booth
	lastMs  int64  // capture to banner of the last decision, milliseconds
	// async runs slow work (login check, decision) off the UI thread; it
	// reports back through fyne.Do. Tests on the Fyne test driver, which
	// has no UI thread, run it inline.
	async func(func())
}

func newWorkstation(w fyne.Window, wf Workflow, live fyne.CanvasObject) *workstation {
	if wf.Now == nil {
		wf.Now = time.Now
	}
	if wf.Log == nil {
		wf.Log = slog.Default()
	}
	return &workstation{win: w, wf: wf, live: live, ctx: context.Background(), async: func(f func()) { go f() }}
}

// build makes every screen, registers the shortcuts and shows the login.
func (ws *workstation) build() fyne.CanvasObject {
	a := fyne.CurrentApp()
	ws.theme = &accessTheme{base: theme.DefaultTheme(), high: ws.wf.HighContrast || a.Preferences().Bool(PrefHighContrast)}
	a.Settings().SetTheme(ws.theme)

	ws.login = newLoginScreen(ws.wf.Auth, ws.wf.DemoHint, ws.onLogin, ws.touch)
	ws.login.async = func(f func()) { ws.async(f) }
	ws.booth = newBoothScreen(boothActions{capture: ws.onCapture, optOut: ws.onOptOut,
		manualCheck: ws.onManualCheck, next: ws.onNext, logout: func() { ws.logout("officer logged out", "") },
		toggleTheme: ws.onToggleTheme, flight: ws.onFlightKey})
	ws.optOut = newOptOutScreen(ws.wf.Now, ws.onOptOutDecide, ws.onBackKey, ws.touch)
	ws.manual = newManualCheckScreen(ws.wf.Now, ws.decideTraveler, ws.onManualComplete, ws.touch)
	ws.views = map[screenID]fyne.CanvasObject{
		screenLogin:  ws.login.build(),
		screenBooth:  ws.booth.build(),
		screenOptOut: ws.optOut.build(),
		screenManual: ws.manual.build(),
	}
	if ws.wf.Flights != nil {
		ws.flights = newFlightPicker(ws.ctx, ws.wf.Flights, ws.wf.Now, ws.onUseFlight)
		back := widget.NewButton(keyLabel("Back to the booth", keyBack), ws.onBackKey)
		ws.views[screenFlights] = container.NewBorder(nil, back, nil, nil, ws.flights.build())
	} else {
		ws.booth.flightB.Hide()
	}
	ws.root = container.NewStack()
	for _, k := range []screenID{screenLogin, screenBooth, screenOptOut, screenManual, screenFlights} {
		if v := ws.views[k]; v != nil {
			ws.root.Add(v)
		}
	}
	var content fyne.CanvasObject = ws.root
	if ws.live != nil { // the live view stays on the left; the screens switch on the right
		ws.panelBg = canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
		left := container.New(shrinkLayout{}, ws.live)
		split := container.NewHSplit(left, container.NewStack(ws.panelBg, ws.root))
		split.Offset = 0.6
		content = split
	}
	c := ws.win.Canvas()
	for s, f := range map[fyne.Shortcut]func(){
		keyCapture: ws.onCapture, keyOptOut: ws.onOptOut, keyManualCheck: ws.onManualCheck,
		keyNext: ws.onNext, keyDecide: ws.onDecideKey, keyVerified: ws.onVerifiedKey, keyRefer: ws.onReferKey,
		keyBack: ws.onBackKey, keyHighContrast: ws.onToggleTheme, keyFlight: ws.onFlightKey,
		keyLogout: func() { ws.logout("officer logged out", "") },
	} {
		c.AddShortcut(s, func(fyne.Shortcut) { f() })
	}
	ws.login.reset("")
	for k, v := range ws.views {
		if k != screenLogin {
			v.Hide()
		}
	}
	return content
}

// begin shows the login screen with the cursor in the officer id; call it
// once the built content is on the window.
func (ws *workstation) begin() { ws.show(screenLogin) }

// show makes one screen visible and focuses its first field.
func (ws *workstation) show(id screenID) {
	ws.screen = id
	for k, v := range ws.views {
		if k == id {
			v.Show()
		} else {
			v.Hide()
		}
	}
	ws.root.Refresh()
	c := ws.win.Canvas()
	switch id {
	case screenLogin:
		ws.login.focus(c)
	case screenOptOut:
		ws.optOut.focus(c)
	case screenManual:
		ws.manual.focus(c)
	case screenBooth:
		c.Unfocus()
	}
}

// start runs the idle-logout check until ctx ends.
func (ws *workstation) start(ctx context.Context) {
	ws.ctx = ctx
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fyne.Do(func() { ws.checkIdle(ws.wf.Now()) })
			}
		}
	}()
}

// touch records officer input for the idle logout.
func (ws *workstation) touch() {
	if ws.idle != nil {
		ws.idle.Touch(ws.wf.Now())
	}
}

// checkIdle logs the officer out after the idle period. UI thread.
func (ws *workstation) checkIdle(now time.Time) {
	if ws.shift != nil && ws.idle != nil && ws.idle.Expired(now) {
		ws.logout("idle", "Logged out after "+ws.idleTimeout().String()+" without input. Log in again to continue.")
	}
	if ws.screen == screenLogin {
		ws.login.refreshHint()
	}
}

func (ws *workstation) idleTimeout() time.Duration {
	if ws.wf.IdleLogout > 0 {
		return ws.wf.IdleLogout
	}
	return officer.DefaultIdleTimeout
}

// onLogin starts the shift. UI thread.
func (ws *workstation) onLogin(s *officer.Session) {
	sh, err := booth.NewShift(context.Background(), s.OfficerID, booth.Config{Station: ws.wf.Station,
		Policy: ws.wf.Policy, Recorder: ws.wf.Recorder, Now: ws.wf.Now})
	if err != nil {
		ws.login.showError("Cannot start the shift: " + err.Error())
		return
	}
	ws.shift = sh
	sh.SetGallery(ws.flight, ws.decider)
	ws.idle = officer.NewIdleTimer(ws.idleTimeout(), ws.wf.Now())
	ws.wf.Log.Info("shift started", "officer", s.OfficerID)
	ws.booth.showReady()
	ws.booth.showMessage("", false)
	ws.refreshBooth()
	ws.show(screenBooth)
}

// logout ends the shift and returns to the login screen.
func (ws *workstation) logout(reason, notice string) {
	if ws.shift == nil {
		return
	}
	if err := ws.shift.End(context.Background(), reason); err != nil {
		ws.wf.Log.Error("audit logout", "err", err)
	}
	ws.wf.Log.Info("shift ended", "officer", ws.shift.Officer(), "reason", reason)
	ws.shift, ws.idle = nil, nil
	ws.login.reset(notice)
	ws.show(screenLogin)
}

// SetGallery tells the workflow which flight is loaded and how to decide
// captures against its gallery (nil decider: none loaded). UI thread.
func (ws *workstation) setGallery(flight, state string, d booth.Decider) {
	ws.flight, ws.gallery, ws.decider = flight, state, d
	if ws.shift != nil {
		ws.shift.SetGallery(flight, d)
		ws.refreshBooth()
	}
}

func (ws *workstation) refreshBooth() {
	if ws.shift != nil {
		ws.booth.showShift(ws.shift.Snapshot(), ws.shift.Officer(), ws.gallery)
	}
}

// onCapture grabs the newest frame and decides it in the background.
func (ws *workstation) onCapture() {
	if ws.shift == nil || ws.screen != screenBooth {
		return
	}
	ws.touch()
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
func (ws *workstation) autoCaptured(img image.Image) {
	fyne.Do(func() {
		if ws.shift != nil && ws.screen == screenBooth && ws.shift.CanCapture() {
			ws.captured(img)
		}
	})
}

// captured decides a photo taken by the officer or by auto-capture. UI thread.
func (ws *workstation) captured(img image.Image) {
	if ws.shift == nil {
		return
	}
	sh := ws.shift
	ws.booth.showDeciding()
	start := time.Now()
	ws.async(func() {
		d, err := sh.Capture(context.Background(), img)
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

// onBackKey is Alt+B: from the opt-out screen or the flight picker back to the booth.
func (ws *workstation) onBackKey() {
	if ws.screen == screenOptOut || ws.screen == screenFlights {
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
	ws.show(screenFlights)
	ws.flights.onRefresh()
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
	ws.setGallery(st.Flight.ID(), GalleryLine(st, ws.wf.Now()), d)
	if ws.screen == screenFlights {
		ws.booth.showMessage("Flight "+st.Flight.ID()+" loaded.", false)
		ws.show(screenBooth)
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
