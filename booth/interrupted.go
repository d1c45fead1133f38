package booth

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"veriport/encounter"
	"veriport/record"
	"veriport/transmit"
)

// CloseInterrupted closes every encounter a crash left open: recorded when
// its decision was shown, never ended (the workstation died before Next or
// the end of the manual check). Each keeps its outcome and photo, ends as
// encounter.ResultInterrupted at now, gets an audit entry and, with Outbox,
// its result queued for the back end, in one transaction per encounter.
// The workstation calls it at start-up, before any officer logs in and
// holding the data folder's workstation lock, so that no encounter of a
// running booth is mistaken for a crashed one. It returns how many it
// closed; one that cannot be closed now (a full disk) stays open for the
// next start-up and is in the error.
func (s *StoreRecorder) CloseInterrupted(ctx context.Context, now time.Time) (int, error) {
	ids, err := record.OpenEncounterIDs(ctx, s.Store.DB)
	if err != nil {
		return 0, fmt.Errorf("close interrupted encounters: %w", err)
	}
	closed := 0
	var errs []error
	for _, id := range ids {
		if err := s.closeInterrupted(ctx, id, now); err != nil {
			errs = append(errs, err)
			continue
		}
		closed++
	}
	if closed > 0 && s.Outbox && s.Notify != nil {
		s.Notify()
	}
	return closed, errors.Join(errs...)
}

func (s *StoreRecorder) closeInterrupted(ctx context.Context, id string, now time.Time) error {
	e, err := record.GetEncounter(ctx, s.Store.DB, id)
	if err != nil {
		return fmt.Errorf("close interrupted encounter: %w", err)
	}
	closedAt := now.UTC()
	for _, t := range []time.Time{e.StartedAt, e.CapturedAt, e.DecidedAt, e.ManualCheckAt} {
		if t.After(closedAt) { // a clock set back since: never end before it began
			closedAt = t
		}
	}
	e.DoneAt, e.Result = closedAt, string(encounter.ResultInterrupted)
	var sealed []byte
	if s.Outbox {
		if sealed, err = s.sealed(ctx, id, "system", nil); err != nil {
			return fmt.Errorf("close interrupted encounter %s: %w", id, err)
		}
	}
	detail, _ := json.Marshal(map[string]string{"outcome": e.Outcome, "officer": e.OfficerID,
		"flight": e.Flight, "decided_at": record.FormatTime(e.DecidedAt),
		"reason": "workstation stopped before the encounter ended"})
	also := func(ctx context.Context, tx *sql.Tx) error {
		if _, err := record.AppendAudit(ctx, tx, record.AuditEvent{At: now, Kind: record.AuditInterrupted,
			Actor: "system", Subject: id, Detail: string(detail)}); err != nil {
			return err
		}
		if !s.Outbox {
			return nil
		}
		res := transmit.FromEncounter(e)
		res.Photo = sealed
		return transmit.Enqueue(ctx, tx, res)
	}
	if err := s.Keeper.FinishEncounter(ctx, &e, also); err != nil {
		return fmt.Errorf("close interrupted encounter: %w", err)
	}
	return nil
}
