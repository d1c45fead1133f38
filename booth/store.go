package booth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"veriport/encounter"
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

// RecordEncounter implements Recorder. A record without an end (the
// decision shown) is stored with its photo and audit entries but not yet
// queued; its end updates it and queues the result. An encounter that ends
// without an earlier record (opt-out, manual check only) is stored and
// queued at once.
func (s *StoreRecorder) RecordEncounter(ctx context.Context, r Record, photo []byte) error {
	e := toRecord(r)
	open := r.DoneAt.IsZero()
	var also func(context.Context, *sql.Tx) error
	if s.Outbox && !open {
		sealed, err := s.sealed(ctx, e.ID, r.OfficerID, photo)
		if err != nil {
			return fmt.Errorf("record encounter: %w", err)
		}
		also = func(ctx context.Context, tx *sql.Tx) error {
			res := transmit.FromEncounter(e)
			res.Photo = sealed
			return transmit.Enqueue(ctx, tx, res)
		}
	}
	err := record.ErrNotFound
	if !open {
		err = s.Keeper.FinishEncounter(ctx, &e, also)
	}
	if errors.Is(err, record.ErrNotFound) {
		err = s.Keeper.RecordEncounter(ctx, &e, photo, also)
	}
	if err != nil && !errors.Is(err, retention.ErrPhotoNotStored) {
		return fmt.Errorf("record encounter: %w", err)
	}
	if also != nil && s.Notify != nil {
		s.Notify()
	}
	if err != nil {
		return fmt.Errorf("record encounter: %w", err)
	}
	return nil
}

// sealed is the photo sealed for the back end when configured: the one
// given, or the one stored in the vault at the decision.
func (s *StoreRecorder) sealed(ctx context.Context, id, officer string, photo []byte) ([]byte, error) {
	if s.SealPhoto == nil {
		return nil, nil
	}
	if photo == nil {
		p, err := s.Keeper.Photo(ctx, id, officer, "seal for transmittal to the back end")
		if errors.Is(err, retention.ErrNoPhoto) || errors.Is(err, record.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		defer clear(p)
		photo = p
	}
	return s.SealPhoto(photo)
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
	e := record.Encounter{ID: r.ID, Station: r.Station, OfficerID: r.OfficerID, Flight: r.Flight,
		StartedAt: r.StartedAt, CapturedAt: r.CapturedAt, DecidedAt: r.DecidedAt, VerifiedAt: r.VerifiedAt,
		ManualCheckAt: r.ManualAt, DoneAt: r.DoneAt, TravelerID: r.TravelerID, Category: cat,
		Outcome: r.Outcome, Result: string(r.Result), Referral: string(r.Referral), Distance: r.Distance,
		DecisionTime: r.Decision, Quality: r.Quality, ThresholdCalibrated: r.ThresholdCalibrated,
		PoorSeparation: r.PoorSeparation, RuleSet: r.RulesetUsed, Engine: string(r.Engine)}
	if r.Category == encounter.CategoryExempt {
		e.ExemptionReason = string(r.ExemptionReason)
	}
	if r.Threshold > 0 {
		t := r.Threshold
		e.Threshold = &t
	}
	return e
}
