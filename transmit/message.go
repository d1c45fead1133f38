// Package transmit is store-and-forward delivery of encounter results to the
// back end: the result message and its schema, and the background sender
// that drains the outbox over mutual TLS in order. The reference receiver
// and its result store are in package backend.
package transmit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"veriport/record"
)

// ErrBadResult means a result message is incomplete or malformed.
var ErrBadResult = errors.New("malformed result message")

// ErrUnknownVersion means a result message names a version this receiver
// does not know: it is refused, never guessed at.
var ErrUnknownVersion = errors.New("unknown result message version")

// Result message versions. A message without "version" is version 1.
const (
	Version1 = 1
	// Version2 adds what terminal shift reports need: when the traveler
	// stepped up, capture and decision times, the final result, the quality
	// summary, the threshold, the manual check, the gallery and the audit
	// head. Still no name, template or photo (the sealed photo of partner
	// mode aside).
	Version2 = 2
	// Version3 adds why an exempt traveler was exempt (exemption_reason)
	// and the rule set the category was decided under (rule_set).
	Version3 = 3
	// Version4 adds the face engine (engine: dlib or sface) that made the
	// distance and whose threshold it was decided against; optional, absent
	// when no gallery was loaded.
	Version4 = 4
	// CurrentVersion is what booths send.
	CurrentVersion = Version4
)

// Final results of an encounter (v2 "final").
const (
	FinalCleared        = "cleared"         // match, no manual check
	FinalReferred       = "referred"        // sent to secondary inspection
	FinalOptedOut       = "opted-out"       // traveler opted out; document check passed
	FinalManualVerified = "manual-verified" // verified at the manual document check
	// FinalInterrupted: the booth stopped (crash, power loss) after the
	// decision and before the encounter ended; its next start-up closed it.
	// The outcome is the decision shown; nobody recorded how it ended.
	FinalInterrupted = "interrupted"
)

// Result is what the back end receives for each finished encounter. It never
// holds a name or a template; Photo is present only in partner mode when
// configured, and is the probe photo sealed to the back end's key
// (SealPhoto). Fields after Photo exist from Version2 on, the exemption
// and rule set from Version3 on, the engine from Version4 on.
type Result struct {
	Version     int       `json:"version,omitempty"` // 0 or 1: version 1
	EncounterID string    `json:"encounter_id"`
	Station     string    `json:"station"`
	Officer     string    `json:"officer"`
	Flight      string    `json:"flight"`
	Time        time.Time `json:"time"` // when the encounter ended
	Outcome     string    `json:"outcome"`
	TravelerID  string    `json:"traveler_id,omitempty"`
	Category    string    `json:"category,omitempty"`
	Distance    *float64  `json:"distance,omitempty"`
	Photo       []byte    `json:"photo,omitempty"`

	StartedAt  time.Time `json:"started_at,omitzero"`  // traveler stepped up
	CapturedAt time.Time `json:"captured_at,omitzero"` // probe photo taken
	DecidedAt  time.Time `json:"decided_at,omitzero"`  // decision shown
	// DecisionMS is the time to decision (stepped up to decision shown).
	DecisionMS *int64 `json:"decision_ms,omitempty"`
	// Final is how the encounter ended (Final* constants).
	Final       string       `json:"final,omitempty"`
	Quality     *Quality     `json:"quality,omitempty"`
	ManualCheck *ManualCheck `json:"manual_check,omitempty"`
	// Threshold is the match distance threshold used; ThresholdCalibrated
	// whether it was calibrated for the flight.
	Threshold           *float64 `json:"threshold,omitempty"`
	ThresholdCalibrated bool     `json:"threshold_calibrated,omitempty"`
	GalleryID           string   `json:"gallery_id,omitempty"`
	GalleryVersion      string   `json:"gallery_version,omitempty"`
	// AuditSeq and AuditHash are the booth's audit-chain head after the
	// encounter was recorded.
	AuditSeq  int64  `json:"audit_seq,omitempty"`
	AuditHash string `json:"audit_hash,omitempty"`

	// ExemptionReason (category exempt) says why the traveler was exempt;
	// RuleSet is the rule set the category was decided under. Version3.
	ExemptionReason string `json:"exemption_reason,omitempty"`
	RuleSet         string `json:"rule_set,omitempty"`

	// Engine is the face engine that made Distance and whose threshold
	// Threshold is (dlib or sface: their distances are on different
	// scales). Version4; absent without a gallery.
	Engine string `json:"engine,omitempty"`
}

// Quality is the capture quality summary: never the image.
type Quality struct {
	Captured bool     `json:"captured"`
	Auto     bool     `json:"auto,omitempty"`
	Score    float64  `json:"score,omitempty"`
	Failed   []string `json:"failed,omitempty"` // mandatory measures that did not pass
}

// ManualCheck is the manual document check of an encounter.
type ManualCheck struct {
	At      time.Time `json:"at"`
	Outcome string    `json:"outcome"`          // verified or referred
	Reason  string    `json:"reason,omitempty"` // referral reason code
}

// Enqueue writes r to the outbox through ex: pass the transaction that
// records the encounter so both land together or neither does.
func Enqueue(ctx context.Context, ex record.Execer, r Result) error {
	if err := r.Validate(); err != nil {
		return err
	}
	photo := r.Photo
	r.Photo = nil // kept in its own column, dropped once acknowledged
	payload, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	return record.Enqueue(ctx, ex, r.EncounterID, payload, photo, r.Time)
}

// FromEncounter is the current-version result message of a recorded
// encounter (without photo, gallery or audit head, which the caller adds
// when it knows them).
func FromEncounter(e record.Encounter) Result {
	r := Result{Version: CurrentVersion, EncounterID: e.ID, Station: e.Station, Officer: e.OfficerID,
		Flight: e.Flight, Time: e.DoneAt, Outcome: e.Outcome, TravelerID: e.TravelerID, Category: e.Category,
		Distance: e.Distance, StartedAt: e.StartedAt, CapturedAt: e.CapturedAt, DecidedAt: e.DecidedAt,
		Final: finalOf(e.Outcome, e.Result), Threshold: e.Threshold, ThresholdCalibrated: e.ThresholdCalibrated,
		ExemptionReason: e.ExemptionReason, RuleSet: e.RuleSet, Engine: e.Engine}
	if e.Category != "exempt" {
		r.ExemptionReason = ""
	}
	if e.DecisionTime > 0 {
		ms := e.DecisionTime.Milliseconds()
		r.DecisionMS = &ms
	}
	if e.Quality != "" {
		var q Quality
		if json.Unmarshal([]byte(e.Quality), &q) == nil {
			r.Quality = &q
		}
	}
	if !e.ManualCheckAt.IsZero() {
		r.ManualCheck = &ManualCheck{At: e.ManualCheckAt, Outcome: e.Result, Reason: e.Referral}
		if e.Result == "cleared" || e.Result == "" || e.Result == FinalInterrupted {
			r.ManualCheck.Outcome = "pending"
		}
	}
	return r
}

// finalOf maps the booth's outcome and result to the message's final result.
func finalOf(outcome, result string) string {
	switch {
	case result == FinalInterrupted: // the booth's result and the final share the word
		return FinalInterrupted
	case result == "referred":
		return FinalReferred
	case outcome == "opt-out":
		return FinalOptedOut
	case result == "cleared":
		return FinalCleared
	default:
		return FinalManualVerified
	}
}

// BoothResult is the booth's own result vocabulary (cleared, verified,
// referred, interrupted) for a message: what the back end stores so that reports read
// it the same way as a booth's store.
func (r *Result) BoothResult() string {
	switch r.Final {
	case FinalCleared:
		return "cleared"
	case FinalReferred:
		return "referred"
	case FinalOptedOut, FinalManualVerified:
		return "verified"
	case FinalInterrupted:
		return "interrupted"
	}
	return ""
}

// Ack is the back end's answer to a delivered result.
type Ack struct {
	EncounterID string    `json:"ack"`
	Duplicate   bool      `json:"duplicate"`
	ReceivedAt  time.Time `json:"received_at"`
}

// Stored is a result as the back end holds it and lists it (GET
// ResultsPath?date=): the message and its place in arrival order.
type Stored struct {
	Result
	Seq        int64     `json:"seq"`
	ReceivedAt time.Time `json:"received_at"`
}
