package retention

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"veriport/record"
)

// fakeClock is a Clock tests set and jump.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// lockedBuffer collects log output safely.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}

// t0 is a fixed time the tests start from (under the seed rule set).
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

type fixture struct {
	dir   string
	store *record.Store
	vault *Vault
	keep  *Keeper
	clock *fakeClock
	logs  *lockedBuffer
	key   []byte
}

func newFixture(tb testing.TB, dir string, o Options, fsys FS) *fixture {
	tb.Helper()
	if dir == "" {
		dir = tb.TempDir()
	}
	ctx := context.Background()
	store, err := record.Open(ctx, filepath.Join(dir, "v.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	key := bytes.Repeat([]byte{7}, 32)
	v, err := NewVault(filepath.Join(dir, "vault"), key, fsys)
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{dir: dir, store: store, vault: v, clock: &fakeClock{t: t0}, logs: &lockedBuffer{}, key: key}
	if o.Clock == nil {
		o.Clock = f.clock
	}
	o.Log = slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.keep = New(store, v, o)
	return f
}

// photo returns n random bytes with a recognisable marker at the start.
func photo(n int) []byte {
	p := make([]byte, n)
	rand.Read(p)
	copy(p, "\xff\xd8PHOTO-BYTES-MARKER")
	return p
}

// add records an encounter with a photo at the clock's time.
func (f *fixture) add(tb testing.TB, category string, captured, verified time.Time, p []byte) *record.Encounter {
	tb.Helper()
	e := &record.Encounter{Station: "t", StartedAt: captured, CapturedAt: captured, VerifiedAt: verified,
		Category: category, Outcome: "match"}
	if err := f.keep.RecordEncounter(context.Background(), e, p, nil); err != nil {
		tb.Fatal(err)
	}
	return e
}

func (f *fixture) state(tb testing.TB, id string) record.Encounter {
	tb.Helper()
	e, err := record.GetEncounter(context.Background(), f.store.DB, id)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}
