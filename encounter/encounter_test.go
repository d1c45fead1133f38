package encounter

import (
	"errors"
	"testing"
	"time"
)

// step is one officer action at a second offset from t0.
type step struct {
	at  int // milliseconds after t0
	act func(e *Encounter, now time.Time) error
}

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func stepUp(at int) step {
	return step{at, func(e *Encounter, n time.Time) error { return e.StepUp(n) }}
}
func decide(at int, o Outcome) step {
	return step{at, func(e *Encounter, n time.Time) error { return e.Decide(n, o, "subj-17") }}
}
func optOut(at int) step {
	return step{at, func(e *Encounter, n time.Time) error { return e.RequestOptOut(n) }}
}
func resolve(at int, may bool) step {
	return step{at, func(e *Encounter, n time.Time) error {
		return e.ResolveOptOut(n, Decision{Category: CategoryUSCitizen, MayOptOut: may})
	}}
}
func manual(at int) step {
	return step{at, func(e *Encounter, n time.Time) error { return e.BeginManualCheck(n) }}
}
func clear(at int) step { return step{at, func(e *Encounter, n time.Time) error { return e.Clear(n) }} }
func complete(at int, r ManualResult) step {
	return step{at, func(e *Encounter, n time.Time) error { return e.CompleteManualCheck(n, r) }}
}

var (
	verified = ManualResult{Verified: true, Attested: true}
	referred = ManualResult{Referral: ReferDocumentMismatch}
)

func TestEncounterFlows(t *testing.T) {
	cases := []struct {
		name     string
		steps    []step
		result   Result
		referral ReferralCode
		toDecide time.Duration
		manual   bool
	}{
		{"match cleared", []step{stepUp(0), decide(850, OutcomeMatch), clear(2000)},
			ResultCleared, "", 850 * time.Millisecond, false},
		{"match, officer checks anyway", []step{stepUp(0), decide(700, OutcomeMatch), manual(900), complete(5000, verified)},
			ResultVerified, "", 700 * time.Millisecond, true},
		{"no match -> manual check verified", []step{stepUp(0), decide(1200, OutcomeNoMatch), manual(1500), complete(30000, verified)},
			ResultVerified, "", 1200 * time.Millisecond, true},
		{"ambiguous -> manual check referred", []step{stepUp(0), decide(900, OutcomeAmbiguous), manual(1000), complete(40000, referred)},
			ResultReferred, ReferDocumentMismatch, 900 * time.Millisecond, true},
		{"opt-out allowed", []step{optOut(0), resolve(3000, true), complete(20000, verified)},
			ResultVerified, "", 3 * time.Second, true},
		{"opt-out after stepping up", []step{stepUp(0), optOut(400), resolve(1000, true), complete(9000, verified)},
			ResultVerified, "", time.Second, true},
		{"opt-out refused, traveler takes the photo", []step{optOut(0), resolve(2000, false), stepUp(5000), decide(5600, OutcomeMatch), clear(6000)},
			ResultCleared, "", 5600 * time.Millisecond, false},
		{"opt-out refused, officer routes to manual check", []step{optOut(0), resolve(2000, false), manual(4000),
			complete(60000, ManualResult{Referral: ReferPhotoRefused})},
			ResultReferred, ReferPhotoRefused, 2 * time.Second, true},
		{"camera down: manual check from ready", []step{manual(0), complete(10000, verified)},
			ResultVerified, "", 0, true},
		{"capture fails: manual check while capturing", []step{stepUp(0), manual(8000), complete(20000, verified)},
			ResultVerified, "", 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := New()
			for i, s := range c.steps {
				if err := s.act(e, t0.Add(time.Duration(s.at)*time.Millisecond)); err != nil {
					t.Fatalf("step %d: %v", i+1, err)
				}
			}
			if e.State() != StateDone || e.Result() != c.result || e.Referral() != c.referral {
				t.Errorf("ended %s/%s/%s, want done/%s/%s", e.State(), e.Result(), e.Referral(), c.result, c.referral)
			}
			if got := e.TimeToDecision(); got != c.toDecide {
				t.Errorf("time to decision %v, want %v", got, c.toDecide)
			}
			tm := e.Timings()
			if !tm.SteppedUp.Equal(t0) || tm.Done.IsZero() || tm.ManualCheck.IsZero() == c.manual {
				t.Errorf("timings %+v", tm)
			}
		})
	}
}

func TestEncounterInvalidTransitions(t *testing.T) {
	cases := []struct {
		name  string
		setup []step
		bad   step
		err   error
	}{
		{"decide before stepping up", nil, decide(0, OutcomeMatch), ErrTransition},
		{"clear before a decision", []step{stepUp(0)}, clear(1), ErrTransition},
		{"clear a no-match", []step{stepUp(0), decide(1, OutcomeNoMatch)}, clear(2), ErrTransition},
		{"clear an ambiguous", []step{stepUp(0), decide(1, OutcomeAmbiguous)}, clear(2), ErrTransition},
		{"decide twice", []step{stepUp(0), decide(1, OutcomeMatch)}, decide(2, OutcomeNoMatch), ErrTransition},
		{"unknown outcome", []step{stepUp(0)}, decide(1, "maybe"), ErrOutcome},
		{"opt-out after the decision", []step{stepUp(0), decide(1, OutcomeNoMatch)}, optOut(2), ErrTransition},
		{"capture during opt-out request", []step{optOut(0)}, stepUp(1), ErrTransition},
		{"capture after allowed opt-out", []step{optOut(0), resolve(1, true)}, stepUp(2), ErrTransition},
		{"resolve without a request", []step{stepUp(0)}, resolve(1, true), ErrTransition},
		{"complete without a manual check", []step{stepUp(0), decide(1, OutcomeNoMatch)}, complete(2, verified), ErrTransition},
		{"verified without attestation", []step{manual(0)}, complete(1, ManualResult{Verified: true}), ErrNotAttested},
		{"referred without a code", []step{manual(0)}, complete(1, ManualResult{}), ErrReferral},
		{"referred with an unknown code", []step{manual(0)}, complete(1, ManualResult{Referral: "looks-odd"}), ErrReferral},
		{"anything after done", []step{stepUp(0), decide(1, OutcomeMatch), clear(2)}, manual(3), ErrTransition},
		{"step up after done", []step{stepUp(0), decide(1, OutcomeMatch), clear(2)}, stepUp(3), ErrTransition},
		{"clock going backwards", []step{stepUp(100)}, decide(50, OutcomeMatch), ErrClockRewound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := New()
			for i, s := range c.setup {
				if err := s.act(e, t0.Add(time.Duration(s.at)*time.Millisecond)); err != nil {
					t.Fatalf("setup step %d: %v", i+1, err)
				}
			}
			before := *e
			err := c.bad.act(e, t0.Add(time.Duration(c.bad.at)*time.Millisecond))
			if !errors.Is(err, c.err) {
				t.Fatalf("error %v, want %v", err, c.err)
			}
			if e.State() != before.State() || e.Result() != before.Result() || e.Timings() != before.Timings() {
				t.Errorf("a refused action changed the encounter: %s -> %s", before.State(), e.State())
			}
		})
	}
}

func TestEncounterKeepsPolicyAndSubject(t *testing.T) {
	e := New()
	_ = e.RequestOptOut(t0)
	if err := e.ResolveOptOut(t0.Add(time.Second), Decision{Category: CategoryInScope}); err != nil {
		t.Fatal(err)
	}
	if e.State() != StateOptOutRefused || e.Policy().Category != CategoryInScope || !e.OptOutRequested() {
		t.Fatalf("refused opt-out not kept: %s %+v", e.State(), e.Policy())
	}
	_ = e.BeginManualCheck(t0.Add(2 * time.Second))
	later := &Decision{Category: CategoryExempt, Reason: ReasonOlderThan, MayOptOut: true}
	if err := e.CompleteManualCheck(t0.Add(time.Minute), ManualResult{Verified: true, Attested: true, Policy: later}); err != nil {
		t.Fatal(err)
	}
	later.Category = CategoryLPR
	if e.Policy().Category != CategoryExempt {
		t.Error("policy from the document not kept, or kept by reference")
	}

	m := New()
	_ = m.StepUp(t0)
	_ = m.Decide(t0.Add(time.Second), OutcomeMatch, "subj-9")
	if m.Subject() != "subj-9" || m.Outcome() != OutcomeMatch {
		t.Errorf("decision not kept: %q %q", m.Subject(), m.Outcome())
	}
}

func TestReferralCodesAreValid(t *testing.T) {
	for _, r := range ReferralCodes {
		if !r.Code.Valid() || r.Label == "" {
			t.Errorf("%q", r.Code)
		}
	}
	if ReferralCode("").Valid() {
		t.Error("empty code valid")
	}
}
