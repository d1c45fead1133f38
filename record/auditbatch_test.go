package record

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestAppendAuditsSameChainAsOneByOne: a batch appended with AppendAudits
// after an existing entry gives the very entries (seq, prev_hash, hash) that
// appending them one at a time gives, the chain verifies, and the head
// is the batch's last entry.
func TestAppendAuditsSameChainAsOneByOne(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	first := AuditEvent{At: at, Kind: AuditLogin, Actor: "o-1"}
	var evs []AuditEvent
	for i := range 5 {
		evs = append(evs, AuditEvent{At: at.Add(time.Minute), Kind: AuditPurge, Actor: "system",
			Subject: fmt.Sprintf("enc-%d", i), Detail: `{"result":"deleted"}`})
	}
	one, batch := openTest(t), openTest(t)
	for _, ev := range append([]AuditEvent{first}, evs...) {
		if err := one.Audit(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := batch.Audit(ctx, first); err != nil {
		t.Fatal(err)
	}
	tx, err := batch.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := AppendAudits(ctx, tx, evs)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var want []AuditEntry
	eachAudit(ctx, one.DB, func(e AuditEntry) bool { want = append(want, e); return true })
	if len(got) != len(evs) || len(want) != len(evs)+1 {
		t.Fatalf("batch gave %d entries, one by one %d", len(got), len(want))
	}
	for i, e := range got {
		if e != want[i+1] {
			t.Errorf("entry %d: batch %+v, one by one %+v", i, e, want[i+1])
		}
	}
	rep, err := VerifyAudit(ctx, batch.DB)
	if err != nil || !rep.Intact || rep.Entries != len(evs)+1 {
		t.Fatalf("verify after the batch: %+v, %v", rep, err)
	}
	head, err := batch.AuditHead(ctx)
	if err != nil || head.Seq != got[len(got)-1].Seq || head.Hash != got[len(got)-1].Hash {
		t.Fatalf("head %+v (%v), want the batch's last entry", head, err)
	}
}
