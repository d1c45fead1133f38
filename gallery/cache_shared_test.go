package gallery

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// flightBundle is a signed bundle of n travelers for flight number num,
// departing dep, issued at issued.
func flightBundle(t *testing.T, key ed25519.PrivateKey, num string, dep, issued time.Time, n int) ([]byte, *Bundle) {
	t.Helper()
	f := testFlight()
	f.Number, f.Departure = num, dep
	b := &Bundle{Header: Header{Flight: f, IssuedAt: issued, ExpiresAt: dep.Add(DefaultGrace)},
		Entries: SyntheticEntries(n, 1)}
	data, err := Sign(b, key)
	if err != nil {
		t.Fatal(err)
	}
	return data, b
}

// TestOneGalleryCachePerFolder: the keeper and the flight picker open the
// same folder; they must share one cache, so a key replaced by one is the
// key the other seals with.
func TestOneGalleryCachePerFolder(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	keeper, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	picker, err := OpenCache(filepath.Join(dir, ".", "")) // the same folder, spelt otherwise
	if err != nil {
		t.Fatal(err)
	}
	if keeper != picker {
		t.Fatalf("two caches on one folder: %p and %p", keeper, picker)
	}
	dep := t0.Add(time.Hour)
	dataA, a := flightBundle(t, key, "100", dep, t0.Add(-time.Hour), 2)
	if _, err := picker.Put(dataA, a, t0); err != nil {
		t.Fatal(err)
	}
	log := &fakePurgeLog{}
	if done, err := keeper.Purge(context.Background(), dep.Add(DefaultGrace), DefaultGrace, log); err != nil || len(done) != 1 {
		t.Fatalf("purge: %d deleted, %v", len(done), err)
	}
	dataB, b := flightBundle(t, key, "200", dep.Add(48*time.Hour), t0, 3)
	if _, err := picker.Put(dataB, b, t0); err != nil {
		t.Fatal(err)
	}
	fresh, err := openCache(dir) // a restart, or another process
	if err != nil {
		t.Fatal(err)
	}
	if got, err := fresh.Bundle(b.Flight.Key(), ringOf(key), t0); err != nil || len(got.Entries) != 3 {
		t.Fatalf("bundle stored after the key's replacement unreadable: %v", err)
	}
}

// TestGalleryPurgeAfterKeyRotationByAnotherProcess: `veriport purge` empties
// the cache (new key) while the workstation runs; the workstation's next
// download must still be purged on time, and readable after a restart.
func TestGalleryPurgeAfterKeyRotationByAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	station, err := openCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	dep := t0.Add(time.Hour)
	dataA, a := flightBundle(t, key, "100", dep, t0.Add(-time.Hour), 2)
	if _, err := station.Put(dataA, a, t0); err != nil {
		t.Fatal(err)
	}
	other, err := openCache(dir) // `veriport purge` in another process
	if err != nil {
		t.Fatal(err)
	}
	if done, err := other.Purge(context.Background(), dep.Add(DefaultGrace), DefaultGrace, &fakePurgeLog{}); err != nil || len(done) != 1 {
		t.Fatalf("purge by the other process: %d deleted, %v", len(done), err)
	}
	depB := dep.Add(24 * time.Hour)
	dataB, b := flightBundle(t, key, "200", depB, t0, 3)
	if _, err := station.Put(dataB, b, dep.Add(DefaultGrace)); err != nil {
		t.Fatal(err)
	}
	if recs, err := other.Records(); err != nil || len(recs) != 1 || recs[0].Unreadable {
		t.Fatalf("the other process reads %+v, %v", recs, err)
	}
	log := &fakePurgeLog{}
	done, err := other.Purge(context.Background(), depB.Add(DefaultGrace), DefaultGrace, log)
	if err != nil || len(done) != 1 || done[0].Key != b.Flight.Key() {
		t.Fatalf("gallery stored after the rotation not purged at its deadline: %d deleted, %v", len(done), err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*"+bundleExt)); len(left) != 0 {
		t.Fatalf("left in the cache: %v", left)
	}
}

// TestRollbackCheckWithUnreadableRecord: a cached record that cannot be read
// is a refusal, never "nothing cached"; the purge removes it (logged).
func TestRollbackCheckWithUnreadableRecord(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	c, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	dep := t0.Add(10 * time.Hour)
	newData, newB := flightBundle(t, key, "100", dep, t0.Add(-time.Hour), 3)
	oldData, oldB := flightBundle(t, key, "100", dep, t0.Add(-5*time.Hour), 5)
	if _, err := c.Put(newData, newB, t0); err != nil {
		t.Fatal(err)
	}
	recPath := filepath.Join(dir, newB.Flight.Key()+recordExt)
	raw, err := os.ReadFile(recPath)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)-3] ^= 0x40
	if err := os.WriteFile(recPath, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	bundleBefore, _ := os.ReadFile(filepath.Join(dir, newB.Flight.Key()+bundleExt))
	if _, err := c.Put(oldData, oldB, t0.Add(time.Minute)); err == nil || !errors.Is(err, ErrUnreadable) {
		t.Fatalf("older bundle stored over an unreadable record: %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, newB.Flight.Key()+bundleExt)); !bytes.Equal(after, bundleBefore) {
		t.Fatal("cached bundle replaced although the rollback check could not be made")
	}
	recs, err := c.Records()
	if err != nil || len(recs) != 1 || !recs[0].Unreadable {
		t.Fatalf("records %+v, %v; want the unreadable one listed", recs, err)
	}
	log := &fakePurgeLog{}
	if done, err := c.Purge(context.Background(), t0.Add(2*time.Minute), DefaultGrace, log); err != nil || len(done) != 1 {
		t.Fatalf("unreadable record not purged: %d, %v", len(done), err)
	}
	if len(log.entries) != 1 || log.entries[0].result != PurgeDeleted || log.entries[0].id != newB.Flight.Key() {
		t.Fatalf("purge log %+v", log.entries)
	}
}

// TestGalleryCacheOrphansSwept: a crash between the bundle and record writes
// leaves files no record names; every purge sweeps them and logs each.
func TestGalleryCacheOrphansSwept(t *testing.T) {
	dir := t.TempDir()
	key := newKey(t)
	c, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	data, b := flightBundle(t, key, "100", t0.Add(10*time.Hour), t0.Add(-time.Hour), 2)
	if _, err := c.Put(data, b, t0); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"2026-11-25_VP999" + bundleExt, ".tmp-123456"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("sealed bytes"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	log := &fakePurgeLog{}
	if _, err := c.Purge(context.Background(), t0, DefaultGrace, log); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"2026-11-25_VP999" + bundleExt, ".tmp-123456"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("orphan %s not swept: %v", name, err)
		}
	}
	orphans := 0
	for _, e := range log.entries {
		if e.result == "orphan" {
			orphans++
		}
	}
	if orphans != 2 {
		t.Fatalf("purge log %+v; want 2 orphan entries", log.entries)
	}
	if got, err := c.Bundle(b.Flight.Key(), ringOf(key), t0); err != nil || len(got.Entries) != 2 {
		t.Fatalf("the flight's own bundle: %v", err)
	}
}
