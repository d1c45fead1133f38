package retention

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"veriport/record"
)

// TestDiskFullOnRealTmpfs puts the vault on a 64 KiB tmpfs and stores a
// photo that cannot fit: the kernel's own ENOSPC, not an injected one. It
// needs the right to mount (root); TestDiskFullWhileWritingPhoto covers the
// same path everywhere with an injected file system.
func TestDiskFullOnRealTmpfs(t *testing.T) {
	dir := t.TempDir()
	vaultDir := filepath.Join(dir, "vault")
	os.MkdirAll(vaultDir, 0o700)
	if err := syscall.Mount("tmpfs", vaultDir, "tmpfs", 0, "size=64k,mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); the injected-FS test covers this path", err)
	}
	t.Cleanup(func() { syscall.Unmount(vaultDir, 0) })
	f := newFixture(t, dir, Options{}, nil)
	ctx := context.Background()
	small := f.add(t, CategoryInScope, t0, t0, photo(8<<10)) // fits
	big := photo(256 << 10)
	e := &record.Encounter{Station: "t", StartedAt: t0, CapturedAt: t0, Category: CategoryInScope, Outcome: "no-match"}
	err := f.keep.RecordEncounter(ctx, e, big, nil)
	if !errors.Is(err, ErrNoSpace) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err = %v, want ErrNoSpace from ENOSPC", err)
	}
	if got := f.state(t, e.ID); got.PhotoState != record.PhotoFailed {
		t.Fatalf("photo state %q", got.PhotoState)
	}
	files, _ := f.vault.Files()
	if len(files) != 1 || filepath.Base(files[0]) != small.ID+fileSuffix {
		t.Fatalf("vault after disk full: %v", files)
	}
	if _, err := f.keep.Photo(ctx, small.ID, "o.test", "test"); err != nil {
		t.Fatalf("earlier photo damaged: %v", err)
	}
	assertNoPhotoOnDisk(t, dir, big)
	assertNoPhotoBytesInLogs(t, f.logs.Bytes(), big)
}
