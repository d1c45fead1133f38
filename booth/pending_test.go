package booth

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"veriport/encounter"
	"veriport/retention"
)

// fullDisk is a Recorder over a disk that can be full: while full every
// write fails for lack of space and nothing is kept.
type fullDisk struct {
	MemoryRecorder
	mu   sync.Mutex
	full bool
}

func (d *fullDisk) setFull(v bool) { d.mu.Lock(); d.full = v; d.mu.Unlock() }

func (d *fullDisk) err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.full {
		return fmt.Errorf("record encounter: database or disk is full: %w", retention.ErrNoSpace)
	}
	return nil
}

func (d *fullDisk) RecordEncounter(ctx context.Context, r Record, photo []byte) error {
	if err := d.err(); err != nil {
		return err
	}
	return d.MemoryRecorder.RecordEncounter(ctx, r, photo)
}

func (d *fullDisk) Audit(ctx context.Context, kind, actor, subject, detail string) error {
	if err := d.err(); err != nil {
		return err
	}
	return d.MemoryRecorder.Audit(ctx, kind, actor, subject, detail)
}

// TestDiskFullEncounterKeptUntilSpace: with the data disk full, cleared
// travelers are not lost: they are kept (photo included), counted as
// pending, and written in order with the logout as soon as space returns.
func TestDiskFullEncounterKeptUntilSpace(t *testing.T) {
	ctx := context.Background()
	p, err := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	if err != nil {
		t.Fatal(err)
	}
	disk := &fullDisk{}
	rec := NewQueue(disk, 0)
	c := &clock{step: 1}
	s, err := NewShift(ctx, "o1", Config{Station: "B1", Policy: p, Recorder: rec, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	s.SetGallery("XX1", fixed(Decision{Outcome: encounter.OutcomeMatch, Subject: "T-1",
		Category: encounter.CategoryUSCitizen, Distance: 0.3}))
	disk.setFull(true)
	var ids []string
	for range 3 {
		if _, err := decideAndRecord(ctx, s, img); err != nil {
			t.Fatal(err)
		}
		if err := s.Next(ctx); err != nil {
			t.Fatalf("disk full: %v; want the encounter kept until space returns", err)
		}
	}
	if err := s.End(ctx, "logout"); err != nil {
		t.Fatalf("logout on a full disk: %v", err)
	}
	snap := s.Snapshot()
	if snap.Processed != 3 || snap.Pending != 3 || rec.Waiting() != 7 {
		t.Fatalf("while full: processed %d, pending %d travelers (%d calls); want 3 travelers, 7 calls",
			snap.Processed, snap.Pending, rec.Waiting())
	}
	if len(disk.Records()) != 0 {
		t.Fatal("records written to a full disk")
	}
	disk.setFull(false)
	if err := rec.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if rec.Waiting() != 0 || s.Snapshot().Pending != 0 {
		t.Fatalf("%d calls still waiting once space returned", rec.Waiting())
	}
	rs := disk.Records()
	if len(rs) != 3 {
		t.Fatalf("%d encounters recorded once space returned, want 3", len(rs))
	}
	for i, r := range rs {
		ids = append(ids, r.ID)
		if r.Result != encounter.ResultCleared || disk.PhotoSize(r.ID) == 0 {
			t.Fatalf("encounter %d: %+v photo %d bytes", i, r, disk.PhotoSize(r.ID))
		}
		if i > 0 && !rs[i-1].StartedAt.Before(r.StartedAt) {
			t.Fatalf("recorded out of order: %v", ids)
		}
	}
	a := disk.Audits()
	if len(a) != 2 || a[0].Kind != AuditLogin || a[1].Kind != AuditLogout {
		t.Fatalf("audits %+v; want login then the logout written once space returned", a)
	}
}
