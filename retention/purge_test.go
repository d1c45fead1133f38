package retention

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"veriport/record"
)

func TestClockJumps(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	a := f.add(t, CategoryUSCitizen, t0, t0, photo(300)) // due t0+12h
	c := f.add(t, CategoryInScope, t0, t0, photo(300))   // due t0+14d

	// Forward jump past A's deadline: A purged at once, C kept.
	f.clock.Set(t0.Add(12*time.Hour + time.Minute))
	rep, err := f.keep.Purge(ctx, false)
	if err != nil || rep.Deleted != 1 || rep.Items[0].EncounterID != a.ID {
		t.Fatalf("forward jump: %+v %v", rep, err)
	}
	highWater := rep.Now

	// Backward jump by a day: nothing restored, nothing fails, and a photo
	// stamped with the wrong (early) clock is still purged by the latest time
	// seen, never kept longer than its rule allows.
	f.clock.Set(t0.Add(-12 * time.Hour))
	d := f.add(t, CategoryUSCitizen, f.clock.Now(), f.clock.Now(), photo(300)) // due t0 by its stamps
	rep, err = f.keep.Purge(ctx, false)
	if err != nil || !rep.Now.Equal(highWater) {
		t.Fatalf("backward jump: now %s (want high-water %s), %v", rep.Now, highWater, err)
	}
	if rep.Deleted != 1 || rep.Items[0].EncounterID != d.ID {
		t.Fatalf("backward jump: %+v", rep)
	}
	if got := f.state(t, c.ID); got.PhotoState != record.PhotoStored {
		t.Fatalf("in-scope photo %s after backward jump", got.PhotoState)
	}
	if !strings.Contains(string(f.logs.Bytes()), "clock is behind") {
		t.Error("backward jump not logged")
	}
	// Overdue counts use the latest time too: nothing is overdue.
	st, err := f.keep.Status(ctx)
	if err != nil || st.Overdue != 0 || st.Stored != 1 || st.Alarm {
		t.Fatalf("status after jumps: %+v %v", st, err)
	}
	// Forward past C's deadline.
	f.clock.Set(t0.Add(15 * 24 * time.Hour))
	if rep, _ := f.keep.Purge(ctx, false); rep.Deleted != 1 {
		t.Fatalf("second forward jump: %+v", rep)
	}
	log, _ := record.ListPurges(ctx, f.store.DB, record.PurgeKindPhoto)
	for i := 1; i < len(log); i++ {
		if log[i].PurgedAt.Before(log[i-1].PurgedAt) {
			t.Errorf("purge log goes back in time: %s then %s", log[i-1].PurgedAt, log[i].PurgedAt)
		}
	}
	if len(log) != 3 {
		t.Fatalf("purge log has %d rows, want 3", len(log))
	}
}

func TestPurgeIdempotentAndDryRun(t *testing.T) {
	f := newFixture(t, "", Options{BatchSize: 3}, nil)
	ctx := context.Background()
	for range 7 {
		f.add(t, CategoryExempt, t0, t0, photo(100))
	}
	keep := f.add(t, CategoryLPR, t0, t0, photo(100))
	f.clock.Set(t0.Add(13 * time.Hour))
	dry, err := f.keep.Purge(ctx, true)
	if err != nil || dry.Due != 7 || dry.Deleted != 0 || len(dry.Items) != 7 || !dry.Items[0].Overdue || dry.Overdue != 7 {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	if files, _ := f.vault.Files(); len(files) != 8 {
		t.Fatalf("dry run deleted files: %d left", len(files))
	}
	if n, _ := OverdueCount(ctx, f.store.DB, f.clock.Now()); n != 7 {
		t.Fatalf("overdue %d, want 7", n)
	}
	if st, _ := f.keep.Status(ctx); !st.Alarm || st.Overdue != 7 || !strings.Contains(st.String(), "OVERDUE") {
		t.Fatalf("status %+v", st)
	}
	rep, err := f.keep.Purge(ctx, false)
	// The exempt bucket is emptied (its key destroyed); the LPR one is not.
	if err != nil || rep.Deleted != 7 || rep.Overdue != 0 || rep.KeysDestroyed != 1 {
		t.Fatalf("purge: %+v %v", rep, err)
	}
	again, err := f.keep.Purge(ctx, false)
	if err != nil || again.Due != 0 || again.Deleted != 0 {
		t.Fatalf("second purge: %+v %v", again, err)
	}
	log, _ := record.ListPurges(ctx, f.store.DB, "")
	if len(log) != 7 {
		t.Fatalf("purge log %d rows, want 7", len(log))
	}
	if files, _ := f.vault.Files(); len(files) != 1 || !strings.Contains(files[0], keep.ID) {
		t.Fatalf("vault files %v", files)
	}
	rep0, _ := record.VerifyAudit(ctx, f.store.DB)
	// capture + match per encounter, one per photo purged, the run, one key destroyed
	if !rep0.Intact || rep0.Entries != 8*2+7+1+1 {
		t.Fatalf("audit after purge: %+v", rep0)
	}
}

func TestCopiedAsideUnreadableAfterPurge(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	p := photo(4000)
	e := f.add(t, CategoryUSCitizen, t0, t0, p)
	src := filepath.Join(f.vault.Dir(), e.VaultBucket, e.ID+fileSuffix)
	blob, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(blob, p[:64]) {
		t.Fatal("vault file holds the photo in clear")
	}
	aside := filepath.Join(t.TempDir(), "copy.vpv")
	if err := os.WriteFile(aside, blob, 0o600); err != nil {
		t.Fatal(err)
	}
	// Before the purge the copy opens (it is the same ciphertext).
	if got, err := f.vault.Decrypt(ctx, f.store.DB, blob); err != nil || !bytes.Equal(got, p) {
		t.Fatalf("decrypt before purge: %v", err)
	}
	var wrapped []byte
	if err := f.store.DB.QueryRow(`SELECT wrapped FROM vault_keys`).Scan(&wrapped); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(t0.Add(13 * time.Hour))
	if rep, err := f.keep.Purge(ctx, false); err != nil || rep.KeysDestroyed != 1 {
		t.Fatalf("purge: %+v %v", rep, err)
	}
	copyBlob, _ := os.ReadFile(aside)
	if _, err := f.vault.Decrypt(ctx, f.store.DB, copyBlob); !errors.Is(err, ErrKeyDestroyed) {
		t.Fatalf("copy after purge: %v, want ErrKeyDestroyed", err)
	}
	// The wrapped key is gone from the database files too (secure_delete + checkpoint).
	for _, name := range []string{"v.db", "v.db-wal"} {
		data, err := os.ReadFile(filepath.Join(f.dir, name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(data, wrapped) {
			t.Errorf("%s still holds the destroyed wrapped key", name)
		}
	}
	if _, err := os.Stat(filepath.Dir(src)); !os.IsNotExist(err) {
		t.Errorf("empty bucket folder left: %v", err)
	}
}

func TestVaultRoundTripAndTamper(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	p := photo(2048)
	e := f.add(t, CategoryInScope, t0, t0, p)
	got, err := f.keep.Photo(ctx, e.ID, "o.test", "test")
	if err != nil || !bytes.Equal(got, p) {
		t.Fatalf("round trip: %v", err)
	}
	blob, _ := os.ReadFile(filepath.Join(f.vault.Dir(), e.VaultBucket, e.ID+fileSuffix))
	blob[len(blob)-1] ^= 1
	if _, err := f.vault.Decrypt(ctx, f.store.DB, blob); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("tampered: %v", err)
	}
	// The wrong master key cannot unwrap the data key.
	other, _ := NewVault(f.vault.Dir(), bytes.Repeat([]byte{9}, 32), nil)
	blob[len(blob)-1] ^= 1
	if _, err := other.Decrypt(ctx, f.store.DB, blob); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("wrong master key: %v", err)
	}
}

func FuzzParseBlob(f *testing.F) {
	key := bytes.Repeat([]byte{1}, 32)
	good, _ := sealBlob(key, "0b6b1a1e-2f6c-4a53-9a53-1d2c3b4a5f60", "enc-1", []byte("x"))
	f.Add(good)
	f.Add([]byte("VPV1"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := parseBlob(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error not ErrCorrupt: %v", err)
			}
			return
		}
		if len(h.nonce) != 12 || len(h.sealed) < 16 || h.id == "" {
			t.Fatalf("accepted a malformed header: %+v", h)
		}
	})
}

// failingFS writes part of a file, then reports a full disk.
type failingFS struct {
	OSFS
	after int
}

type failingFile struct {
	*os.File
	left int
}

func (f *failingFile) Write(p []byte) (int, error) {
	if len(p) > f.left {
		n, _ := f.File.Write(p[:f.left])
		f.left = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscallENOSPC}
	}
	f.left -= len(p)
	return f.File.Write(p)
}

func (fs failingFS) CreateTemp(dir, pattern string) (File, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return &failingFile{File: f, left: fs.after}, nil
}

func TestDiskFullWhileWritingPhoto(t *testing.T) {
	f := newFixture(t, "", Options{}, failingFS{after: 1000})
	ctx := context.Background()
	p := photo(5000)
	e := &record.Encounter{Station: "t", StartedAt: t0, CapturedAt: t0, VerifiedAt: t0,
		Category: CategoryUSCitizen, Outcome: "match"}
	err := f.keep.RecordEncounter(ctx, e, p, nil)
	if !errors.Is(err, ErrNoSpace) || !strings.Contains(err.Error(), "recorded without its photo") {
		t.Fatalf("err = %v, want ErrNoSpace saying the encounter is recorded", err)
	}
	got := f.state(t, e.ID)
	if got.PhotoState != record.PhotoFailed || got.Outcome != "match" || !got.PurgeDeadline.IsZero() {
		t.Fatalf("encounter after disk full: %+v", got)
	}
	assertNoPhotoOnDisk(t, f.dir, p)
	if files, _ := f.vault.Files(); len(files) != 0 {
		t.Fatalf("half-written files left: %v", files)
	}
	// The next purge destroys the unused bucket key; nothing is due.
	f.clock.Set(t0.Add(13 * time.Hour))
	if rep, err := f.keep.Purge(ctx, false); err != nil || rep.Due != 0 || rep.KeysDestroyed != 1 {
		t.Fatalf("purge after disk full: %+v %v", rep, err)
	}
	assertNoPhotoBytesInLogs(t, f.logs.Bytes(), p)
}

// assertNoPhotoOnDisk scans every file under dir for a slice of the photo.
func assertNoPhotoOnDisk(t *testing.T, dir string, p []byte) {
	t.Helper()
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, _ := os.ReadFile(path)
		if bytes.Contains(data, p[len(p)/2:len(p)/2+32]) || bytes.Contains(data, p[:24]) {
			t.Errorf("%s holds photo bytes in clear", path)
		}
		return nil
	})
}

// assertNoPhotoBytesInLogs looks for the photo raw, in hex and in base64.
func assertNoPhotoBytesInLogs(t *testing.T, logs, p []byte) {
	t.Helper()
	chunk := p[100:124]
	for name, needle := range map[string][]byte{
		"raw": chunk, "marker": []byte("PHOTO-BYTES-MARKER"),
		"hex": []byte(hex.EncodeToString(chunk)), "base64": []byte(base64.StdEncoding.EncodeToString(chunk)[:24]),
	} {
		if bytes.Contains(logs, needle) {
			t.Errorf("log output holds photo bytes (%s)", name)
		}
	}
}

func TestNoPhotoBytesInLogs(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	p := photo(3000)
	e := f.add(t, CategoryUSCitizen, t0, t0, p)
	if _, err := f.keep.Photo(ctx, e.ID, "o.test", "test"); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(t0.Add(-time.Hour))
	f.keep.Purge(ctx, false)
	f.clock.Set(t0.Add(13 * time.Hour))
	if rep, err := f.keep.Purge(ctx, false); err != nil || rep.Deleted != 1 {
		t.Fatal(rep, err)
	}
	logs := f.logs.Bytes()
	if !bytes.Contains(logs, []byte(e.ID)) {
		t.Fatalf("log capture saw nothing of the encounter:\n%s", logs)
	}
	assertNoPhotoBytesInLogs(t, logs, p)
}

func TestLogPurgeForGallery(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	var pl interface {
		LogPurge(ctx context.Context, kind, id string, deadline, purgedAt time.Time, method, result string) error
	} = PurgeLogger{Store: f.store}
	for range 2 { // the same gallery may expire twice (downloaded again)
		if err := pl.LogPurge(ctx, record.PurgeKindGallery, "AA123-2026-03-02", t0, t0.Add(time.Minute),
			record.MethodFileDelete, record.ResultDeleted); err != nil {
			t.Fatal(err)
		}
	}
	log, _ := record.ListPurges(ctx, f.store.DB, record.PurgeKindGallery)
	if len(log) != 2 || log[0].SubjectID != "AA123-2026-03-02" || !log[0].Deadline.Equal(t0) {
		t.Fatalf("gallery purge log %+v", log)
	}
	if rep, _ := record.VerifyAudit(ctx, f.store.DB); !rep.Intact || rep.Entries != 2 {
		t.Fatalf("audit %+v", rep)
	}
}

func TestFailedDeletionRaisesOverdueAlarm(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	e := f.add(t, CategoryUSCitizen, t0, t0, photo(100))
	// Make the bucket folder undeletable-from: replace the file by a non-empty folder.
	path := filepath.Join(f.vault.Dir(), e.VaultBucket, e.ID+fileSuffix)
	os.Remove(path)
	os.MkdirAll(filepath.Join(path, "x"), 0o700)
	f.clock.Set(t0.Add(12*time.Hour + 2*time.Minute))
	rep, err := f.keep.Purge(ctx, false)
	if err != nil || rep.Failed != 1 || rep.Overdue != 1 || rep.KeysDestroyed != 0 {
		t.Fatalf("purge with a failing delete: %+v %v", rep, err)
	}
	st, _ := f.keep.Status(ctx)
	if !st.Alarm || st.Overdue != 1 {
		t.Fatalf("status %+v", st)
	}
	os.RemoveAll(path)
	rep, _ = f.keep.Purge(ctx, false)
	if rep.Deleted != 1 || rep.Overdue != 0 {
		t.Fatalf("retry: %+v", rep)
	}
	log, _ := record.ListPurges(ctx, f.store.DB, record.PurgeKindPhoto)
	if len(log) != 1 || log[0].Result != record.ResultDeleted {
		t.Fatalf("log %+v", log)
	}
}

func TestConcurrentPurgesLogOnce(t *testing.T) {
	dir := t.TempDir()
	a := newFixture(t, dir, Options{BatchSize: 50}, nil)
	b := newFixture(t, dir, Options{BatchSize: 50}, nil)
	a.vault.NoSync = true
	for range 300 {
		a.add(t, CategoryUSCitizen, t0, t0, photo(200))
	}
	a.clock.Set(t0.Add(13 * time.Hour))
	b.clock.Set(t0.Add(13 * time.Hour))
	ctx := context.Background()
	errs := make(chan error, 2)
	for _, f := range []*fixture{a, b} {
		go func() { _, err := f.keep.Purge(ctx, false); errs <- err }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	log, _ := record.ListPurges(ctx, a.store.DB, record.PurgeKindPhoto)
	if len(log) != 300 {
		t.Fatalf("%d purge rows, want 300", len(log))
	}
	for _, l := range log {
		if l.Result != record.ResultDeleted {
			t.Fatalf("row %+v", l)
		}
	}
}

func TestInterruptedWriteTempSwept(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	bucket := filepath.Join(f.vault.Dir(), "2026030221")
	os.MkdirAll(bucket, 0o700)
	old, fresh := filepath.Join(bucket, ".put-1.tmp"), filepath.Join(bucket, ".put-2.tmp")
	os.WriteFile(old, []byte("ciphertext"), 0o600)
	os.WriteFile(fresh, []byte("ciphertext"), 0o600)
	past := time.Now().Add(-time.Hour)
	os.Chtimes(old, past, past)
	if _, err := NewVault(f.vault.Dir(), f.key, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("stale temp file of an interrupted write kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("temp file of a write in progress removed")
	}
}

// TestCryptoEraseWithSharedBucketAfterAck: an acknowledgment brings a
// partner photo's deadline forward while other photos stay in its original
// bucket. A copy of the vault file taken after the acknowledgment must be
// unreadable right after the purge that deletes it, not when its first
// bucket finally empties days later.
func TestCryptoEraseWithSharedBucketAfterAck(t *testing.T) {
	f := newFixture(t, "", Options{Mode: ModePartner}, nil)
	ctx := context.Background()
	var encs []*record.Encounter
	var photos [][]byte
	for range 3 { // one bucket: in-scope, due t0+14d
		p := photo(2000)
		photos = append(photos, p)
		encs = append(encs, f.add(t, CategoryInScope, t0, t0, p))
	}
	if encs[0].VaultBucket != encs[2].VaultBucket {
		t.Fatal("fixture: photos not in one bucket")
	}
	ack := t0.Add(time.Minute)
	f.clock.Set(ack)
	if err := f.keep.MarkAcknowledged(ctx, encs[0].ID, ack); err != nil {
		t.Fatal(err)
	}
	got := f.state(t, encs[0].ID)
	blob, err := os.ReadFile(filepath.Join(f.vault.Dir(), got.VaultBucket, got.ID+fileSuffix))
	if err != nil {
		t.Fatal(err)
	}
	aside := filepath.Join(t.TempDir(), "copy.vpv")
	if err := os.WriteFile(aside, blob, 0o600); err != nil {
		t.Fatal(err)
	}
	if p, err := f.keep.Photo(ctx, encs[0].ID, "o.test", "test"); err != nil || !bytes.Equal(p, photos[0]) {
		t.Fatalf("acknowledged photo unreadable before its purge: %v", err)
	}
	rep, err := f.keep.Purge(ctx, false)
	if err != nil || rep.Deleted != 1 || rep.Items[0].EncounterID != encs[0].ID {
		t.Fatalf("purge after acknowledgment: %+v %v", rep, err)
	}
	copyBlob, _ := os.ReadFile(aside)
	if _, err := f.vault.Decrypt(ctx, f.store.DB, copyBlob); !errors.Is(err, ErrKeyDestroyed) {
		t.Fatalf("copy of the acknowledged photo after its purge: %v, want ErrKeyDestroyed", err)
	}
	if _, err := os.Stat(filepath.Join(f.vault.Dir(), encs[0].VaultBucket, encs[0].ID+fileSuffix)); !os.IsNotExist(err) {
		t.Fatalf("the photo's file is still in its first bucket: %v", err)
	}
	for i := 1; i < 3; i++ {
		if p, err := f.keep.Photo(ctx, encs[i].ID, "o.test", "test"); err != nil || !bytes.Equal(p, photos[i]) {
			t.Fatalf("photo %d sharing the first bucket: %v", i, err)
		}
	}
}

// TestOutboxPhotoObeysDeadline: the sealed photo queued with a result for
// the back end is governed by the photo's deadline: when the back end is
// unreachable past it, the purge deletes the queued copy too (the result
// itself still goes).
func TestOutboxPhotoObeysDeadline(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx := context.Background()
	sealed := photo(1500)
	e := &record.Encounter{Station: "t", StartedAt: t0, CapturedAt: t0, VerifiedAt: t0,
		Category: CategoryUSCitizen, Outcome: "match"}
	err := f.keep.RecordEncounter(ctx, e, photo(1500), func(ctx context.Context, tx *sql.Tx) error {
		return record.Enqueue(ctx, tx, e.ID, []byte(`{"outcome":"match"}`), sealed, t0)
	})
	if err != nil {
		t.Fatal(err)
	}
	queued := func() []byte {
		it, err := f.store.OutboxHead(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return it.Photo
	}
	f.clock.Set(t0.Add(11 * time.Hour))
	if _, err := f.keep.Purge(ctx, false); err != nil || !bytes.Equal(queued(), sealed) {
		t.Fatalf("queued photo dropped before its deadline: %v", err)
	}
	f.clock.Set(t0.Add(12*time.Hour + time.Minute))
	if rep, err := f.keep.Purge(ctx, false); err != nil || rep.Deleted != 1 {
		t.Fatalf("purge: %+v %v", rep, err)
	}
	if p := queued(); p != nil {
		t.Fatalf("the outbox still holds the %d-byte sealed photo after its deadline", len(p))
	}
}
