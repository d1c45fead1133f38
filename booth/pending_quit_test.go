package booth

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"veriport/encounter"
	"veriport/retention"
)

// TestPendingRecordsSurviveQuit: records and audit entries waiting for disk
// space (pending N) are kept in a file as they wait, the photo encrypted as
// the vault encrypts, so a quit, a SIGTERM or a crash loses none: the next
// start reads them back and writes them, in order, once space allows, and
// the file goes once they are written.
func TestPendingRecordsSurviveQuit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	vault, err := retention.NewVault(filepath.Join(dir, "vault"), bytes.Repeat([]byte{7}, 32), nil)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "pending.records")
	disk := &fullDisk{}
	disk.setFull(true)
	q := NewQueue(disk, 0)
	if n, err := q.KeepIn(file, vault); err != nil || n != 0 {
		t.Fatalf("first start: %d restored, %v", n, err)
	}
	p, _ := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	s, err := NewShift(ctx, "o1", Config{Station: "B1", Policy: p, Recorder: q})
	if err != nil {
		t.Fatal(err)
	}
	s.SetGallery("VP9", fixed(Decision{Outcome: encounter.OutcomeMatch, Subject: "T-3",
		Category: encounter.CategoryInScope, Distance: 0.3}))
	if _, err := decideRated(ctx, s, photoImage(), `{"score":0.9}`); err != nil {
		t.Fatal(err)
	}
	if err := s.Next(ctx); err != nil {
		t.Fatal(err)
	}
	if q.Pending() != 1 {
		t.Fatalf("pending %d, want the cleared traveler", q.Pending())
	}
	var photo []byte
	for _, op := range q.waiting {
		if op.rec != nil && op.photo != nil {
			photo = bytes.Clone(op.photo)
		}
	}
	if len(photo) == 0 {
		t.Fatal("the waiting record has no photo")
	}

	// The process ends here (quit, SIGTERM or crash): only the file remains.
	kept, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("no file keeps the waiting records: %v", err)
	}
	if bytes.Contains(kept, photo[:64]) || bytes.Contains(kept, photo[len(photo)-64:]) {
		t.Fatal("the kept file holds the photo in clear")
	}
	if st, _ := os.Stat(file); st.Mode().Perm()&0o077 != 0 {
		t.Fatalf("the kept file is readable by others: %v", st.Mode())
	}

	after := &fullDisk{}
	q2 := NewQueue(after, 0)
	n, err := q2.KeepIn(file, vault)
	if err != nil || n == 0 {
		t.Fatalf("next start: %d restored, %v; want the waiting records", n, err)
	}
	if q2.Pending() != 1 {
		t.Fatalf("pending after the restart %d, want 1", q2.Pending())
	}
	if err := q2.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	recs := after.Records()
	if len(recs) != 1 || recs[0].ID == "" || recs[0].Result != encounter.ResultCleared || after.PhotoSize(recs[0].ID) != len(photo) {
		t.Fatalf("written after the restart: %+v (photo %d bytes, want %d)", recs, after.PhotoSize(recs[0].ID), len(photo))
	}
	kinds := map[string]bool{}
	for _, a := range after.Audits() {
		kinds[a.Kind] = true
	}
	if !kinds[AuditLogin] {
		t.Errorf("audit entries written after the restart: %+v; want the login kept with the record", after.Audits())
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("the kept file is still there once everything was written: %v", err)
	}
}

// photoImage is a small frame with something in it.
func photoImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(3, 3, color.RGBA{R: 200, A: 255})
	return img
}

// TestQuitRefusedWhilePendingNotKept: with records waiting and no file
// able to keep them, the quit is refused with a sentence saying why; once
// the file can be written (or the records are), the quit goes ahead.
func TestQuitRefusedWhilePendingNotKept(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	vault, err := retention.NewVault(filepath.Join(dir, "vault"), bytes.Repeat([]byte{7}, 32), nil)
	if err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(dir, "keep")
	if err := os.Mkdir(keep, 0o700); err != nil {
		t.Fatal(err)
	}
	disk := &fullDisk{}
	disk.setFull(true)
	q := NewQueue(disk, 0)
	if _, err := q.KeepIn(filepath.Join(keep, "pending.records"), vault); err != nil {
		t.Fatal(err)
	}
	if msg := q.QuitRefusal(ctx); msg != "" {
		t.Fatalf("nothing waits, quit refused: %q", msg)
	}
	os.Chmod(keep, 0o500) // the file cannot be written (as on a full disk)
	defer os.Chmod(keep, 0o700)
	if os.Geteuid() == 0 {
		os.RemoveAll(keep) // root ignores the mode: no folder at all
	}
	if err := q.Audit(ctx, AuditLogout, "o1", "", `{"reason":"quit"}`); err != nil {
		t.Fatal(err)
	}
	if err := q.RecordEncounter(ctx, Record{ID: "e1", Station: "B1"}, []byte("photo")); err != nil {
		t.Fatal(err)
	}
	if q.Kept() == nil {
		t.Fatal("the records are reported kept in a file that could not be written")
	}
	msg := q.QuitRefusal(ctx)
	if !strings.Contains(msg, "1 traveler record(s) are waiting for disk space") || !strings.Contains(msg, "Free space") {
		t.Fatalf("quit refusal %q; want the officer told why and what to do", msg)
	}
	os.MkdirAll(keep, 0o700)
	os.Chmod(keep, 0o700)
	if msg := q.QuitRefusal(ctx); msg != "" {
		t.Fatalf("the file can be written again, quit still refused: %q", msg)
	}
	disk.setFull(false)
	if msg := q.QuitRefusal(ctx); msg != "" || q.Waiting() != 0 || len(disk.Records()) != 1 {
		t.Fatalf("space back: refusal %q, %d waiting, %d written", msg, q.Waiting(), len(disk.Records()))
	}
}
