package booth

import (
	"context"
	"slices"
	"sync"
	"time"

	"veriport/encounter"
	"veriport/verify"
)

// Audit event kinds the shift writes itself; the encounter's own events
// (capture, match, manual check, opt-out) are written by the Recorder with
// the encounter, in the same transaction.
const (
	AuditLogin  = "login"
	AuditLogout = "logout"
	AuditOptOut = "opt-out"
	// AuditCapture is written by the shift only for a capture left
	// undecided when the shift ended (logout, quit).
	AuditCapture = "capture"
)

// OutcomeOptOut is the record's outcome for a traveler who opted out: no
// photo, no biometric decision.
const OutcomeOptOut = "opt-out"

// OutcomeNone is the record's outcome when the officer went straight to the
// manual check (camera down, traveler unable to stand for the photo).
const OutcomeNone = "none"

// Record is one finished encounter as the record store keeps it: no name,
// document number or photo (the photo travels separately to the vault).
type Record struct {
	ID          string // UUID; names the photo in the vault
	Station     string
	OfficerID   string
	Flight      string
	StartedAt   time.Time // traveler steps up
	CapturedAt  time.Time // probe photo taken; zero without a photo
	DecidedAt   time.Time // biometric decision or opt-out resolution
	VerifiedAt  time.Time // identity verified (match, or manual check verified)
	ManualAt    time.Time // manual check began
	DoneAt      time.Time
	TravelerID  string             // matched gallery subject, "" without a match
	Category    encounter.Category // "" when unknown
	Outcome     string             // match, no-match, ambiguous, opt-out or none
	Result      encounter.Result
	Referral    encounter.ReferralCode
	Distance    *float64      // on a biometric decision
	Decision    time.Duration // traveler steps up -> decision
	Quality     string        // capture quality summary (JSON), never the image
	RulesetUsed string        // exemption rule set of the policy decision, if any
	// ExemptionReason is why the policy found the traveler exempt (""
	// unless the category is exempt).
	ExemptionReason encounter.Reason
	// Threshold is the decision threshold of the flight's gallery (0 with
	// no gallery loaded); ThresholdCalibrated says it was calibrated for
	// that gallery, PoorSeparation that the fairness warning was raised.
	Threshold           float64
	ThresholdCalibrated bool
	PoorSeparation      bool
	// Engine is the face engine of the flight's gallery: the one that made
	// Distance and whose threshold Threshold is ("" with no gallery).
	Engine verify.EngineName
}

// Recorder keeps encounters, their photos and audit entries. The retention
// keeper implements it for the workstation; MemoryRecorder for tests.
type Recorder interface {
	// RecordEncounter stores r and, when photo is not nil, the photo (JPEG)
	// in the vault with its retention deadline, with the encounter's audit
	// entries. The caller wipes photo afterwards. The shift calls it when a
	// decision is shown (r.DoneAt zero: the encounter is still open) and
	// again when the encounter ends (r.DoneAt set, photo nil when it was
	// stored at the decision): the second call updates the same record and
	// queues the result for the back end.
	RecordEncounter(ctx context.Context, r Record, photo []byte) error
	// Audit appends one entry to the audit chain.
	Audit(ctx context.Context, kind, actor, subject, detail string) error
}

// AuditEntry is one audit call a MemoryRecorder saw.
type AuditEntry struct{ Kind, Actor, Subject, Detail string }

// MemoryRecorder keeps records in memory: for tests and for a workstation
// run without a record store.
type MemoryRecorder struct {
	mu      sync.Mutex
	records []Record
	photos  map[string]int // photo sizes by encounter id (the bytes are not kept)
	audits  []AuditEntry
}

var _ Recorder = (*MemoryRecorder)(nil)

// RecordEncounter implements Recorder.
func (m *MemoryRecorder) RecordEncounter(_ context.Context, r Record, photo []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.photos == nil {
		m.photos = map[string]int{}
	}
	if i := slices.IndexFunc(m.records, func(o Record) bool { return o.ID == r.ID }); i >= 0 {
		m.records[i] = r // the end of an encounter recorded at its decision
	} else {
		m.records = append(m.records, r)
	}
	if photo != nil {
		m.photos[r.ID] = len(photo)
	}
	return nil
}

// Audit implements Recorder.
func (m *MemoryRecorder) Audit(_ context.Context, kind, actor, subject, detail string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.audits = append(m.audits, AuditEntry{kind, actor, subject, detail})
	return nil
}

// Records returns a copy of the recorded encounters in order.
func (m *MemoryRecorder) Records() []Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Record(nil), m.records...)
}

// PhotoSize is the size of the photo recorded with an encounter; 0 if none.
func (m *MemoryRecorder) PhotoSize(id string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.photos[id]
}

// Audits returns a copy of the audit calls in order.
func (m *MemoryRecorder) Audits() []AuditEntry {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]AuditEntry(nil), m.audits...)
}
