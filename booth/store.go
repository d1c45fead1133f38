package booth

import (
	"context"
	"database/sql"
	"fmt"

	"veriport/record"
	"veriport/retention"
	"veriport/transmit"
)

// StoreRecorder records encounters in the record store through the
// retention keeper (encounter row, audit entries, photo to the vault with
// its deadline) and queues each result for transmittal in the same
// transaction.
type StoreRecorder struct {
	Store  *record.Store
	Keeper *retention.Keeper
	// Outbox queues the result for the back end with the encounter.
	Outbox bool
	// Notify, when set, is called after a result was queued (it wakes the
	// sender so the result goes out at once).
	Notify func()
	// SealPhoto, when set (partner mode with transmit.include_photo), seals
	// the probe photo to the back end's key to go with the result.
	SealPhoto func(photo []byte) ([]byte, error)
}

var _ Recorder = (*StoreRecorder)(nil)

// RecordEncounter implements Recorder.
func (s *StoreRecorder) RecordEncounter(ctx context.Context, r Record, photo []byte) error {
	e := toRecord(r)
	var also func(context.Context, *sql.Tx) error
	if s.Outbox {
		var sealed []byte
		if s.SealPhoto != nil && photo != nil {
			var err error
			if sealed, err = s.SealPhoto(photo); err != nil {
				return fmt.Errorf("record encounter: %w", err)
			}
		}
		also = func(ctx context.Context, tx *sql.Tx) error {
			res := transmit.FromEncounter(e)
			res.Photo = sealed
			return transmit.Enqueue(ctx, tx, res)
		}
	}
	if err := s.Keeper.RecordEncounter(ctx, &e, photo, also); err != nil {
		return fmt.Errorf("record encounter: %w", err)
	}
	if s.Outbox && s.Notify != nil {
		s.Notify()
	}
	return nil
}

// Audit implements Recorder.
func (s *StoreRecorder) Audit(ctx context.Context, kind, actor, subject, detail string) error {
	return s.Store.Audit(ctx, record.AuditEvent{Kind: kind, Actor: actor, Subject: subject, Detail: detail})
}

// toRecord maps a booth record to the store's row.
func toRecord(r Record) record.Encounter {
	cat := string(r.Category)
	if cat == "" {
		cat = "unknown"
	}
	return record.Encounter{ID: r.ID, Station: r.Station, OfficerID: r.OfficerID, Flight: r.Flight,
		StartedAt: r.StartedAt, CapturedAt: r.CapturedAt, DecidedAt: r.DecidedAt, VerifiedAt: r.VerifiedAt,
		ManualCheckAt: r.ManualAt, DoneAt: r.DoneAt, TravelerID: r.TravelerID, Category: cat,
		Outcome: r.Outcome, Result: string(r.Result), Referral: string(r.Referral), Distance: r.Distance,
		DecisionTime: r.Decision, Quality: r.Quality}
}
