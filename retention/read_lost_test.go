package retention

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"veriport/record"
)

// auditOf lists the store's audit entries of kind.
func auditOf(t *testing.T, f *fixture, kind string) []record.AuditEntry {
	t.Helper()
	var buf bytes.Buffer
	if _, err := record.ExportAudit(context.Background(), f.store.DB, &buf); err != nil {
		t.Fatal(err)
	}
	var out []record.AuditEntry
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var e record.AuditEntry
		if json.Unmarshal([]byte(line), &e) == nil && e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// TestPhotoReadAudited: every decryption of a photo is on the audit chain
// with who read it, which encounter and why; so is the re-encryption of a
// photo whose deadline moved earlier.
func TestPhotoReadAudited(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	p := photo(900)
	e := f.add(t, CategoryInScope, t0, time.Time{}, p)
	if n := len(auditOf(t, f, record.AuditPhotoRead)); n != 0 {
		t.Fatalf("%d photo readings audited before any", n)
	}
	got, err := f.keep.Photo(ctx, e.ID, "o.reyes", "seal for transmittal to the back end")
	if err != nil || !bytes.Equal(got, p) {
		t.Fatalf("photo: %v", err)
	}
	reads := auditOf(t, f, record.AuditPhotoRead)
	if len(reads) != 1 || reads[0].Actor != "o.reyes" || reads[0].Subject != e.ID ||
		!strings.Contains(reads[0].Detail, "seal for transmittal") {
		t.Fatalf("photo reading audited as %+v; want one entry: officer, encounter, purpose", reads)
	}
	// A verification brings the deadline forward: the photo is decrypted
	// to be re-encrypted, and that reading is audited too.
	if err := f.keep.Reclassify(ctx, e.ID, CategoryUSCitizen); err != nil {
		t.Fatal(err)
	}
	if err := f.keep.MarkVerified(ctx, e.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	reads = auditOf(t, f, record.AuditPhotoRead)
	if len(reads) < 2 || reads[len(reads)-1].Actor != "system" || reads[len(reads)-1].Subject != e.ID ||
		!strings.Contains(reads[len(reads)-1].Detail, "re-encrypt") {
		t.Fatalf("re-encryption reading audited as %+v", reads)
	}
	if rep, err := record.VerifyAudit(ctx, f.store.DB); err != nil || !rep.Intact {
		t.Fatalf("audit chain after the readings: %+v %v", rep, err)
	}
}

// TestLostPhotoClearsOutbox: a photo the start-up check finds missing
// (marked lost) takes its sealed copy queued for the back end with it.
func TestLostPhotoClearsOutbox(t *testing.T) {
	dir := t.TempDir()
	f := newFixture(t, dir, Options{}, nil)
	ctx := context.Background()
	sealed := photo(1200)
	e := &record.Encounter{Station: "t", StartedAt: t0, CapturedAt: t0, Category: CategoryInScope, Outcome: "match"}
	if err := f.keep.RecordEncounter(ctx, e, photo(1200), func(ctx context.Context, tx *sql.Tx) error {
		return record.Enqueue(ctx, tx, e.ID, []byte(`{"outcome":"match"}`), sealed, t0)
	}); err != nil {
		t.Fatal(err)
	}
	files, err := f.vault.Files()
	if err != nil || len(files) != 1 {
		t.Fatalf("vault files %v %v", files, err)
	}
	if err := os.Remove(files[0]); err != nil {
		t.Fatal(err)
	}
	g := f2(t, dir)
	if rep, err := g.keep.Reconcile(ctx); err != nil || rep.Lost != 1 {
		t.Fatalf("reconcile %+v %v; want 1 lost", rep, err)
	}
	it, err := g.store.OutboxHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if it.EncounterID != e.ID {
		t.Fatalf("outbox head %s, want %s", it.EncounterID, e.ID)
	}
	if it.Photo != nil {
		t.Fatalf("the outbox still holds the %d-byte sealed copy of a photo marked lost", len(it.Photo))
	}
}
