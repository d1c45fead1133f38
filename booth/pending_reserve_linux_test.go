package booth

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"veriport/retention"
)

// TestPendingFileUsesReserveOnFullDisk: the file of waiting records has
// disk space set aside beside it (file.reserve). On a really full disk (a
// tmpfs filled to the last block) the reserve is given up so the waiting
// record, photo sealed, still reaches the file; once everything is written
// the file goes and the reserve is set aside again. Needs the right to
// mount (root).
func TestPendingFileUsesReserveOnFullDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	vault, err := retention.NewVault(filepath.Join(dir, "vault"), bytes.Repeat([]byte{7}, 32), nil)
	if err != nil {
		t.Fatal(err)
	}
	disk := filepath.Join(dir, "disk")
	os.MkdirAll(disk, 0o700)
	if err := syscall.Mount("tmpfs", disk, "tmpfs", 0, "size=512k,mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v)", err)
	}
	t.Cleanup(func() { syscall.Unmount(disk, 0) })
	file := filepath.Join(disk, "pending.records")
	rec := &fullDisk{}
	rec.setFull(true)
	q := NewQueue(rec, 0)
	q.FileReserve = 256 << 10
	if _, err := q.KeepIn(file, vault); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(file + ".reserve"); err != nil || st.Size() != q.FileReserve {
		t.Fatalf("reserve beside the file: %v %v", st, err)
	}
	filler, _ := os.Create(filepath.Join(disk, "filler"))
	for {
		if _, err := filler.Write(make([]byte, 4096)); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	filler.Close()
	photo := bytes.Repeat([]byte("PHOTO-BYTES-"), 8<<10) // 96 KiB
	if err := q.RecordEncounter(ctx, Record{ID: "e1", Station: "B1"}, photo); err != nil {
		t.Fatal(err)
	}
	if err := q.Kept(); err != nil {
		t.Fatalf("on the full disk the waiting record did not reach its file: %v", err)
	}
	if _, err := os.Stat(file + ".reserve"); !os.IsNotExist(err) {
		t.Fatalf("the reserve was not given up: %v", err)
	}
	if msg := q.QuitRefusal(ctx); msg != "" {
		t.Fatalf("quit refused although the file keeps the record: %q", msg)
	}
	os.Remove(filepath.Join(disk, "filler"))
	rec.setFull(false)
	if err := q.Flush(ctx); err != nil || q.Waiting() != 0 || rec.PhotoSize("e1") != len(photo) {
		t.Fatalf("space back: %v, %d waiting, photo %d bytes", err, q.Waiting(), rec.PhotoSize("e1"))
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("file kept after everything was written: %v", err)
	}
	if st, err := os.Stat(file + ".reserve"); err != nil || st.Size() != q.FileReserve {
		t.Fatalf("reserve not set aside again: %v %v", st, err)
	}
}
