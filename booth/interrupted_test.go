package booth

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"veriport/encounter"
	"veriport/record"
	"veriport/retention"
	"veriport/transmit"
)

// testVaultKey is the vault key keeperStore uses.
var testVaultKey = bytes.Repeat([]byte{7}, 32)

// TestOpenEncounterClosedAtStartup: a workstation killed between the
// decision (encounter and photo on the record, no result queued) and Next
// leaves the encounter open. At the next start-up it is closed: outcome
// and photo kept, result "interrupted", an audit entry, and its result
// queued for the back end in the same transaction, once; a second start
// closes and queues nothing more.
func TestOpenEncounterClosedAtStartup(t *testing.T) {
	ctx := context.Background()
	st, k, dir := keeperStore(t, retention.ModeAgency)
	if err := record.InsertOfficer(ctx, st.DB, record.Officer{ID: "o1", Name: "Officer One", Role: "officer"}); err != nil {
		t.Fatal(err)
	}
	rec := &StoreRecorder{Store: st, Keeper: k, Outbox: true}
	p, _ := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	s, err := NewShift(ctx, "o1", Config{Station: "B1", Policy: p, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	s.SetGallery("VP9", fixed(Decision{Outcome: encounter.OutcomeMatch, Subject: "T-3",
		Category: encounter.CategoryInScope, Distance: 0.28}))
	if _, err := decideRated(ctx, s, img, `{"captured":true,"score":0.9}`); err != nil {
		t.Fatal(err)
	}
	// The workstation dies here: no Next, no logout. A restart opens the
	// same files afresh.
	st.Close()
	st2, err := record.Open(ctx, filepath.Join(dir, "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	v, err := retention.NewVault(filepath.Join(dir, "vault"), testVaultKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	k2 := retention.New(st2, v, retention.Options{Mode: retention.ModeAgency})
	notified := 0
	rec2 := &StoreRecorder{Store: st2, Keeper: k2, Outbox: true, Notify: func() { notified++ }}
	start := time.Now().UTC().Truncate(time.Millisecond)
	n, err := rec2.CloseInterrupted(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := record.ListEncounters(ctx, st2.DB, record.EncounterFilter{})
	if err != nil || len(rows) != 1 {
		t.Fatalf("encounters %d %v", len(rows), err)
	}
	e := rows[0]
	if n != 1 || e.DoneAt.IsZero() || e.Result != string(encounter.ResultInterrupted) || e.Outcome != "match" ||
		e.TravelerID != "T-3" || e.PhotoState != record.PhotoStored {
		t.Fatalf("after start-up: closed %d, encounter %+v; want it closed as interrupted, outcome and photo kept", n, e)
	}
	if !e.DoneAt.Equal(start) {
		t.Errorf("closed at %s, want the start-up time %s", e.DoneAt, start)
	}
	if got, err := k2.Photo(ctx, e.ID, "test", "check the photo is kept"); err != nil || len(got) == 0 {
		t.Errorf("photo after closing: %d bytes, %v", len(got), err)
	}
	head, err := st2.OutboxHead(ctx)
	if err != nil {
		t.Fatalf("no result queued for the closed encounter: %v", err)
	}
	var msg transmit.Result
	if err := json.Unmarshal(head.Payload, &msg); err != nil {
		t.Fatal(err)
	}
	if head.EncounterID != e.ID || msg.Final != transmit.FinalInterrupted || msg.Outcome != "match" ||
		msg.TravelerID != "T-3" || !msg.Time.Equal(start) || msg.DecidedAt.IsZero() {
		t.Fatalf("queued result %+v, want the encounter's outcome, final interrupted, time of closing", msg)
	}
	if err := msg.Validate(); err != nil {
		t.Fatalf("the queued result would be refused by the back end: %v", err)
	}
	if notified == 0 {
		t.Error("the sender was not woken for the queued result")
	}
	kinds := map[string]int{}
	_, _ = record.ExportAudit(ctx, st2.DB, &auditKinds{kinds})
	if kinds[record.AuditInterrupted] != 1 {
		t.Errorf("audit kinds %v, want one %s entry", kinds, record.AuditInterrupted)
	}
	if rep, err := record.VerifyAudit(ctx, st2.DB); err != nil || !rep.Intact {
		t.Fatalf("audit chain %+v %v", rep, err)
	}

	// A second start finds nothing open: nothing closed, nothing queued again.
	if n, err := rec2.CloseInterrupted(ctx, start.Add(time.Minute)); n != 0 || err != nil {
		t.Fatalf("second start-up closed %d (%v), want 0", n, err)
	}
	if ob, _ := st2.OutboxStats(ctx); ob.Pending != 1 {
		t.Fatalf("outbox after the second start-up %+v, want the one result", ob)
	}
}
