package retention

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestVaultFileSwapDetected: B's vault file copied over A's (same bucket, same
// data key, so it decrypts) must not be shown or sent as A's photo.
func TestVaultFileSwapDetected(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	pa, pb := photo(2048), photo(2048)
	a := f.add(t, CategoryInScope, t0, t0, pa)
	b := f.add(t, CategoryInScope, t0, t0, pb)
	if a.VaultBucket != b.VaultBucket {
		t.Fatalf("fixture: buckets %s and %s differ", a.VaultBucket, b.VaultBucket)
	}
	blobB, err := os.ReadFile(filepath.Join(f.vault.Dir(), b.VaultBucket, b.ID+fileSuffix))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.vault.Dir(), a.VaultBucket, a.ID+fileSuffix), blobB, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := f.keep.Photo(ctx, a.ID)
	if bytes.Equal(got, pb) {
		t.Fatal("encounter A shows B's photo")
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("swapped file: %v", err)
	}
	if got, err := f.keep.Photo(ctx, b.ID); err != nil || !bytes.Equal(got, pb) {
		t.Fatalf("B's own photo: %v", err)
	}
}
