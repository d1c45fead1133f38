package booth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/google/uuid"

	"veriport/encounter"
	"veriport/retention"
	"veriport/verify"
)

// Decision is the biometric decision on one captured image: verify.Decision
// plus the matched traveler's category from the flight gallery.
type Decision struct {
	Outcome  encounter.Outcome
	Subject  string             // gallery subject id on a match ("" otherwise)
	Category encounter.Category // the subject's category from the gallery; "" if unknown
	Distance float64
	Margin   float64
	// Name and Seat are the matched traveler's, from the gallery's display
	// fields, for the officer to confirm the MATCH by eye: shown on
	// screen, never logged nor recorded ("" when the gallery has none).
	Name, Seat string
	// Linked: the face is one of two travelers of a near-identical pair
	// (twins, one person enrolled twice, a copied photo); AMBIGUOUS, the
	// document tells them apart.
	Linked bool
}

// Decider turns a captured image into a decision: face template, search of
// the loaded flight gallery, threshold policy. It may take a second; it
// must honour ctx. A photo without a usable face is an error.
type Decider interface {
	Decide(ctx context.Context, img image.Image) (Decision, error)
}

// TrackedDecider is a Decider that can also use where the live tracker
// found the traveler's face (frame coordinates) to decide faster.
type TrackedDecider interface {
	DecideNear(ctx context.Context, img image.Image, box image.Rectangle) (Decision, error)
}

// DeciderFunc adapts a function to Decider.
type DeciderFunc func(ctx context.Context, img image.Image) (Decision, error)

// Decide implements Decider.
func (f DeciderFunc) Decide(ctx context.Context, img image.Image) (Decision, error) {
	return f(ctx, img)
}

// Config is what a shift needs besides the officer.
type Config struct {
	Station  string
	Policy   *encounter.Policy // exemption and opt-out rules
	Recorder Recorder
	Now      func() time.Time // nil: time.Now
}

// Shift is one officer's shift at the booth: the current encounter and the
// count of travelers processed. Its methods are safe for concurrent use;
// Capture may block on the Decider and is meant for a background goroutine.
type Shift struct {
	cfg     Config
	officer string

	mu sync.Mutex
	// gallery is the gallery in use: its own (SetGallery) until a station
	// shares its own with it (Station.Login).
	gallery   *inUse
	enc       *encounter.Encounter
	id        string // current encounter's record id
	photo     []byte // JPEG of the current capture, until recorded
	captured  time.Time
	decision  *Decision
	quality   string // quality summary of the decided capture
	category  encounter.Category
	ruleset   string
	recorded  bool // the encounter was recorded at its decision (photo included)
	processed int
	ended     bool // End ran: a decision finishing later keeps nothing

	// inflight counts decisions under way (Decide): End waits for
	// them so a capture being decided at logout or quit is recorded.
	inflight sync.WaitGroup

	// reason is the exemption the policy found (with ruleset, its rule set).
	reason encounter.Reason
}

// endWait bounds how long End waits for a decision under way.
const endWait = 5 * time.Second

// NewShift starts a shift for a logged-in officer and audits the login.
func NewShift(ctx context.Context, officerID string, cfg Config) (*Shift, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Policy == nil || cfg.Recorder == nil {
		return nil, errors.New("booth shift: policy and recorder are required")
	}
	s := &Shift{cfg: cfg, officer: officerID, gallery: &inUse{}}
	s.reset()
	if err := cfg.Recorder.Audit(ctx, AuditLogin, officerID, "", `{"result":"ok"}`); err != nil {
		return nil, fmt.Errorf("booth shift: audit login: %w", err)
	}
	return s, nil
}

// End audits the logout (explicit, idle or quit) and wipes an unrecorded
// photo. A capture being decided is waited for (up to endWait) and, like a
// decision already shown but not yet stored, put on the record, photo
// included; a capture left undecided is audited as such.
func (s *Shift) End(ctx context.Context, reason string) error {
	waited := make(chan struct{})
	go func() { s.inflight.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(endWait):
		slog.Warn("logout: a decision still under way is abandoned", "encounter", s.id)
	}
	s.mu.Lock()
	s.ended = true
	var err error
	switch st := s.enc.State(); {
	case s.decision != nil && !s.recorded && st == encounter.StateDecided:
		s.recordDecision(ctx)
		if !s.recorded {
			err = E("logout", NotRecorded, fmt.Errorf("the decided encounter %s", s.id))
		}
	case st == encounter.StateCapturing && s.decision == nil:
		detail, _ := json.Marshal(map[string]string{"result": "not decided", "ended": reason})
		err = s.cfg.Recorder.Audit(ctx, AuditCapture, s.officer, s.id, string(detail))
	}
	clear(s.photo)
	s.photo = nil
	s.mu.Unlock()
	detail, _ := json.Marshal(map[string]string{"reason": reason})
	return errors.Join(err, s.cfg.Recorder.Audit(ctx, AuditLogout, s.officer, "", string(detail)))
}

// Officer is the logged-in officer's id.
func (s *Shift) Officer() string { return s.officer }

// reset starts a fresh encounter. Caller holds mu (or owns s).
func (s *Shift) reset() {
	clear(s.photo)
	s.enc, s.id, s.photo, s.captured = encounter.New(), uuid.NewString(), nil, time.Time{}
	s.decision, s.category, s.ruleset, s.reason, s.quality, s.recorded = nil, "", "", "", "", false
}

// SetGallery sets the loaded flight and the decider searching its gallery
// (nil when none is loaded) of a shift on no station; on a station the
// gallery is the station's (Station.SetGallery).
func (s *Shift) SetGallery(flight string, d Decider) {
	s.mu.Lock()
	g := s.gallery
	s.mu.Unlock()
	g.set(flight, d)
}

// useGallery makes g the shift's gallery state.
func (s *Shift) useGallery(g *inUse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gallery = g
}

// Snapshot is what the booth screen shows of the shift.
type Snapshot struct {
	State     encounter.State
	Decision  *Decision           // the biometric decision, if any
	Policy    *encounter.Decision // the opt-out or document policy decision, if any
	Processed int                 // travelers finished this shift: recorded, or pending
	// Pending is how many records wait in memory for the disk to have
	// space again (see Queue); 0 with a recorder that keeps nothing back.
	Pending int
	Flight  string
	Gallery bool // a decider is set
}

// Snapshot returns the current state.
func (s *Shift) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	flight, d, _ := s.gallery.get()
	snap := Snapshot{State: s.enc.State(), Policy: s.enc.Policy(), Processed: s.processed,
		Flight: flight, Gallery: d != nil}
	if s.decision != nil {
		d := *s.decision
		snap.Decision = &d
	}
	if p, ok := s.cfg.Recorder.(interface{ Pending() int }); ok {
		snap.Pending = p.Pending()
	}
	return snap
}

// Decide takes img as the traveler's photo (stepping up when the booth is
// ready, or after a refused opt-out) and decides it; box is the face the
// live tracker followed (frame coordinates; empty when unknown), from
// which a TrackedDecider decides, and quality the capture's quality
// summary (JSON, never the image), kept in the record. On an error the
// encounter stays in capture so the officer can retry or go to the manual
// check; the photo is kept only with a decision. The photo for the vault is
// encoded beside the decision, never before it; a photo that cannot be
// encoded does not cost the decision (the encounter is kept without a
// photo). Storage is RecordDecision's, so that the decision can be shown
// first: the photo waits in memory meanwhile, and an encounter that ends
// before RecordDecision runs is recorded whole, photo included, when it
// ends.
func (s *Shift) Decide(ctx context.Context, img image.Image, box image.Rectangle, quality string) (Decision, error) {
	s.mu.Lock()
	_, dec, _ := s.gallery.get()
	if dec == nil {
		s.mu.Unlock()
		return Decision{}, ErrNoDecider // nobody stepped up for a photo that cannot be decided
	}
	if err := usable(dec, s.cfg.Now()); err != nil {
		// The station drops it on this error (expired, logged): it never
		// decides again, nor stays in memory.
		s.mu.Unlock()
		return Decision{}, fmt.Errorf("capture: %w", err)
	}
	if st := s.enc.State(); st == encounter.StateReady || st == encounter.StateOptOutRefused {
		if err := s.enc.StepUp(s.cfg.Now()); err != nil {
			s.mu.Unlock()
			return Decision{}, err
		}
	} else if st != encounter.StateCapturing {
		s.mu.Unlock()
		return Decision{}, E("capture", NotNow, fmt.Errorf("encounter %s", st))
	}
	id := s.id
	captured := s.cfg.Now()
	s.inflight.Add(1) // End waits for it
	defer s.inflight.Done()
	s.mu.Unlock()
	encoded := make(chan []byte, 1)
	go func() {
		photo, err := verify.EncodeJPEG(img)
		if err != nil {
			slog.Warn("capture: photo not encoded; the encounter is kept without it", "err", err)
		}
		encoded <- photo
	}()
	var d Decision
	var err error
	if td, ok := dec.(TrackedDecider); ok && !box.Empty() {
		d, err = td.DecideNear(ctx, img, box)
	} else {
		d, err = dec.Decide(ctx, img)
	}
	photo := <-encoded
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.id != id || s.ended { // the officer moved on, or the shift ended, meanwhile
		clear(photo)
		return Decision{}, fmt.Errorf("capture: %w", encounter.ErrTransition)
	}
	if err != nil {
		clear(photo)
		return Decision{}, E("capture", faceKind(err), err)
	}
	if err := s.enc.Decide(s.cfg.Now(), d.Outcome, d.Subject); err != nil {
		clear(photo)
		return Decision{}, err
	}
	clear(s.photo)
	s.photo, s.captured, s.decision, s.quality = photo, captured, &d, quality
	if d.Outcome == encounter.OutcomeMatch {
		s.category = d.Category
	}
	return d, nil
}

// RecordDecision puts the decided encounter on the record, photo included
// (recordDecision). It does nothing when the encounter is already recorded
// or has ended meanwhile (its end recorded it whole).
func (s *Shift) RecordDecision(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.decision == nil || s.recorded || s.enc.State() != encounter.StateDecided {
		return
	}
	s.recordDecision(ctx)
}

// recordDecision puts the encounter on the record as its decision is shown,
// photo included, so that a workstation that dies now loses nothing; the
// end of the encounter updates the record. When it cannot be recorded now
// the photo is kept and the whole encounter is recorded when it ends.
// Caller holds mu.
func (s *Shift) recordDecision(ctx context.Context) {
	if err := s.cfg.Recorder.RecordEncounter(ctx, s.record(), s.photo); err != nil &&
		!errors.Is(err, retention.ErrPhotoNotStored) {
		return
	}
	s.recorded = true
	clear(s.photo)
	s.photo = nil
}

// OptOut records that the traveler declines the photo and applies the
// policy to what the officer established (or the MRZ gave). When the
// traveler may opt out the encounter goes to the manual check and no photo
// is taken; otherwise the officer tells the traveler the photo is required
// and may capture or route to the manual check. Bad traveler data changes
// nothing.
func (s *Shift) OptOut(ctx context.Context, t encounter.Traveler) (encounter.Decision, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	d, err := s.cfg.Policy.Decide(t, now)
	if err != nil {
		return d, fmt.Errorf("opt-out: %w", err)
	}
	if err := s.enc.RequestOptOut(now); err != nil {
		return d, err
	}
	if err := s.enc.ResolveOptOut(now, d); err != nil {
		return d, err
	}
	s.category, s.ruleset, s.reason = d.Category, d.RuleSet, d.Reason
	if !d.MayOptOut {
		detail, _ := json.Marshal(map[string]any{"allowed": false, "category": d.Category, "rules": d.RuleSet})
		if err := s.cfg.Recorder.Audit(ctx, AuditOptOut, s.officer, s.id, string(detail)); err != nil {
			return d, fmt.Errorf("opt-out: audit: %w", err)
		}
	}
	return d, nil
}

// DecideTraveler applies the policy to a document's facts without changing
// the encounter: the manual check shows it before the officer concludes.
func (s *Shift) DecideTraveler(t encounter.Traveler) (encounter.Decision, error) {
	return s.cfg.Policy.Decide(t, s.cfg.Now())
}

// completeManualCheck ends the manual check as verified or referred and
// records the encounter.
func (s *Shift) completeManualCheck(ctx context.Context, r encounter.ManualResult) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.enc.CompleteManualCheck(s.cfg.Now(), r); err != nil {
		return err
	}
	if r.Policy != nil {
		s.category, s.ruleset, s.reason = r.Policy.Category, r.Policy.RuleSet, r.Policy.Reason
	}
	return s.finish(ctx)
}

// Next moves to the next traveler: a MATCH is cleared and recorded; a
// finished encounter is already recorded; an untouched booth stays as it
// is. A no-match, ambiguous or opt-out encounter, and a MATCH whose
// category contradicts the document (CategoryConflict), needs its manual
// check first (ErrUnfinished).
func (s *Shift) Next(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch st := s.enc.State(); {
	case st == encounter.StateReady:
		return nil
	case st == encounter.StateCapturing && s.decision == nil:
		s.reset() // stepped up, nothing decided: the traveler left
		return nil
	case st == encounter.StateDecided && s.enc.Outcome() == encounter.OutcomeMatch &&
		!CategoryConflict(s.decision, s.enc.Policy()):
		if err := s.enc.Clear(s.cfg.Now()); err != nil {
			return err
		}
		return s.finish(ctx)
	case st == encounter.StateDone:
		s.reset()
		return nil
	}
	return ErrUnfinished
}

// finish records the done encounter (updating the record made at its
// decision) and starts the next. Only what is recorded, or pending for a
// full disk, counts as processed. Caller holds mu.
func (s *Shift) finish(ctx context.Context) error {
	r := s.record()
	err := s.cfg.Recorder.RecordEncounter(ctx, r, s.photo)
	if err == nil || errors.Is(err, retention.ErrPhotoNotStored) {
		s.processed++
	}
	s.reset()
	if err != nil {
		return E("", NotRecorded, err)
	}
	return nil
}

// record builds the row of the done encounter. Caller holds mu.
func (s *Shift) record() Record {
	t := s.enc.Timings()
	flight, _, cal := s.gallery.get()
	r := Record{ID: s.id, Station: s.cfg.Station, OfficerID: s.officer, Flight: flight,
		StartedAt: t.SteppedUp, DecidedAt: t.Decided, ManualAt: t.ManualCheck, DoneAt: t.Done,
		Category: s.category, Result: s.enc.Result(), Referral: s.enc.Referral(),
		Decision: s.enc.TimeToDecision(), RulesetUsed: s.ruleset, ExemptionReason: s.reason}
	if !s.captured.IsZero() {
		r.CapturedAt, r.Quality = s.captured, s.quality
		if s.enc.OptOutRequested() && s.decision != nil && t.Decided.After(s.captured) {
			// A refused opt-out, then the photo: the wait over the opt-out
			// is not time to decision; the clock starts at the capture.
			r.Decision = t.Decided.Sub(s.captured)
		}
	}
	if cal != nil {
		r.Threshold, r.ThresholdCalibrated, r.PoorSeparation = cal.Threshold, cal.Calibrated, cal.PoorSeparation
		r.Engine = cal.Engine
	}
	switch {
	case s.decision != nil:
		r.Outcome = string(s.decision.Outcome)
		if dist := s.decision.Distance; !math.IsInf(dist, 0) && !math.IsNaN(dist) { // +Inf: empty gallery
			r.Distance = &dist
		}
		if s.decision.Outcome == encounter.OutcomeMatch {
			r.TravelerID = s.decision.Subject
		}
	case s.enc.OptOutRequested():
		r.Outcome = OutcomeOptOut
	default:
		r.Outcome = OutcomeNone
	}
	if r.Result == encounter.ResultCleared || r.Result == encounter.ResultVerified {
		r.VerifiedAt = t.Done
		if r.Result == encounter.ResultCleared {
			r.VerifiedAt = t.Decided
		}
	}
	return r
}
