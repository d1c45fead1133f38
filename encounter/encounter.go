package encounter

import (
	"errors"
	"fmt"
	"time"
)

// State is where an encounter stands.
type State string

// The encounter states, in the order an officer usually meets them.
const (
	StateReady           State = "ready"             // booth free, nobody stepped up
	StateCapturing       State = "capturing"         // traveler in front of the camera
	StateDecided         State = "decided"           // the biometric decision is in
	StateOptOutRequested State = "opt-out-requested" // traveler declines the photo
	StateOptOutRefused   State = "opt-out-refused"   // the rules require the photo
	StateManualCheck     State = "manual-check"      // officer checks the document by hand
	StateDone            State = "done"              // finished: record it, then the next traveler
)

// Outcome is the biometric decision; its values equal verify.Outcome's so
// the UI converts with Outcome(decision.Outcome).
type Outcome string

// The biometric outcomes.
const (
	OutcomeMatch     Outcome = "match"
	OutcomeNoMatch   Outcome = "no-match"
	OutcomeAmbiguous Outcome = "ambiguous"
)

// Result is how an encounter ended.
type Result string

// The final results.
const (
	ResultCleared  Result = "cleared"  // biometric match, no manual check
	ResultVerified Result = "verified" // manual check: the document belongs to the holder
	ResultReferred Result = "referred" // manual check: sent on, with a reason code
	// ResultInterrupted: the workstation stopped (crash, power loss) after
	// the decision and before the encounter ended; the next start-up closes
	// it so, keeping its outcome, and sends its result.
	ResultInterrupted Result = "interrupted"
)

// ReferralCode is why a manual check referred the traveler: a fixed list.
type ReferralCode string

// The referral reasons an officer may pick.
const (
	ReferDocumentMismatch ReferralCode = "document-mismatch" // document does not belong to the holder
	ReferDocumentInvalid  ReferralCode = "document-invalid"  // check digits, damage or tampering
	ReferDocumentExpired  ReferralCode = "document-expired"
	ReferNotOnManifest    ReferralCode = "not-on-manifest"
	ReferPhotoRefused     ReferralCode = "photo-refused" // in-scope traveler declined the required photo
	ReferOfficerJudgement ReferralCode = "officer-judgement"
)

// ReferralCodes lists the codes with the label an officer reads, in menu order.
var ReferralCodes = []struct {
	Code  ReferralCode
	Label string
}{
	{ReferDocumentMismatch, "Document does not belong to the holder"},
	{ReferDocumentInvalid, "Document invalid or damaged"},
	{ReferDocumentExpired, "Document expired"},
	{ReferNotOnManifest, "Not on the flight manifest"},
	{ReferPhotoRefused, "Required photo refused"},
	{ReferOfficerJudgement, "Officer's judgement"},
}

// Valid reports whether c is on the fixed list.
func (c ReferralCode) Valid() bool {
	for _, r := range ReferralCodes {
		if r.Code == c {
			return true
		}
	}
	return false
}

// Sentinel errors of the state machine.
var (
	ErrTransition   = errors.New("not allowed in this state")
	ErrReferral     = errors.New("referral needs a reason code from the list")
	ErrNotAttested  = errors.New("verified needs the officer's attestation that the document belongs to the holder")
	ErrOutcome      = errors.New("unknown biometric outcome")
	ErrClockRewound = errors.New("time went backwards")
)

// Encounter is one traveler at the booth, from stepping up to done. It holds
// no name, document number or photo: only what the record keeps. The zero
// value is not ready: use New.
type Encounter struct {
	state      State
	outcome    Outcome   // biometric decision, if any
	subject    string    // gallery subject id on a decision (not a name)
	optOut     bool      // the traveler asked to opt out
	policy     *Decision // the policy's answer, once known
	result     Result
	referral   ReferralCode
	steppedUp  time.Time
	decidedAt  time.Time
	manualFrom time.Time
	doneAt     time.Time
	last       time.Time
}

// New returns an encounter in StateReady.
func New() *Encounter { return &Encounter{state: StateReady} }

// State is the current state.
func (e *Encounter) State() State { return e.state }

// Outcome is the biometric decision ("" when none was made).
func (e *Encounter) Outcome() Outcome { return e.outcome }

// Subject is the matched gallery subject id, on a decision.
func (e *Encounter) Subject() string { return e.subject }

// OptOutRequested reports whether the traveler asked to opt out.
func (e *Encounter) OptOutRequested() bool { return e.optOut }

// Policy is the policy decision recorded for this traveler, or nil.
func (e *Encounter) Policy() *Decision { return e.policy }

// Result is how the encounter ended ("" until done).
func (e *Encounter) Result() Result { return e.result }

// Referral is the reason code of a referral.
func (e *Encounter) Referral() ReferralCode { return e.referral }

// Timings are the moments the record keeps.
type Timings struct {
	SteppedUp   time.Time // traveler stepped up (capture or opt-out began)
	Decided     time.Time // biometric decision or opt-out resolution
	ManualCheck time.Time // manual check began; zero if none
	Done        time.Time
}

// Timings returns the recorded moments.
func (e *Encounter) Timings() Timings {
	return Timings{SteppedUp: e.steppedUp, Decided: e.decidedAt, ManualCheck: e.manualFrom, Done: e.doneAt}
}

// TimeToDecision is the time from stepping up to the decision (biometric or
// opt-out); zero until there is one.
func (e *Encounter) TimeToDecision() time.Duration {
	if e.decidedAt.IsZero() {
		return 0
	}
	return e.decidedAt.Sub(e.steppedUp)
}

// move checks the transition and the clock, then records now.
func (e *Encounter) move(action string, now time.Time, from ...State) error {
	allowed := false
	for _, s := range from {
		allowed = allowed || e.state == s
	}
	if !allowed {
		return fmt.Errorf("%s: %w (state %s)", action, ErrTransition, e.state)
	}
	if now.Before(e.last) {
		return fmt.Errorf("%s: %w", action, ErrClockRewound)
	}
	e.last = now
	if e.steppedUp.IsZero() {
		e.steppedUp = now
	}
	return nil
}

// StepUp starts the capture: from ready, or after a refused opt-out when the
// traveler agrees to the photo.
func (e *Encounter) StepUp(now time.Time) error {
	if err := e.move("step up", now, StateReady, StateOptOutRefused); err != nil {
		return err
	}
	e.state = StateCapturing
	return nil
}

// Decide records the biometric decision for the probe.
func (e *Encounter) Decide(now time.Time, o Outcome, subject string) error {
	switch o {
	case OutcomeMatch, OutcomeNoMatch, OutcomeAmbiguous:
	default:
		return fmt.Errorf("decide %q: %w", o, ErrOutcome)
	}
	if err := e.move("decide", now, StateCapturing); err != nil {
		return err
	}
	e.state, e.outcome, e.subject, e.decidedAt = StateDecided, o, subject, now
	return nil
}

// RequestOptOut records that the traveler declines the photo, before any
// decision. No photo may be taken from here on unless StepUp follows a refusal.
func (e *Encounter) RequestOptOut(now time.Time) error {
	if err := e.move("opt out", now, StateReady, StateCapturing); err != nil {
		return err
	}
	e.state, e.optOut = StateOptOutRequested, true
	return nil
}

// ResolveOptOut applies the policy's answer: allowed goes to the manual
// check; refused tells the traveler the photo is required.
func (e *Encounter) ResolveOptOut(now time.Time, d Decision) error {
	if err := e.move("resolve opt-out", now, StateOptOutRequested); err != nil {
		return err
	}
	e.policy, e.decidedAt = &d, now
	if d.MayOptOut {
		e.state, e.manualFrom = StateManualCheck, now
		return nil
	}
	e.state = StateOptOutRefused
	return nil
}

// BeginManualCheck routes to the manual document check. Capture never blocks
// it: allowed from ready (camera down), capturing, any decision, and a
// refused opt-out.
func (e *Encounter) BeginManualCheck(now time.Time) error {
	if err := e.move("manual check", now, StateReady, StateCapturing, StateDecided, StateOptOutRefused); err != nil {
		return err
	}
	e.state, e.manualFrom = StateManualCheck, now
	return nil
}

// Clear finishes a MATCH without a manual check.
func (e *Encounter) Clear(now time.Time) error {
	if e.state == StateDecided && e.outcome != OutcomeMatch {
		return fmt.Errorf("clear after %s: %w (a manual check is needed)", e.outcome, ErrTransition)
	}
	if err := e.move("clear", now, StateDecided); err != nil {
		return err
	}
	e.state, e.result, e.doneAt = StateDone, ResultCleared, now
	return nil
}

// ManualResult is the officer's conclusion of a manual document check.
type ManualResult struct {
	Verified bool         // the document belongs to the holder
	Attested bool         // the officer attests it (required for Verified)
	Referral ReferralCode // required when not Verified
	Policy   *Decision    // the policy decision from the document, if made
}

// CompleteManualCheck ends the manual check as verified or referred.
func (e *Encounter) CompleteManualCheck(now time.Time, r ManualResult) error {
	if e.state == StateManualCheck {
		switch {
		case r.Verified && !r.Attested:
			return fmt.Errorf("complete manual check: %w", ErrNotAttested)
		case !r.Verified && !r.Referral.Valid():
			return fmt.Errorf("complete manual check (%q): %w", r.Referral, ErrReferral)
		}
	}
	if err := e.move("complete manual check", now, StateManualCheck); err != nil {
		return err
	}
	e.state, e.doneAt, e.result = StateDone, now, ResultReferred
	if r.Verified {
		e.result = ResultVerified
	} else {
		e.referral = r.Referral
	}
	if r.Policy != nil {
		p := *r.Policy
		e.policy = &p
	}
	return nil
}
