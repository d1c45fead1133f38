// Package transmit is store-and-forward delivery of encounter results to the
// back end: the result message, the background sender that drains the
// outbox over mutual TLS in order, and the reference receiver.
package transmit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"veriport/record"
)

// ErrBadResult means a result message is incomplete or malformed.
var ErrBadResult = errors.New("malformed result message")

// Result is what the back end receives for each finished encounter. It never
// holds a name or a template; Photo is present only in partner mode when
// configured, and is the probe photo sealed to the back end's key
// (SealPhoto).
type Result struct {
	EncounterID string    `json:"encounter_id"`
	Station     string    `json:"station"`
	Officer     string    `json:"officer"`
	Flight      string    `json:"flight"`
	Time        time.Time `json:"time"`
	Outcome     string    `json:"outcome"`
	TravelerID  string    `json:"traveler_id,omitempty"`
	Category    string    `json:"category,omitempty"`
	Distance    *float64  `json:"distance,omitempty"`
	Photo       []byte    `json:"photo,omitempty"`
	// AuditSeq and AuditHash are the booth's audit head when the result was
	// sent (record.AuditHead): the back end keeps a copy off the station, so
	// `audit verify --head SEQ:HASH` can prove nothing was cut off the
	// chain's tail. Absent in messages from older booths.
	AuditSeq  int64  `json:"audit_seq,omitempty"`
	AuditHash string `json:"audit_hash,omitempty"`
}

// Validate reports what is missing or wrong.
func (r *Result) Validate() error {
	switch {
	case uuid.Validate(r.EncounterID) != nil:
		return fmt.Errorf("%w: encounter_id %q is not a UUID", ErrBadResult, r.EncounterID)
	case r.Time.IsZero():
		return fmt.Errorf("%w: time missing", ErrBadResult)
	case r.Outcome == "":
		return fmt.Errorf("%w: outcome missing", ErrBadResult)
	case r.Station == "":
		return fmt.Errorf("%w: station missing", ErrBadResult)
	}
	return nil
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

// Ack is the back end's answer to a delivered result.
type Ack struct {
	EncounterID string    `json:"ack"`
	Duplicate   bool      `json:"duplicate"`
	ReceivedAt  time.Time `json:"received_at"`
}
