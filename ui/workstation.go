package ui

import (
	"context"
	"encoding/json"
	"errors"
	"image"
	"log/slog"
	"sync/atomic"
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
	"veriport/quality"
	"veriport/traveler"
)

// What the booth is away on (booth.State.Away).
const (
	awayFlights  = "flights"
	awayReport   = "report"
	awayOfficers = "officers"
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
	// Reports, when set, gives supervisors the shift report (Alt+P);
	// officers never see it.
	Reports *ReportDeps
	// Officers, when set, gives supervisors the officer screen (Alt+A) and
	// the supervisor unlock on the login screen (Alt+U).
	Officers *officer.Admin
	// TravelerDisplay is the monitor (1 the first) of the traveler's own
	// full-screen window; 0: one screen, the officer shows the traveler's
	// screen over the officer's window (Alt+W).
	TravelerDisplay int
	// Languages are the traveler screen's languages; nil: traveler.Default().
	Languages traveler.Catalogue
}

type screenID int

const (
	screenLogin screenID = iota
	screenBooth
	screenOptOut
	screenManual
	screenFlights
	screenReports
)

// workstation shows the live view on the left and, on the right, the
// screen for the booth station's phase: login, booth, opt-out, manual check
// or flights. The station owns the workflow's state; the workstation
// renders it, runs the idle logout and routes the keyboard shortcuts.
type workstation struct {
	win  fyne.Window
	wf   Workflow
	live fyne.CanvasObject

	theme   *accessTheme
	root    *fyne.Container
	panelBg *canvas.Rectangle // opaque behind the panel: the live side may overflow
	body    *fyne.Container   // live view and panel in the booth layout
	views   map[screenID]fyne.CanvasObject
	login   *loginScreen
	booth   *boothScreen
	optOut  *optOutScreen
	manual  *manualCheckScreen
	flights *flightPicker   // nil without Workflow.Flights
	reports *fyne.Container // holds a fresh report screen each time it opens
	// reportWin is the shift report's own window while it is open.
	reportWin fyne.Window
	session   *officer.Session
	ctx       context.Context

	// station is the booth's one state machine: phase, shift, capture gate.
	// The screens render the State it publishes; rendered is the last one
	// drawn, and drawn says one was.
	station  *booth.Station
	rendered booth.State
	drawn    bool
	lastSeq  atomic.Uint64 // the latest state published (heard)
	mw       *mainWindow   // the live side, when the workflow runs in the main window
	idle     *officer.IdleTimer
	gallery  string // gallery state line for the booth
	// counted is the last capture counted (mainWindow.captures) and
	// answered the last whose outcome was shown (answer).
	counted  atomic.Pointer[quality.Capture]
	answered *quality.Capture
	// async runs slow work (login check, decision) off the UI thread; it
	// reports back through fyne.Do. Tests on the Fyne test driver, which
	// has no UI thread, run it inline.
	async func(func())
	// frame, with a live view, is the officer's photo: a copy of the frame
	// last analysed and its report (mainWindow.lastFrame); without one,
	// Workflow.Grab's photo.
	frame func() (*image.RGBA, quality.QualityReport, error)
	admin adminUI // officer administration (ui/admin.go)
	// trav is the traveler's screen (ui/traveler_window.go).
	trav *travelerSide
	// logoutWarned is the traveler (State.Traveler) whose unfinished
	// encounter the officer was warned about at Log out; 0 when none.
	logoutWarned int
}

func newWorkstation(w fyne.Window, wf Workflow, live fyne.CanvasObject) *workstation {
	if wf.Now == nil {
		wf.Now = time.Now
	}
	if wf.Log == nil {
		wf.Log = slog.Default()
	}
	ws := &workstation{win: w, wf: wf, live: live, ctx: context.Background(), async: func(f func()) { go f() }}
	ws.station = booth.NewStation(booth.StationConfig{Now: wf.Now, Log: wf.Log, Notify: ws.published})
	return ws
}

// published is the station's one listener: it gets a copy of every state
// the station publishes, from whichever goroutine made the change (an
// action on the UI thread, the analysis goroutine, a decision), and renders
// it on the UI thread, in order. The workstation keeps no copy of the
// workflow of its own: what an action changes shows when the station
// publishes it. Whatever an action shows after its change (a message) goes
// through uiDo too (ws.say), so that it follows the rendering.
func (ws *workstation) published(s booth.State) {
	if ws.mw != nil && ws.heard(s.Seq) {
		if c := s.Capture; c != nil && ws.counted.Swap(c) != c {
			ws.mw.captures.Add(1)
		}
		// The live view holds its frame while a capture is decided (the
		// decision has the CPU), at once, from this goroutine.
		if s.Phase == booth.PhaseDeciding {
			ws.mw.holdLive(maxDecisionHold)
		} else {
			ws.mw.resumeLive()
		}
	}
	if s.Phase == booth.PhaseDeciding && s.Capture != nil && s.Capture.Auto {
		// Nothing is redrawn from the camera's capture until its answer
		// (the booth goes from waiting to the banner): on a booth without
		// a GPU a redraw takes CPU from the decision.
		return
	}
	uiDo(func() { ws.render(s) })
}

// heard reports whether seq is the latest state published so far, and
// notes it. Any thread.
func (ws *workstation) heard(seq uint64) bool {
	for {
		last := ws.lastSeq.Load()
		if seq < last {
			return false
		}
		if ws.lastSeq.CompareAndSwap(last, seq) {
			return true
		}
	}
}

// say shows a message on the booth screen after the state the action
// just changed is rendered. Any thread.
func (ws *workstation) say(msg string, warn bool) {
	uiDo(func() { ws.booth.showMessage(msg, warn) })
}

// build makes every screen, registers the shortcuts and shows the login.
func (ws *workstation) build() fyne.CanvasObject {
	a := fyne.CurrentApp()
	ws.theme = &accessTheme{base: theme.DefaultTheme(), high: ws.wf.HighContrast || a.Preferences().Bool(PrefHighContrast)}
	a.Settings().SetTheme(ws.theme)

	ws.login = newLoginScreen(ws.wf.Auth, ws.wf.DemoHint, ws.onLogin, ws.touch)
	ws.login.async = func(f func()) { ws.async(f) }
	ws.login.onRefused = ws.onLoginRefused
	// The booth screen's actions, from its buttons and their shortcuts.
	capture, optOut, manual, next := ws.atBooth(ws.onCapture), ws.atBooth(ws.onOptOut),
		ws.atBooth(ws.onManualCheck), ws.atBooth(ws.onNext)
	flight, reports := ws.atBooth(ws.onFlightKey), ws.atBooth(ws.onReportsKey)
	ws.booth = newBoothScreen(boothActions{capture: capture, optOut: optOut,
		manualCheck: manual, next: next, logout: ws.onLogoutKey,
		toggleTheme: ws.onToggleTheme, flight: flight, reports: reports})
	if ws.mw != nil { // the capture state and checks sit under the booth's actions
		ws.booth.extra = ws.mw.side
	}
	ws.optOut = newOptOutScreen(ws.wf.Now, ws.onOptOutDecide, ws.onBackKey, ws.touch)
	ws.manual = newManualCheckScreen(ws.wf.Now, ws.decideTraveler, ws.onManualComplete, ws.touch)
	ws.manual.back = ws.onBackKey
	ws.manual.lookup = ws.station.LookupManifest
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
		ws.keyboardFlights()
	} else {
		ws.booth.flightB.Hide()
	}
	if ws.wf.Reports != nil {
		ws.reports = container.NewStack()
		ws.views[screenReports] = ws.reports
	}
	ws.root = container.NewStack()
	for _, k := range []screenID{screenLogin, screenBooth, screenOptOut, screenManual, screenFlights, screenReports} {
		if v := ws.views[k]; v != nil {
			ws.root.Add(v)
		}
	}
	var content fyne.CanvasObject = ws.root
	ws.panelBg = canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	panel := container.NewStack(ws.panelBg, ws.root)
	switch {
	case ws.mw != nil: // DEMO banner and status across the window, live view left, screens right
		ws.body = container.New(boothLayout{}, ws.mw.view, panel)
		content = container.NewBorder(ws.mw.banner, ws.mw.status, nil, nil, ws.body)
	case ws.live != nil:
		ws.body = container.New(boothLayout{}, ws.live, panel)
		content = ws.body
	}
	content = ws.buildTraveler(content)
	c := ws.win.Canvas()
	for s, f := range map[fyne.Shortcut]func(){
		keyCapture: capture, keyOptOut: optOut, keyManualCheck: manual,
		keyNext: next, keyDecide: ws.onDecideKey, keyVerified: ws.onVerifiedKey, keyRefer: ws.onReferKey,
		keyBack: ws.onBackKey, keyAttest: ws.onAttestKey, keyHighContrast: ws.onToggleTheme, keyFlight: flight, keyReports: reports,
		keyLogout: ws.onLogoutKey,
	} {
		c.AddShortcut(s, func(fyne.Shortcut) { f() })
	}
	c.SetOnTypedKey(ws.onTypedKey)
	ws.adminShortcuts()
	ws.wf.Log.Info("booth phase", "to", booth.PhaseLoggedOut, "why", "start")
	ws.login.reset("")
	for k, v := range ws.views {
		if k != screenLogin {
			v.Hide()
		}
	}
	return content
}

// keyboardFlights chains the flight picker for the keyboard: Enter in the
// date lists the flights and moves to the list, Space there selects a
// flight and moves to "Use this gallery" (Space again uses it), or to
// "Download gallery" when it is not downloaded yet (Space downloads, and
// focus moves on to "Use this gallery" once it is verified).
func (ws *workstation) keyboardFlights() {
	p := ws.flights
	submitted, selected := p.date.OnSubmitted, p.list.OnSelected
	p.date.OnSubmitted = func(s string) {
		submitted(s)
		ws.win.Canvas().Focus(p.list)
	}
	next := func() {
		switch {
		case !p.use.Disabled():
			ws.win.Canvas().Focus(p.use)
		case !p.download.Disabled():
			ws.win.Canvas().Focus(p.download)
		}
	}
	p.list.OnSelected = func(id int) {
		selected(id)
		next()
	}
	p.afterFetch = next
}

// begin shows the login screen with the cursor in the officer id; call it
// once the built content is on the window.
func (ws *workstation) begin() {
	ws.drawn = false // not shown yet: render shows the screen and focuses its first field
	ws.render(ws.station.State())
}

// screenFor is the screen that shows the state: the login without an
// officer, a form while one is open, the flight picker, else the booth
// (the shift report and the officer screen have their own windows).
func screenFor(s booth.State) screenID {
	switch s.Phase {
	case booth.PhaseLoggedOut:
		return screenLogin
	case booth.PhaseOptOut:
		return screenOptOut
	case booth.PhaseManual:
		return screenManual
	case booth.PhaseAway:
		if s.Away == awayFlights {
			return screenFlights
		}
	}
	return screenBooth
}

// showing is the screen shown now: the one for the state last rendered
// (-1 before the first). UI thread.
func (ws *workstation) showing() screenID {
	if !ws.drawn {
		return -1
	}
	return screenFor(ws.rendered)
}

// atBooth wraps one of the booth screen's actions: it acts only while the
// booth screen is shown (an officer logged in, no form open), and counts as
// officer input for the idle logout.
func (ws *workstation) atBooth(action func()) func() {
	return func() {
		if ws.showing() != screenBooth {
			return
		}
		ws.touch()
		action()
	}
}

// show makes one screen visible and focuses its first field.
func (ws *workstation) show(id screenID) {
	for k, v := range ws.views {
		if k == id {
			v.Show()
		} else {
			v.Hide()
		}
	}
	ws.root.Refresh()
	if ws.body != nil {
		ws.body.Refresh() // the panel's width follows the screen now shown
	}
	c := ws.win.Canvas()
	switch id {
	case screenLogin:
		ws.login.focus(c)
	case screenOptOut:
		ws.optOut.focus(c)
	case screenManual:
		ws.manual.focus(c)
	case screenFlights:
		c.Focus(ws.flights.date) // type the date, Enter lists the flights
	case screenBooth:
		c.Unfocus()
	}
}

// endAtQuit ends the shift when the window closes (or SIGTERM): a capture
// being decided is recorded, the photo buffer wiped, the logout audited.
// The window is gone: nothing is drawn.
func (ws *workstation) endAtQuit() {
	if ws.station.Shift() == nil {
		return
	}
	if err := ws.station.Logout(context.Background(), "quit"); err != nil {
		ws.wf.Log.Error("end of shift at quit", "err", err)
	}
}

// galleryCheckEvery is how many seconds apart the gallery in use is checked
// for its deadline and its cached copy (booth.Station.CheckGallery).
const galleryCheckEvery = 15

// start runs the idle-logout check, and the gallery check, until ctx ends.
func (ws *workstation) start(ctx context.Context) {
	ws.ctx = ctx
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				uiDo(func() { ws.checkIdle(ws.wf.Now()) })
				if n%galleryCheckEvery == 0 {
					ws.checkGallery(ws.wf.Now()) // off the UI thread: reads the cache
				}
			}
		}
	}()
}

// checkGallery drops the gallery in use when it may no longer decide (past
// its deadline, its cached copy purged) and shows it: the panel stops
// naming it and the officer reads why capture stopped. Off the UI thread.
func (ws *workstation) checkGallery(now time.Time) {
	if !ws.station.CheckGallery(now) {
		return
	}
	ws.say(captureRefusal(booth.ErrGalleryExpired), true)
}

// touch records officer input for the idle logout.
func (ws *workstation) touch() {
	if ws.idle != nil {
		ws.idle.Touch(ws.wf.Now())
	}
}

// checkIdle logs the officer out after the idle period. UI thread.
func (ws *workstation) checkIdle(now time.Time) {
	if ws.station.Shift() != nil && ws.idle != nil && ws.idle.Expired(now) {
		ws.logout("idle", "Logged out after "+ws.idleTimeout().String()+" without input. Log in again to continue.")
	}
	if ws.showing() == screenLogin {
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
		logFailure(ws.wf.Log, "shift not started", err)
		ws.login.showError("Cannot start the shift: the audit log could not be written. " + tryAgain)
		return
	}
	ws.session = s
	if ws.wf.Reports != nil && ReportsAllowed(string(s.Role)) {
		ws.booth.reportsB.Show()
	} else {
		ws.booth.reportsB.Hide()
	}
	ws.idle = officer.NewIdleTimer(ws.idleTimeout(), ws.wf.Now())
	ws.wf.Log.Info("shift started", "officer", s.OfficerID)
	ws.station.Login(sh)
}

// onLoginRefused puts a refused login on the audit chain: the id typed
// and whether the account is (now) locked; never the PIN or code.
func (ws *workstation) onLoginRefused(id string, err error) {
	result := "refused"
	if errors.Is(err, officer.ErrLocked) {
		result = "locked"
	}
	detail, _ := json.Marshal(map[string]string{"result": result})
	if aerr := ws.wf.Recorder.Audit(context.Background(), booth.AuditLogin, id, "", string(detail)); aerr != nil {
		ws.wf.Log.Error("audit refused login", "err", aerr)
	}
}

// logout ends the shift and returns to the login screen; nothing of the
// traveler stays on screen.
func (ws *workstation) logout(reason, notice string) {
	sh := ws.station.Shift()
	if sh == nil {
		return
	}
	ws.closeReport()
	if err := ws.station.Logout(context.Background(), reason); err != nil {
		ws.wf.Log.Error("audit logout", "err", err)
	}
	ws.wf.Log.Info("shift ended", "officer", sh.Officer(), "reason", reason)
	ws.idle, ws.session = nil, nil
	ws.closeOfficers()
	if ws.reports != nil {
		ws.reports.Objects = nil // no report stays on screen for the next login
	}
	ws.login.reset(notice)
}

// setGallery tells the workflow which flight is loaded and how to decide
// captures against its gallery (nil decider: none loaded). UI thread.
func (ws *workstation) setGallery(flight, state string, d booth.Decider) {
	ws.gallery = state
	ws.station.SetGallery(flight, d)
}

// render shows the screen for the state's phase and fills it. A new
// traveler (or a logout) clears everything of the previous one first.
// Rendering the same state twice changes nothing, and a state older than
// the one on screen is not drawn. UI thread.
func (ws *workstation) render(s booth.State) {
	if ws.root == nil {
		return // not built yet
	}
	prev, first := ws.rendered, !ws.drawn
	if s.Seq != 0 && s.Seq < prev.Seq {
		return // published before the one on screen, and came later
	}
	ws.rendered, ws.drawn = s, true
	newTraveler := s.Traveler != prev.Traveler
	if s.Phase != prev.Phase && !newTraveler {
		ws.booth.showMessage("", false) // a message answers the last action only
	}
	if newTraveler {
		if ws.mw != nil {
			ws.mw.clearTraveler()
			if ws.mw.health != nil {
				ws.mw.health.kick() // the photo and result just recorded show at once
			}
		}
		ws.booth.showReady()
		ws.booth.showMessage("", false)
		ws.optOut.reset()
	}
	if newTraveler || s.Phase != prev.Phase || s.Decision != prev.Decision && (s.Decision == nil || prev.Decision == nil || *s.Decision != *prev.Decision) {
		ws.renderBanner(s)
	}
	if s.NextInView {
		ws.booth.showNextInView()
	}
	if s.Phase != booth.PhaseLoggedOut {
		ws.booth.showShift(s, ws.gallery)
	}
	if allowed := nextAllowed(s); allowed == ws.booth.next.Disabled() {
		if allowed {
			ws.booth.next.Enable()
		} else {
			ws.booth.next.Disable()
		}
	}
	if screen := screenFor(s); first || screen != screenFor(prev) {
		ws.show(screen)
	}
	if ws.trav != nil {
		ws.trav.render(s)
	}
	ws.renderCapture(s)
}

// renderCapture shows the capture side of s: why the camera takes no
// photo, this traveler's photo with its answer, or the photo taken while
// it is decided. UI thread.
func (ws *workstation) renderCapture(s booth.State) {
	if ws.mw != nil && !s.Armed {
		ws.mw.panel.set(captureStatus{state: quality.CaptureSearching, paused: pausedText(s)})
	}
	if c := s.Capture; ws.mw != nil && c != nil && s.Phase != booth.PhaseDeciding && ws.mw.panel.shown != c {
		ws.mw.panel.showCapture(c) // with its decision, or why there is none
	}
	if ws.mw != nil && s.Phase == booth.PhaseDeciding {
		ws.mw.overlay.setCaptured(true) // the officer's capture: the photo is taken
	}
	if c := s.Capture; c != nil && s.Phase != booth.PhaseDeciding && ws.answered != c {
		ws.answered = c
		ws.answer(s)
	}
}

// renderBanner shows the banner for the state's phase (a new traveler,
// phase or decision). UI thread.
func (ws *workstation) renderBanner(s booth.State) {
	switch s.Phase {
	case booth.PhaseReady:
		ws.booth.showReady()
	case booth.PhaseDeciding:
		ws.booth.showDeciding()
	case booth.PhaseDecided:
		if s.Decision != nil {
			ws.booth.showDecision(*s.Decision, s.Policy)
		}
	case booth.PhaseOptOutRefused:
		sentence := ""
		if s.Policy != nil {
			sentence = s.Policy.Sentence
		}
		ws.booth.showOptOutRefused(sentence)
	case booth.PhaseOptedOut:
		ws.booth.showOptedOut()
	case booth.PhaseConcluded:
		if s.Concluded != nil {
			ws.booth.showConcluded(*s.Concluded)
		}
	}
}

// nextAllowed reports whether Next may finish the traveler now: on a
// MATCH the document does not contradict, after a manual check's
// conclusion, or between travelers; never while a manual check is due.
func nextAllowed(s booth.State) bool {
	switch s.Phase {
	case booth.PhaseReady, booth.PhaseConcluded:
		return true
	case booth.PhaseDecided:
		return s.Decision != nil && s.Decision.Outcome == encounter.OutcomeMatch && !booth.CategoryConflict(s.Decision, s.Policy)
	}
	return false
}

// pausedText says why the camera takes no photo in this state.
func pausedText(s booth.State) string {
	switch s.Phase {
	case booth.PhaseLoggedOut:
		return "Camera idle until an officer logs in"
	case booth.PhaseReady, booth.PhaseOptOutRefused:
		return "Camera idle: choose a flight [Alt+F] to capture"
	case booth.PhaseDeciding:
		return "Photo taken: checking"
	case booth.PhaseDecided, booth.PhaseOptedOut, booth.PhaseConcluded:
		if !nextAllowed(s) {
			return "Camera paused: finish with the manual check [Alt+M]"
		}
		return "Camera paused until the next traveler [Alt+N]"
	case booth.PhaseOptOut:
		return "Camera paused: opt-out"
	case booth.PhaseManual:
		return "Camera paused: manual check"
	}
	return "Camera paused"
}

// onTypedKey handles keys typed outside any field: Enter captures on the
// booth screen (never on the login screen), Esc goes back.
func (ws *workstation) onTypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		ws.onBackKey()
	case fyne.KeyF1: // About, on every screen
		if ws.mw != nil {
			ws.mw.showAbout()
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		ws.atBooth(ws.onCapture)()
	}
}
