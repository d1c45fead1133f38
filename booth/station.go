package booth

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"sync"
	"time"

	"veriport/config"
	"veriport/encounter"
	"veriport/quality"
	"veriport/report"
)

// Phase is where the booth stands in its workflow. Exactly one phase holds
// at a time, and only the waiting phases let the camera capture.
type Phase string

// The booth's phases.
const (
	PhaseLoggedOut     Phase = "logged-out"      // login screen: no officer
	PhaseReady         Phase = "ready"           // waiting for a traveler
	PhaseOptOut        Phase = "opt-out"         // the opt-out form is open
	PhaseOptOutRefused Phase = "opt-out-refused" // photo required: waiting for it
	PhaseDeciding      Phase = "deciding"        // a photo is being decided
	PhaseDecided       Phase = "decided"         // the decision is on screen
	PhaseManual        Phase = "manual"          // the manual document check is open
	PhaseOptedOut      Phase = "opted-out"       // opt-out accepted, manual check still to do
	PhaseConcluded     Phase = "concluded"       // the manual check's conclusion is on screen
	PhaseAway          Phase = "away"            // flight picker or shift report open
)

// MayCapture reports whether the officer's Capture may take a photo in
// this phase: while the booth waits for a traveler, or after a refused
// opt-out when the traveler agrees to the photo.
func (p Phase) MayCapture() bool { return p == PhaseReady || p == PhaseOptOutRefused }

// AutoCapture reports whether the camera may capture by itself in this
// phase: only while the booth waits for the next traveler, never after an
// opt-out (accepted or refused), a manual check or a referral.
func (p Phase) AutoCapture() bool { return p == PhaseReady }

// State is a value copy of the station for the screen: the UI renders it
// and never keeps its own copy of the workflow.
type State struct {
	// Seq orders the states the station publishes: a later change has a
	// larger Seq, so a listener that gets two out of order keeps the later
	// (0: a state read with State, not published).
	Seq   uint64
	Phase Phase
	Away  string // what is open while away: "flights" or "report"
	// Armed says the camera may capture now: an officer is logged in, a
	// gallery is in use and the booth waits for a traveler.
	Armed    bool
	Traveler int // increases with every new traveler (and logout)
	// Capture is this traveler's photo being decided or decided (the
	// frame, its quality report, how and when it was taken), nil until one
	// is taken. It is never changed once taken.
	Capture *quality.Capture
	// NotDecided says why this traveler's last capture has no decision (no
	// usable face, the gallery expired...): the booth waits for another
	// capture or the manual check. Nil otherwise.
	NotDecided error
	Decision   *Decision // the biometric decision on screen, if any
	Policy     *encounter.Decision
	// Concluded is the manual check's conclusion while it is on screen
	// (PhaseConcluded), nil otherwise.
	Concluded *encounter.ManualResult
	Processed int // travelers finished this shift
	Pending   int // records held in memory until the disk has room
	Flight    string
	Gallery   bool // a gallery (decider) is in use
	Officer   string
	// NextInView says that, while a result is on screen (decided or
	// concluded), the traveler it is for has left and a face is in view
	// again: the result is for the previous traveler.
	NextInView bool
}

// StationConfig is what a station needs.
type StationConfig struct {
	Quality config.Quality   // auto-capture settings; zero: defaults
	Now     func() time.Time // nil: time.Now
	Log     *slog.Logger     // nil: slog.Default()
	// Notify receives the state after every change, outside the station's
	// lock and possibly off the UI thread (the UI wraps it in fyne.Do).
	Notify func(State)
}

// Station is the booth's one state machine: it owns the phase, the shift
// (which keeps the encounter and records it) and the auto-capturer, so the
// camera captures only when the phase allows it. Every screen change and
// every capture goes through it. Safe for concurrent use: the analysis
// goroutine calls Observe while the UI calls the rest.
type Station struct {
	cfg StationConfig

	mu         sync.Mutex
	phase      Phase
	back       Phase // where away and a cancelled manual check return to
	away       string
	shift      *Shift
	gallery    *inUse // the flight and the decider in use, shared with the shift
	expired    bool   // the last gallery was dropped at its deadline or purge
	capt       *quality.Capturer
	traveler   int
	manualFrom time.Time
	concluded  *encounter.ManualResult // the manual check's conclusion (PhaseConcluded)
	// takenIn and takenAuto are the phase and kind of the capture being
	// decided, audited with it.
	takenIn   Phase
	takenAuto bool
	takenHeld bool             // the capturer was holding: an officer's capture of a held traveler
	taken     *quality.Capture // this traveler's last capture (State.Capture)
	undecided error            // why it has no decision (State.NotDecided)
	// busy: an action is writing to storage (audit, record) outside the
	// lock; nothing is captured until it ends.
	busy bool
	next nextFace
	seq  uint64 // states published
}

// NewStation starts a station on the login screen.
func NewStation(cfg StationConfig) *Station {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Quality.StableFrames == 0 {
		cfg.Quality = config.DefaultQuality()
	}
	return &Station{cfg: cfg, phase: PhaseLoggedOut, gallery: &inUse{}, capt: quality.NewCapturer(cfg.Quality, cfg.Now())}
}

// State returns the current state.
func (st *Station) State() State {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.stateLocked()
}

func (st *Station) stateLocked() State {
	flight, d, _ := st.gallery.get()
	s := State{Phase: st.phase, Away: st.away, Armed: st.armedLocked(), Traveler: st.traveler, Capture: st.taken, NotDecided: st.undecided,
		Flight: flight, Gallery: d != nil, NextInView: st.phase.watchesFaces() && st.next.inView}
	if st.concluded != nil {
		r := *st.concluded
		s.Concluded = &r
	}
	if st.shift != nil {
		snap := st.shift.Snapshot()
		s.Decision, s.Policy, s.Processed, s.Officer = snap.Decision, snap.Policy, snap.Processed, st.shift.Officer()
		s.Pending = snap.Pending
	}
	return s
}

// armedLocked: officer, gallery and a waiting phase. Caller holds mu.
func (st *Station) armedLocked() bool {
	_, d, _ := st.gallery.get()
	return st.shift != nil && d != nil && st.phase.MayCapture()
}

// Shift is the logged-in officer's shift, nil on the login screen.
func (st *Station) Shift() *Shift {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.shift
}

// notify publishes the state (a copy, numbered) to the listener. Call
// without mu: the listener may call back into the station.
func (st *Station) notify() {
	if st.cfg.Notify == nil {
		return
	}
	st.mu.Lock()
	st.seq++
	s := st.stateLocked()
	s.Seq = st.seq
	st.mu.Unlock()
	st.cfg.Notify(s)
}

// setPhase moves to p and logs the transition. Caller holds mu.
func (st *Station) setPhase(p Phase, why string) {
	if p == st.phase {
		return
	}
	st.cfg.Log.Info("booth phase", "from", st.phase, "to", p, "why", why, "traveler", st.traveler)
	if p.watchesFaces() && st.phase != PhaseAway { // a new result: watch for the next traveler
		st.next = nextFace{}
	}
	st.phase = p
}

// newTraveler clears everything of the previous traveler and waits for the
// next one: a fresh capture attempt. Caller holds mu.
func (st *Station) newTraveler(p Phase, why string) {
	st.traveler++
	st.capt.NextTraveler(st.cfg.Now()) // the last traveler's face must leave first
	st.back, st.away, st.manualFrom, st.concluded, st.taken, st.undecided = "", "", time.Time{}, nil, nil, nil
	st.next = nextFace{}
	if p == st.phase { // logged all the same: a new traveler is a transition
		st.cfg.Log.Info("booth phase", "from", st.phase, "to", p, "why", why, "traveler", st.traveler)
	}
	st.setPhase(p, why)
}

// Login starts the officer's shift: the booth waits for the first traveler.
func (st *Station) Login(sh *Shift) {
	st.mu.Lock()
	st.shift = sh
	sh.useGallery(st.gallery) // one gallery state: the station's
	st.newTraveler(PhaseReady, "login")
	st.mu.Unlock()
	st.notify()
}

// Logout ends the shift (explicit or idle, reason audited) and returns to
// the login screen; nothing of the traveler stays.
func (st *Station) Logout(ctx context.Context, reason string) error {
	st.mu.Lock()
	sh := st.shift
	if sh == nil {
		st.mu.Unlock()
		return nil
	}
	st.shift = nil
	sh.useGallery(st.gallery.copy())      // its last records name the flight it ran on
	st.dropGalleryLocked("logout", false) // the next officer loads a current one
	st.newTraveler(PhaseLoggedOut, "logout: "+reason)
	st.mu.Unlock()
	err := sh.End(ctx, reason)
	st.notify()
	return err
}

// galleryLocked reports whether a gallery is in use. Caller holds mu.
func (st *Station) galleryLocked() bool {
	_, d, _ := st.gallery.get()
	return d != nil
}

// SetGallery sets the flight in use and the decider searching its gallery
// (nil: none, the camera stays idle).
func (st *Station) SetGallery(flight string, d Decider) {
	st.mu.Lock()
	st.gallery.set(flight, d)
	st.expired = false
	st.mu.Unlock()
	st.notify()
}

// expireLocked drops the gallery when it is past its deadline at now and
// reports whether it did. Caller holds mu.
func (st *Station) expireLocked(now time.Time) bool {
	if _, d, _ := st.gallery.get(); d == nil || !pastDeadline(d, now) {
		return false
	}
	st.dropGalleryLocked("past its deadline", true)
	return true
}

// dropGalleryLocked forgets the gallery in use (flight and decider, so its
// templates leave memory) and logs why; expired says it was dropped at its
// deadline or purge, so a capture is refused with ErrGalleryExpired.
// Caller holds mu.
func (st *Station) dropGalleryLocked(why string, expired bool) {
	flight, d, _ := st.gallery.get()
	if d == nil {
		return
	}
	st.cfg.Log.Info("gallery dropped", "flight", flight, "why", why)
	st.gallery.set("", nil)
	st.expired = expired
}

// CheckGallery drops the gallery in use when it may no longer decide at
// now (Expiring.Usable: past its deadline, or its cached copy purged) and
// reports whether it did; the workstation calls it on its status tick so a
// purged gallery leaves memory without waiting for a capture.
func (st *Station) CheckGallery(now time.Time) bool {
	_, d, _ := st.gallery.get()
	if d == nil {
		return false
	}
	err := usable(d, now)
	if err == nil {
		return false
	}
	st.mu.Lock()
	_, current, _ := st.gallery.get()
	dropped := current == d
	if dropped {
		st.dropGalleryLocked(err.Error(), true)
	}
	st.mu.Unlock()
	if dropped {
		st.notify()
	}
	return dropped
}

// Observe feeds one analysed frame to the auto-capturer, only while the
// booth waits for the next traveler: in any other phase it returns at
// once, with no frame copied. After an opt-out or a manual check the
// capturer holds until Next and until that face has left the frame. A
// completed capture is decided and put on the record before Observe
// returns (decide): the state is published as the photo is taken, as it
// is decided and as it is stored. The analysis goroutine calls it and
// waits meanwhile, as the live view holds its frame.
func (st *Station) Observe(ctx context.Context, now time.Time, img *image.RGBA, r quality.QualityReport) quality.Step {
	st.mu.Lock()
	if st.expireLocked(now) {
		st.mu.Unlock()
		st.notify()
		return quality.Step{}
	}
	if st.shift != nil && st.phase.watchesFaces() {
		came := st.watchLocked(now, r)
		st.mu.Unlock()
		if came {
			st.notify()
		}
		return quality.Step{}
	}
	if st.busy || !st.armedLocked() || !st.phase.AutoCapture() {
		st.mu.Unlock()
		return quality.Step{}
	}
	was := st.capt.State()
	step := st.capt.Observe(now, img, r)
	if was == quality.CaptureClearing && st.capt.State() == quality.CaptureSearching {
		st.cfg.Log.Info("capture armed: the last traveler's face has left", "traveler", st.traveler)
	}
	if step.Captured != nil {
		st.capturedLocked(step.Captured)
	}
	st.mu.Unlock()
	if step.Captured != nil {
		st.notify()
		_, _ = st.decide(ctx, step.Captured) // its outcome is in the state published
	}
	return step
}

// Capture is the officer's capture of img (the frame last analysed or
// shown): refused at once, with nothing taken, unless the booth waits for
// a traveler or the traveler agreed to the photo after a refused opt-out
// (CaptureRefusal). Otherwise the photo is decided and put on the record
// before Capture returns, as an auto-capture is in Observe: slow, call it
// off the UI thread.
func (st *Station) Capture(ctx context.Context, now time.Time, img *image.RGBA, r quality.QualityReport) (Decision, error) {
	c, err := st.take(now, img, r)
	if err != nil {
		return Decision{}, err
	}
	return st.decide(ctx, c)
}

// CaptureRefusal says why the camera may not capture now, nil when it
// may: no shift, no gallery (or one dropped at its deadline), or a phase
// that takes no photo.
func (st *Station) CaptureRefusal() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.armedLocked() && !st.busy {
		return nil
	}
	return st.refusalLocked()
}

// take takes the officer's capture of img, moving to deciding.
func (st *Station) take(now time.Time, img *image.RGBA, r quality.QualityReport) (*quality.Capture, error) {
	st.mu.Lock()
	st.expireLocked(now)
	if st.busy || !st.armedLocked() {
		err := st.refusalLocked()
		st.mu.Unlock()
		return nil, err
	}
	held := st.capt.State() == quality.CaptureHeld
	c := st.capt.Capture(now, img, r)
	st.capturedLocked(c)
	st.takenHeld = held
	st.mu.Unlock()
	st.notify()
	return c, nil
}

// refusalLocked says why the camera may not capture now. Caller holds mu.
func (st *Station) refusalLocked() error {
	switch {
	case st.shift == nil:
		return ErrNoShift
	case !st.galleryLocked() && st.expired:
		return ErrGalleryExpired
	case !st.galleryLocked():
		return ErrNoDecider
	}
	return E("capture", NotNow, fmt.Errorf("phase %s", st.phase))
}

// capturedLocked logs the capture with the phase it was taken in and
// moves to deciding. Caller holds mu.
func (st *Station) capturedLocked(c *quality.Capture) {
	st.cfg.Log.Info("frame captured", "phase", st.phase, "auto", c.Auto, "traveler", st.traveler,
		"score", fmt.Sprintf("%.2f", c.Report.Score))
	st.takenIn, st.takenAuto, st.takenHeld, st.taken, st.undecided = st.phase, c.Auto, false, c, nil
	st.setPhase(PhaseDeciding, "captured")
}

// decide decides the capture c against the gallery, from the face the
// live tracker followed (c.Report.Box, frame coordinates; empty when
// unknown), and records its quality summary. The decision is published
// first (decided, or back to capture with State.NotDecided saying why)
// and only then is the encounter put on the record (vault photo, record
// store), so the officer does not wait for the disk. A decision for a
// traveler who has meanwhile left is dropped. The encounter is on the
// record when decide returns; one that ends first (Next, logout) is
// recorded whole at its end.
func (st *Station) decide(ctx context.Context, c *quality.Capture) (Decision, error) {
	st.mu.Lock()
	sh, trav, in, auto := st.shift, st.traveler, st.takenIn, st.takenAuto
	st.mu.Unlock()
	if sh == nil {
		return Decision{}, ErrNoShift
	}
	subject := sh.EncounterID()
	defer sh.AuditCapture(ctx, subject, string(in), auto, st.cfg.Log)
	d, err := sh.Decide(ctx, c.Image, c.Report.Box, report.Summarize(c.Report, true, c.Auto))
	st.mu.Lock()
	if st.traveler != trav || st.shift != sh || st.phase != PhaseDeciding {
		st.mu.Unlock()
		return Decision{}, E("decide", NotNow, errors.New("the traveler changed"))
	}
	if errors.Is(err, ErrGalleryExpired) {
		st.dropGalleryLocked(err.Error(), true)
	}
	if err != nil { // the same traveler: capture again, or the manual check
		st.undecided = err
		back := PhaseReady
		if st.takenHeld || in == PhaseOptOutRefused {
			st.capt.Hold(st.cfg.Now()) // still only by the officer's Capture
			back = in
		} else {
			st.capt.Reset(st.cfg.Now())
		}
		st.setPhase(back, "not decided")
	} else {
		st.setPhase(PhaseDecided, string(d.Outcome))
	}
	st.mu.Unlock()
	st.notify()
	if err == nil {
		sh.RecordDecision(ctx)
		st.notify() // recorded, or held in memory until the disk has room
	}
	return d, err
}

// require checks the phase and the shift. Caller holds mu.
func (st *Station) require(action string, from ...Phase) error {
	if st.shift == nil {
		return E(action, NoShift, nil)
	}
	for _, p := range from {
		if st.phase == p {
			return nil
		}
	}
	return E(action, NotNow, fmt.Errorf("phase %s", st.phase))
}

// OpenOptOut opens the opt-out form: capture stops until it is decided or
// cancelled.
func (st *Station) OpenOptOut() error {
	st.mu.Lock()
	if err := st.require("opt-out", PhaseReady); err != nil {
		st.mu.Unlock()
		return err
	}
	st.back = PhaseReady
	st.capt.Hold(st.cfg.Now()) // a traveler who declines is never photographed by the camera itself
	st.setPhase(PhaseOptOut, "opt-out form")
	st.mu.Unlock()
	st.notify()
	return nil
}

// begin starts an action that writes to storage (audit log, record
// store): it checks the shift and the phase and marks the station busy, so
// that the writes run outside the lock while nothing else moves the
// traveler on (the camera takes nothing meanwhile). The action ends with
// end. Call without mu.
func (st *Station) begin(action string, from ...Phase) (*Shift, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.busy {
		return nil, E(action, NotNow, errors.New("another action is being stored"))
	}
	if err := st.require(action, from...); err != nil {
		return nil, err
	}
	st.busy = true
	return st.shift, nil
}

// end ends what begin started and takes mu: the caller applies the
// action's outcome, unlocks and publishes.
func (st *Station) end() {
	st.mu.Lock()
	st.busy = false
}

// DecideOptOut applies the policy to what the officer established. An
// allowed opt-out opens the manual check (no photo is ever taken); a
// refused one waits for the photo. Bad data changes nothing.
func (st *Station) DecideOptOut(ctx context.Context, t encounter.Traveler) (encounter.Decision, error) {
	sh, err := st.begin("opt-out", PhaseOptOut)
	if err != nil {
		return encounter.Decision{}, err
	}
	d, err := sh.OptOut(ctx, t) // audits a refused opt-out
	st.end()
	defer st.notify()
	defer st.mu.Unlock()
	if err != nil {
		return d, err
	}
	if d.MayOptOut {
		st.back, st.manualFrom = PhaseOptedOut, st.cfg.Now()
		st.setPhase(PhaseManual, "opt-out accepted")
		return d, nil
	}
	st.capt.Hold(st.cfg.Now()) // only the officer's Capture, if the traveler agrees
	st.back = ""
	st.setPhase(PhaseOptOutRefused, "opt-out refused")
	return d, nil
}

// BeginManual opens the manual document check; the camera never blocks
// it, and capture stops while it is open.
func (st *Station) BeginManual() error {
	st.mu.Lock()
	if err := st.require("manual check", PhaseReady, PhaseDecided, PhaseOptOutRefused, PhaseOptedOut,
		PhaseDeciding); err != nil {
		st.mu.Unlock()
		return err
	}
	st.back, st.manualFrom = st.phase, st.cfg.Now()
	if st.back == PhaseDeciding {
		st.back = PhaseReady
	}
	st.capt.Hold(st.cfg.Now()) // this traveler is checked by hand: the camera takes nothing more
	st.setPhase(PhaseManual, "manual check")
	st.mu.Unlock()
	st.notify()
	return nil
}

// Back leaves the opt-out form, a manual check (recorded as cancelled) or
// the flight picker and report, returning to where the booth was; capture
// starts afresh only where the booth waits for a traveler.
func (st *Station) Back(ctx context.Context) error {
	sh, err := st.begin("back", PhaseOptOut, PhaseAway, PhaseManual)
	if err != nil {
		return err
	}
	st.mu.Lock() // the phase stays while busy
	manual, returning := st.phase == PhaseManual, string(st.back)
	st.mu.Unlock()
	if manual {
		err = sh.CancelManualCheck(ctx, returning) // audited
	}
	st.end()
	defer st.notify()
	defer st.mu.Unlock()
	if err != nil {
		return err
	}
	to := st.back
	if to == "" {
		to = PhaseReady
	}
	st.back, st.away = "", ""
	if to == PhaseReady && st.phase == PhaseAway {
		st.capt.Restart(st.cfg.Now()) // a fresh attempt, unless this traveler is held or taken
	}
	st.setPhase(to, "back")
	return nil
}

// CompleteManual concludes the manual check (verified or referred, with an
// override of a failed document check when the officer gave one) and
// shows the conclusion until the officer presses Next; the camera takes
// nothing meanwhile, nor afterwards until that face has left the frame.
// ErrNotRecorded still moves on.
func (st *Station) CompleteManual(ctx context.Context, r encounter.ManualResult, o *Override) error {
	sh, err := st.begin("manual check", PhaseManual)
	if err != nil {
		return err
	}
	st.mu.Lock()
	from := st.manualFrom
	st.mu.Unlock()
	if err = sh.BeginManualCheck(from); err == nil {
		err = sh.CompleteManualCheck(ctx, r, o) // audits an override, records the encounter
	}
	st.end()
	defer st.notify()
	defer st.mu.Unlock()
	if err != nil && !errors.Is(err, ErrNotRecorded) {
		return err
	}
	r.Policy = nil // the conclusion only: the policy stays in the record
	st.concluded = &r
	st.setPhase(PhaseConcluded, "manual check done")
	return err
}

// Next finishes a MATCH (or an untouched booth) and waits for the next
// traveler; ErrUnfinished when the traveler still needs the manual check.
func (st *Station) Next(ctx context.Context) error {
	sh, err := st.begin("next", PhaseReady, PhaseDeciding, PhaseDecided, PhaseOptOutRefused, PhaseOptedOut,
		PhaseConcluded)
	if err != nil {
		return err
	}
	err = sh.Next(ctx) // records a finished encounter
	st.end()
	defer st.notify()
	defer st.mu.Unlock()
	if err != nil && !errors.Is(err, ErrNotRecorded) {
		return err
	}
	came := st.phase.watchesFaces() && st.next.inView
	st.newTraveler(PhaseReady, "next traveler")
	if came { // the last traveler left before this face came: it is the next one's
		st.capt.Reset(st.cfg.Now())
		st.cfg.Log.Info("capture armed: the last traveler left before this face came", "traveler", st.traveler)
	}
	return err
}

// SetAway opens the flight picker or the shift report ("flights",
// "report"): capture stops until Back. The flight changes only between
// travelers, so no decision of one flight stays on screen under another.
func (st *Station) SetAway(what string) error {
	st.mu.Lock()
	from := []Phase{PhaseReady, PhaseDecided, PhaseOptOutRefused, PhaseOptedOut, PhaseConcluded}
	if what == "flights" {
		from = []Phase{PhaseReady}
	}
	if err := st.require(what, from...); err != nil {
		st.mu.Unlock()
		return err
	}
	st.back, st.away = st.phase, what
	st.setPhase(PhaseAway, what)
	st.mu.Unlock()
	st.notify()
	return nil
}

// CaptureStatus is the auto-capturer's progress for the capture panel.
func (st *Station) CaptureStatus() (state quality.CaptureState, run, of int, offered bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	run, of = st.capt.Progress()
	return st.capt.State(), run, of, st.capt.ManualOffered()
}
