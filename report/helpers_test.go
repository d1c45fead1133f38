package report

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"veriport/record"
)

// shiftStart..shiftEnd is the known-answer shift: 8 hours.
var (
	shiftStart = time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	shiftEnd   = shiftStart.Add(8 * time.Hour)
)

func at(h, m int) time.Time { return time.Date(2026, 3, 1, h, m, 0, 0, time.UTC) }

func openStore(t testing.TB) *record.Store {
	t.Helper()
	s, err := record.Open(context.Background(), filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// known is one encounter of the known-answer shift.
type known struct {
	h, m      int
	station   string
	officer   string
	outcome   string
	result    string
	ms        int64 // time to decision; 0: none
	manual    bool
	quality   string
	photo     string // photo_state; "" is none
	deadline  time.Time
	purgedAt  time.Time
	travelerI string
}

// knownShift is the data set whose figures the tests assert by hand.
var knownShift = []known{
	{h: 6, m: 10, outcome: "match", result: "cleared", ms: 2000, photo: record.PhotoStored, deadline: at(7, 0)}, // overdue
	{h: 6, m: 40, outcome: "match", result: "cleared", ms: 3000, photo: record.PhotoPurged, deadline: at(8, 0), purgedAt: at(8, 1)},
	{h: 7, m: 5, outcome: "match", result: "cleared", ms: 4000},
	{h: 7, m: 30, outcome: "match", result: "referred", ms: 5000, manual: true},   // possible false match
	{h: 8, m: 0, outcome: "no-match", result: "verified", ms: 6000, manual: true}, // false non-match
	{h: 8, m: 30, outcome: "no-match", result: "referred", ms: 7000, manual: true},
	{h: 9, m: 0, outcome: "ambiguous", result: "verified", ms: 8000, manual: true}, // false non-match
	{h: 9, m: 20, outcome: "opt-out", result: "verified", manual: true},
	{h: 10, m: 0, outcome: "none", result: "verified", manual: true, quality: `{"captured":false,"failed":["sharpness","yaw"]}`},
	{h: 10, m: 10, outcome: "none", result: "referred", manual: true, quality: `{"captured":false,"failed":["sharpness"]}`},
	{h: 10, m: 20, outcome: "none", result: "verified", manual: true},
	{h: 11, m: 0, station: "booth-2", officer: "o.b", outcome: "match", result: "cleared", ms: 1000},
	// outside the range
	{h: 5, m: 59, outcome: "match", result: "cleared", ms: 9000},
	{h: 14, m: 0, outcome: "no-match", result: "verified", ms: 9000, manual: true},
}

// fillKnown writes knownShift, its purge log, audit entries and outbox.
func fillKnown(t *testing.T, s *record.Store) {
	t.Helper()
	ctx := context.Background()
	for _, id := range []string{"o.a", "o.b"} {
		if err := record.InsertOfficer(ctx, s.DB, record.Officer{ID: id, Name: "Officer " + id, Role: "officer"}); err != nil {
			t.Fatal(err)
		}
	}
	for i, k := range knownShift {
		start := at(k.h, k.m)
		e := record.Encounter{Station: "booth-1", OfficerID: "o.a", Flight: "VP1", StartedAt: start,
			Category: "in-scope", Outcome: k.outcome, Result: k.result, Quality: k.quality,
			PhotoState: k.photo, PurgeDeadline: k.deadline, PurgedAt: k.purgedAt}
		if k.station != "" {
			e.Station, e.OfficerID, e.Flight = k.station, k.officer, "VP2"
		}
		if k.ms > 0 {
			d := time.Duration(k.ms) * time.Millisecond
			e.CapturedAt, e.DecidedAt, e.DecisionTime = start.Add(d/2), start.Add(d), d
			dist := 0.1 * float64(i+1)
			e.Distance = &dist
		}
		if k.manual {
			e.ManualCheckAt = start.Add(20 * time.Second)
		}
		e.DoneAt = start.Add(time.Minute)
		if k.outcome == "match" {
			e.TravelerID = "T1"
		}
		if err := record.InsertEncounter(ctx, s.DB, &e); err != nil {
			t.Fatal(err)
		}
		if k.photo == record.PhotoPurged {
			if err := record.InsertPurge(ctx, s.DB, record.PurgeEntry{Kind: record.PurgeKindPhoto, SubjectID: e.ID,
				Deadline: k.deadline, PurgedAt: k.purgedAt, Method: record.MethodVaultDelete, Result: record.ResultDeleted}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, a := range []time.Time{at(5, 0), at(6, 5), at(12, 0)} {
		if err := s.Audit(ctx, record.AuditEvent{At: a, Kind: record.AuditLogin, Actor: "o.a"}); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range []time.Time{at(13, 0), at(13, 40), at(13, 55)} {
		if err := record.Enqueue(ctx, s.DB, "enc-"+string(rune('a'+i)), []byte("{}"), nil, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MarkDelivered(ctx, 1, "ack", at(13, 1)); err != nil {
		t.Fatal(err)
	}
}
