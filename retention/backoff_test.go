package retention

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// fillDatabase makes the record store full the way a full disk does for
// SQLite: the file may not grow (max_page_count at its size) and the table
// the purge writes first has no room left, so the next write fails with
// SQLite's own "database or disk is full". It returns how to give the
// space back.
func fillDatabase(t *testing.T, f *fixture) (free func()) {
	t.Helper()
	ctx := context.Background()
	db := f.store.DB
	var pages int
	if err := db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+1)); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		_, err := db.ExecContext(ctx, `INSERT INTO retention_state (key, value) VALUES (?, 'x')`, fmt.Sprintf("fill-%05d", i))
		if err != nil {
			if !IsNoSpace(err) {
				t.Fatalf("filling the database: %v", err)
			}
			break
		}
		if i > 100000 {
			t.Fatal("the database never filled")
		}
	}
	return func() {
		if _, err := db.ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPurgeBacksOffOnFullDisk: while the disk is full every purge run fails
// ("save clock high-water: database or disk is full"). The job must not
// retry at its full rate and log the same error on every run: it backs off
// (doubling from the interval), raises the alarm once (one error line, the
// status bar alarm on), and when space returns a kick purges at once, the
// recovery is logged and the alarm clears.
func TestPurgeBacksOffOnFullDisk(t *testing.T) {
	f := newFixture(t, "", Options{}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.add(t, CategoryUSCitizen, t0, t0, photo(4<<10))
	free := fillDatabase(t, f)
	if _, err := f.keep.Purge(ctx, false); !IsNoSpace(err) {
		t.Fatalf("purge on the full database: %v, want a full-disk error", err)
	}

	const interval = 20 * time.Millisecond
	done := make(chan struct{})
	go func() { defer close(done); f.keep.Run(ctx, interval) }()
	time.Sleep(1200 * time.Millisecond)

	logs := string(f.logs.Bytes())
	runs := strings.Count(logs, "database or disk is full")
	errorLines := 0
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "level=ERROR") && strings.Contains(l, "purge") {
			errorLines++
		}
	}
	if errorLines != 1 {
		t.Fatalf("%d error lines in 1.2 s of a full disk (interval %s), want the alarm raised once:\n%s",
			errorLines, interval, logs)
	}
	// At the full rate the job would have run about 60 times; backing off
	// from 20 ms it runs at 0, 20, 60, 140, 300, 620 ms.
	if runs > 10 {
		t.Fatalf("%d purge runs logged in 1.2 s of a full disk, want a backoff (at most 10)", runs)
	}
	st, err := f.keep.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Alarm || !strings.Contains(st.LastError, "database or disk is full") {
		t.Fatalf("status while the disk is full: %+v, want the alarm with the error", st)
	}

	free()
	f.clock.Set(t0.Add(13 * time.Hour)) // the U.S. citizen's photo is now due
	f.keep.Kick()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err = f.keep.Status(ctx)
		// Stored, not LastDeleted: the next run at the interval (nothing
		// left to delete) may already have replaced LastDeleted with 0.
		if err == nil && st.LastError == "" && st.Stored == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after space returned and a kick: status %+v, %v", st, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st.Alarm {
		t.Fatalf("alarm still raised after a good run: %+v", st)
	}
	if !bytes.Contains(f.logs.Bytes(), []byte("purge runs again")) {
		t.Fatalf("the recovery is not logged:\n%s", f.logs.Bytes())
	}
	cancel()
	<-done
}
