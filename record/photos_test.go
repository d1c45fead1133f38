package record

import (
	"context"
	"testing"
	"time"
)

// The photo's state changes on the record go through record's typed
// functions: due photos come out in deadline order, the purge marks them
// purging then purged, their queued copies leave the outbox (the result
// messages stay), and the vault summary and overdue count follow.
func TestPhotoLifeThroughTypedFunctions(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 3 {
		e := Encounter{Station: "booth-1", StartedAt: t0, Outcome: "match", PhotoState: PhotoStored,
			PurgeDeadline: t0.Add(time.Duration(i+1) * time.Hour), VaultBucket: "b1", Category: "in-scope"}
		if err := InsertEncounter(ctx, s.DB, &e); err != nil {
			t.Fatal(err)
		}
		if err := Enqueue(ctx, s.DB, e.ID, []byte("{}"), []byte("sealed"), t0); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	now := t0.Add(150 * time.Minute) // the first two are due
	due, err := DuePhotos(ctx, s.DB, now, time.Time{}, "", 10)
	if err != nil || len(due) != 2 || due[0].ID != ids[0] || due[1].ID != ids[1] || due[0].State != PhotoStored {
		t.Fatalf("due %+v (%v)", due, err)
	}
	if n, err := CountOverdue(ctx, s.DB, now); err != nil || n != 2 {
		t.Fatalf("overdue %d (%v)", n, err)
	}
	if err := MarkPhotosPurging(ctx, s.DB, ids[:2]); err != nil {
		t.Fatal(err)
	}
	stored, err := StoredPhotos(ctx, s.DB, now)
	if err != nil || len(stored) != 3 {
		t.Fatalf("stored %+v (%v)", stored, err)
	}
	purging := 0
	for _, p := range stored {
		if p.Purging {
			purging++
		}
	}
	if purging != 2 {
		t.Fatalf("%d purging, want 2: %+v", purging, stored)
	}
	if err := MarkPhotosPurged(ctx, s.DB, now, ids[:2]); err != nil {
		t.Fatal(err)
	}
	if err := DropQueuedPhotos(ctx, s.DB, ids[:2]...); err != nil {
		t.Fatal(err)
	}
	n, next, err := VaultSummary(ctx, s.DB)
	if err != nil || n != 1 || !next.Equal(t0.Add(3*time.Hour)) {
		t.Fatalf("vault summary %d %v (%v)", n, next, err)
	}
	var withPhoto, messages int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(photo), COUNT(*) FROM outbox`).Scan(&withPhoto, &messages); err != nil {
		t.Fatal(err)
	}
	if withPhoto != 1 || messages != 3 {
		t.Fatalf("outbox: %d queued photos of %d messages, want 1 of 3", withPhoto, messages)
	}
	e, err := GetEncounter(ctx, s.DB, ids[0])
	if err != nil || e.PhotoState != PhotoPurged || !e.PurgedAt.Equal(now) {
		t.Fatalf("purged encounter %+v (%v)", e, err)
	}
	if err := MarkPhotoLost(ctx, s.DB, ids[2], now); err != nil {
		t.Fatal(err)
	}
	if e, _ := GetEncounter(ctx, s.DB, ids[2]); e.PhotoState != PhotoLost {
		t.Fatalf("lost photo's state %q", e.PhotoState)
	}
	if err := SetRetentionField(ctx, s.DB, ids[2], RetentionField("photo_state"), "stored", time.Time{}, ""); err == nil {
		t.Fatal("SetRetentionField wrote a column that is not a retention field")
	}
}
