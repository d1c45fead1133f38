package gallery

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCacheEncryptsAtRest(t *testing.T) {
	dir := t.TempDir()
	c, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	key := newKey(t)
	data, b := testBundle(t, key, 5)
	rec, err := c.Put(data, b, t0)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Key != "2026-11-25_VP420" || !rec.Good || rec.Entries != 5 {
		t.Fatalf("record %+v", rec)
	}
	st, err := os.Stat(filepath.Join(dir, cacheKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("cache key file mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, rec.Key+"*"))
	if len(files) != 2 {
		t.Fatalf("cache files %v", files)
	}
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		for _, plain := range []string{"SYN-000001", "SYNTHETIC TRAVELER", "2026-11-25", magic} { // long enough never to occur by chance
			if bytes.Contains(raw, []byte(plain)) {
				t.Fatalf("%s holds %q in the clear", filepath.Base(f), plain)
			}
		}
	}
	// A second opening reads the same key and the same bundle back.
	c2, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c2.Bundle(rec.Key, ringOf(key), t0)
	if err != nil || len(got.Entries) != 5 {
		t.Fatalf("reopened cache: %v", err)
	}
	// The cached bundle is verified again: another pinned key refuses it.
	if _, err := c2.Bundle(rec.Key, ringOf(newKey(t)), t0); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("cached bundle under other keys: got %v", err)
	}
	// A damaged cache file is refused, not used.
	bf := filepath.Join(dir, rec.Key+bundleExt)
	raw, _ := os.ReadFile(bf)
	raw[len(raw)/2] ^= 0x80
	os.WriteFile(bf, raw, 0o600)
	if _, err := c2.Bundle(rec.Key, ringOf(key), t0); err == nil {
		t.Fatal("damaged cache file was accepted")
	}
}

func TestRefusalKeepsLastGood(t *testing.T) {
	c, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key := newKey(t)
	data, b := testBundle(t, key, 3)
	if _, err := c.Put(data, b, t0); err != nil {
		t.Fatal(err)
	}
	rec, err := c.Refuse(b.Flight, "bad signature", t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Good || rec.Refusal == nil || rec.Refusal.Reason != "bad signature" {
		t.Fatalf("record after refusal %+v", rec)
	}
	st := Status{Flight: b.Flight, Record: &rec}
	if s := st.State(t0.Add(2 * time.Minute)); s != "refused: bad signature (keeping the bundle issued 2026-11-25 07:00Z)" {
		t.Fatalf("state %q", s)
	}
	if _, err := c.Bundle(rec.Key, ringOf(key), t0); err != nil {
		t.Fatalf("last good bundle lost: %v", err)
	}
}

type purgeEntry struct {
	kind, id           string
	deadline, purgedAt time.Time
	method, result     string
}

type fakePurgeLog struct{ entries []purgeEntry }

func (f *fakePurgeLog) LogPurge(_ context.Context, kind, id string, deadline, purgedAt time.Time, method, result string) error {
	f.entries = append(f.entries, purgeEntry{kind, id, deadline, purgedAt, method, result})
	return nil
}

func TestPurgeAtItsBoundary(t *testing.T) {
	key := newKey(t)
	data, b := testBundle(t, key, 2)
	deadline := b.Flight.Departure.Add(DefaultGrace)
	cases := []struct {
		name   string
		now    time.Time
		grace  time.Duration
		purged bool
	}{
		{"one second before departure+grace", deadline.Add(-time.Second), DefaultGrace, false},
		{"at departure+grace", deadline, DefaultGrace, true},
		{"a day later", deadline.Add(24 * time.Hour), DefaultGrace, true},
		{"shorter grace", b.Flight.Departure.Add(time.Hour), time.Hour, true},
		{"before departure, no grace", b.Flight.Departure.Add(-time.Second), 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := OpenCache(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Put(data, b, t0); err != nil {
				t.Fatal(err)
			}
			log := &fakePurgeLog{}
			done, err := c.Purge(context.Background(), tc.now, tc.grace, log)
			if err != nil {
				t.Fatal(err)
			}
			_, recErr := c.Record(b.Flight.Key())
			left, _ := filepath.Glob(filepath.Join(c.Dir(), "*"+bundleExt))
			if !tc.purged {
				if len(done) != 0 || len(log.entries) != 0 || recErr != nil || len(left) != 1 {
					t.Fatalf("purged too early: done %d, log %d, record %v", len(done), len(log.entries), recErr)
				}
				return
			}
			if len(done) != 1 || !errors.Is(recErr, ErrNotCached) || len(left) != 0 {
				t.Fatalf("not purged: done %d, record %v, files %v", len(done), recErr, left)
			}
			want := purgeEntry{PurgeKind, "2026-11-25_VP420", b.Flight.Departure.Add(tc.grace), tc.now, PurgeMethod, PurgeDeleted}
			if len(log.entries) != 1 || log.entries[0] != want {
				t.Fatalf("purge log %+v, want %+v", log.entries, want)
			}
		})
	}
}

func TestPurgeLoopPurgesDueGalleries(t *testing.T) {
	c, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data, b := testBundle(t, newKey(t), 1)
	afterDeparture := func() time.Time { return b.Flight.Departure.Add(time.Minute) }
	if _, err := c.Put(data, b, t0); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	log := &fakePurgeLog{}
	go func() { c.PurgeLoop(ctx, 10*time.Millisecond, 0, log, afterDeparture, nil); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if recs, _ := c.Records(); len(recs) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("due gallery not purged by the loop")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if len(log.entries) != 1 {
		t.Fatalf("purge log %+v", log.entries)
	}
}

// TestCacheRefusesOlderBundle: a bundle issued before the cached one is a
// rollback, even if still validly signed and unexpired. It is refused with a
// reason, and the newer bundle stays in use.
func TestCacheRefusesOlderBundle(t *testing.T) {
	c, err := OpenCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key := newKey(t)
	f := testFlight()
	sign := func(issued time.Time, n int) ([]byte, *Bundle) {
		b := &Bundle{Header: Header{Flight: f, IssuedAt: issued, ExpiresAt: f.Departure.Add(DefaultGrace)},
			Entries: SyntheticEntries(n, 1)}
		data, err := Sign(b, key)
		if err != nil {
			t.Fatal(err)
		}
		ob, err := Open(data, ringOf(key), t0)
		if err != nil {
			t.Fatal(err)
		}
		return data, ob
	}
	newData, newB := sign(t0.Add(-time.Hour), 3)
	oldData, oldB := sign(t0.Add(-3*time.Hour), 5)
	if _, err := c.Put(newData, newB, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Put(oldData, oldB, t0.Add(time.Minute)); !errors.Is(err, ErrRollback) {
		t.Fatalf("older bundle stored over the newer one: %v", err)
	}
	rec, err := c.Record(f.Key())
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Good || !rec.IssuedAt.Equal(newB.IssuedAt) || rec.Entries != 3 {
		t.Fatalf("record after the rollback attempt %+v", rec)
	}
	b, err := c.Bundle(f.Key(), ringOf(key), t0)
	if err != nil || len(b.Entries) != 3 {
		t.Fatalf("newer bundle lost: %v", err)
	}
	// the same bundle again, or a newer one, is stored
	if _, err := c.Put(newData, newB, t0.Add(2*time.Minute)); err != nil {
		t.Fatalf("same bundle again: %v", err)
	}
	newerData, newerB := sign(t0.Add(-time.Minute), 4)
	if rec, err := c.Put(newerData, newerB, t0.Add(3*time.Minute)); err != nil || rec.Entries != 4 {
		t.Fatalf("newer bundle: %+v %v", rec, err)
	}
}
