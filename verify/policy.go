package verify

import (
	"encoding/json"
	"math"
)

// Outcome is the result of a 1:N decision.
type Outcome string

// Outcomes of Policy.Decide. Anything but a match goes to a manual document
// check.
const (
	OutcomeMatch     Outcome = "match"
	OutcomeNoMatch   Outcome = "no-match"
	OutcomeAmbiguous Outcome = "ambiguous"
)

// Policy turns search hits into a decision. Threshold is the largest plain
// Euclidean distance accepted; Margin is the least gap between the best and
// the second-best subject for a MATCH. Linked maps each traveler of a
// near-identical pair (GalleryCalibration.LinkedTravelers) to the other: a
// MATCH on either is AMBIGUOUS, the document tells them apart.
type Policy struct {
	Threshold float64
	Margin    float64
	Linked    map[string]string
}

// Decision is a policy's verdict on one search. Subject is the best subject
// for a match or an ambiguous result, empty for a no-match. Distance is the
// best subject's distance (+Inf with no hits). Margin is the second-best
// distance minus the best; +Inf when there is no second subject.
type Decision struct {
	Outcome  Outcome
	Subject  string
	Distance float64
	Margin   float64
	// Linked is the other traveler of Subject's near-identical pair (the
	// decision is then AMBIGUOUS; "" otherwise).
	Linked string
}

// Decide applies the policy to hits sorted ascending (as Index.Search
// returns them): MATCH when the best distance <= Threshold and the margin to
// the second subject >= Margin, unless the subject is linked; AMBIGUOUS
// when <= Threshold with a smaller margin or a linked subject; NO MATCH
// otherwise.
func (p Policy) Decide(hits []Hit) Decision {
	d := Decision{Outcome: OutcomeNoMatch, Distance: math.Inf(1), Margin: math.Inf(1)}
	if len(hits) == 0 {
		return d
	}
	d.Distance = hits[0].Distance
	if len(hits) > 1 {
		d.Margin = hits[1].Distance - hits[0].Distance
	}
	switch {
	case !(d.Distance <= p.Threshold):
		// NaN distances fall here too: never a match.
	case p.Linked[hits[0].Subject] != "":
		d.Outcome, d.Subject, d.Linked = OutcomeAmbiguous, hits[0].Subject, p.Linked[hits[0].Subject]
	case d.Margin >= p.Margin:
		d.Outcome, d.Subject = OutcomeMatch, hits[0].Subject
	default:
		d.Outcome, d.Subject = OutcomeAmbiguous, hits[0].Subject
	}
	return d
}

// MarshalJSON writes the decision with lower-case keys; an infinite distance
// or margin (no hit, no second subject) is written as null.
func (d Decision) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Outcome  Outcome  `json:"decision"`
		Subject  string   `json:"subject"`
		Distance *float64 `json:"distance"`
		Margin   *float64 `json:"margin"`
	}{d.Outcome, d.Subject, Finite(d.Distance), Finite(d.Margin)})
}

// Finite returns &v, or nil when v is infinite or NaN (JSON has no Inf).
func Finite(v float64) *float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil
	}
	return &v
}
