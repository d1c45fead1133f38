package transmit_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"veriport/record"
	"veriport/retention"
	"veriport/transmit"
)

// In a partner deployment the probe photo is purged as soon as the back end
// acknowledges the result, and not before.
func TestPartnerPhotoPurgedRightAfterAcknowledgment(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	vault, err := retention.NewVault(filepath.Join(t.TempDir(), "vault"), bytes.Repeat([]byte{7}, 32), nil)
	if err != nil {
		t.Fatal(err)
	}
	keeper := retention.New(r.store, vault, retention.Options{Mode: retention.ModePartner})
	res := testResult(0)
	now := time.Now().UTC()
	res.Time = now
	r.recv.Now = time.Now // the result is stamped now, not on the rig's fixed day
	enc := &record.Encounter{ID: res.EncounterID, Station: res.Station, Flight: res.Flight, Category: "in-scope",
		Outcome: "match", TravelerID: res.TravelerID, StartedAt: now, CapturedAt: now, DecidedAt: now, VerifiedAt: now}
	photo := bytes.Repeat([]byte("synthetic-photo "), 64)
	err = keeper.RecordEncounter(ctx, enc, photo, func(ctx context.Context, tx *sql.Tx) error { return transmit.Enqueue(ctx, tx, res) })
	if err != nil {
		t.Fatal(err)
	}

	var online atomic.Bool
	srv := r.pki.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		if !online.Load() {
			http.Error(w, "offline", http.StatusServiceUnavailable)
			return
		}
		r.recv.ServeHTTP(w, q)
	}))
	s := r.sender(srv.URL)
	s.Acknowledge = keeper.Acknowledge // with the delivery, in one transaction
	s.Init()
	s.Step(ctx) // refused: not acknowledged
	if _, err := keeper.Purge(ctx, false); err != nil {
		t.Fatal(err)
	}
	if _, err := keeper.Photo(ctx, enc.ID, "o.test", "test"); err != nil {
		t.Fatalf("photo gone before acknowledgment: %v", err)
	}

	online.Store(true)
	r.runUntil(s, 5*time.Second) // delivered and acknowledged together
	rep, err := keeper.Purge(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Deleted != 1 {
		t.Fatalf("purge after acknowledgment deleted %d photos, want 1", rep.Deleted)
	}
	if _, err := keeper.Photo(ctx, enc.ID, "o.test", "test"); !errors.Is(err, retention.ErrNoPhoto) {
		t.Errorf("photo still readable after acknowledgment purge: %v", err)
	}
	log, err := record.ListPurges(ctx, r.store.DB, record.PurgeKindPhoto)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].SubjectID != enc.ID || log[0].Detail != retention.RuleOnAcknowledgment {
		t.Errorf("purge log %+v, want one row for the encounter saying %q", log, retention.RuleOnAcknowledgment)
	}
}

// TestAckAndPartnerPurgeAtomic: the delivery of a result and the partner
// acknowledgment it triggers commit together. A workstation killed right
// after the delivery committed (nothing after the commit runs) still has the
// encounter acknowledged, and the next purge deletes the photo; an
// acknowledgment that fails leaves the delivery uncommitted, to be retried.
func TestAckAndPartnerPurgeAtomic(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	vault, err := retention.NewVault(filepath.Join(t.TempDir(), "vault"), bytes.Repeat([]byte{7}, 32), nil)
	if err != nil {
		t.Fatal(err)
	}
	keeper := retention.New(r.store, vault, retention.Options{Mode: retention.ModePartner})
	now := time.Now().UTC()
	r.recv.Now = time.Now // the results are stamped now, not on the rig's fixed day
	var encs []*record.Encounter
	for i := range 2 {
		res := testResult(i)
		res.Time = now
		enc := &record.Encounter{ID: res.EncounterID, Station: res.Station, Flight: res.Flight, Category: "in-scope",
			Outcome: "no-match", Result: "referred", StartedAt: now, CapturedAt: now, DecidedAt: now}
		err := keeper.RecordEncounter(ctx, enc, bytes.Repeat([]byte("synthetic-photo "), 64),
			func(ctx context.Context, tx *sql.Tx) error { return transmit.Enqueue(ctx, tx, res) })
		if err != nil {
			t.Fatal(err)
		}
		encs = append(encs, enc)
	}
	srv := r.pki.Serve(t, r.recv)

	// The workstation dies right after the first delivery commits.
	s := r.sender(srv.URL)
	s.Acknowledge = keeper.Acknowledge
	s.OnAck = func(context.Context, string, time.Time) error { return errors.New("killed") }
	s.Init()
	if _, err := s.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := r.store.OutboxStats(ctx); st.Delivered != 1 {
		t.Fatalf("first result not delivered: %+v", st)
	}
	if e, _ := record.GetEncounter(ctx, r.store.DB, encs[0].ID); e.AcknowledgedAt.IsZero() {
		t.Fatal("the outbox says delivered but the encounter is not acknowledged: the partner purge is lost")
	}
	restarted := retention.New(r.store, vault, retention.Options{Mode: retention.ModePartner})
	if rep, err := restarted.Purge(ctx, false); err != nil || rep.Deleted != 1 || rep.Items[0].EncounterID != encs[0].ID {
		t.Fatalf("purge after restart: %+v %v", rep, err)
	}

	// An acknowledgment that fails rolls the delivery back; the retry does both.
	s = r.sender(srv.URL)
	failed := false
	s.Acknowledge = func(ctx context.Context, tx *sql.Tx, id string, at time.Time) error {
		if !failed {
			failed = true
			return errors.New("disk error")
		}
		return keeper.Acknowledge(ctx, tx, id, at)
	}
	s.Init()
	if _, err := s.Step(ctx); err == nil {
		t.Fatal("a failed acknowledgment was not reported")
	}
	if st, _ := r.store.OutboxStats(ctx); st.Pending != 1 {
		t.Fatalf("delivery committed without its acknowledgment: %+v", st)
	}
	r.runUntil(s, 5*time.Second)
	if e, _ := record.GetEncounter(ctx, r.store.DB, encs[1].ID); e.AcknowledgedAt.IsZero() {
		t.Fatal("retried delivery not acknowledged")
	}
}

// TestPartnerPhotoPurgedOnDeadLetter: in a partner deployment a result the
// back end refuses for good ends the transmittal: the photo is purged then,
// not at its category deadline (up to 14 days later), and the purge log
// says why.
func TestPartnerPhotoPurgedOnDeadLetter(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	vault, err := retention.NewVault(filepath.Join(t.TempDir(), "vault"), bytes.Repeat([]byte{7}, 32), nil)
	if err != nil {
		t.Fatal(err)
	}
	keeper := retention.New(r.store, vault, retention.Options{Mode: retention.ModePartner})
	res := testResult(0)
	now := time.Now().UTC()
	res.Time = now
	enc := &record.Encounter{ID: res.EncounterID, Station: res.Station, Flight: res.Flight, Category: "in-scope",
		Outcome: "match", TravelerID: res.TravelerID, StartedAt: now, CapturedAt: now, DecidedAt: now}
	photo := bytes.Repeat([]byte("synthetic-photo "), 64)
	if err := keeper.RecordEncounter(ctx, enc, photo, func(ctx context.Context, tx *sql.Tx) error { return transmit.Enqueue(ctx, tx, res) }); err != nil {
		t.Fatal(err)
	}
	srv := r.pki.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "unprocessable", http.StatusUnprocessableEntity) // refused for good
	}))
	s := r.sender(srv.URL)
	s.Acknowledge = keeper.Acknowledge
	s.OnDead = keeper.EndTransmittal
	s.Init()
	if _, err := s.Step(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := r.store.OutboxStats(ctx)
	if err != nil || st.Dead != 1 {
		t.Fatalf("outbox %+v %v; want the result dead-lettered", st, err)
	}
	rep, err := keeper.Purge(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Deleted != 1 {
		t.Fatalf("purge after the dead letter deleted %d photos, want 1 (in-scope would wait 14 days)", rep.Deleted)
	}
	if _, err := keeper.Photo(ctx, enc.ID, "o.test", "test"); !errors.Is(err, retention.ErrNoPhoto) {
		t.Errorf("photo still readable after the dead letter: %v", err)
	}
	log, err := record.ListPurges(ctx, r.store.DB, record.PurgeKindPhoto)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].SubjectID != enc.ID || log[0].Detail != retention.RuleOnDeadLetter {
		t.Errorf("purge log %+v, want one row for the encounter saying %q", log, retention.RuleOnDeadLetter)
	}
}
