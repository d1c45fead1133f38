package retention

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"veriport/record"
)

const (
	killChildEnv = "VERIPORT_TEST_PURGE_CHILD"
	killBatch    = 500  // photos per purge batch
	killDue      = 1200 // due photos; batches of killBatch
	killKeep     = 5    // photos not yet due
	killAfter    = 700  // the child is killed after this many file removals (mid batch 2)
)

// TestKillMidPurge runs a purge in a child process (this test binary again),
// kills it with SIGKILL in the middle of a batch, then purges again here:
// every due photo is gone, logged exactly once, and nothing else touched.
func TestKillMidPurge(t *testing.T) {
	if dir := os.Getenv(killChildEnv); dir != "" {
		killChild(t, dir)
		return
	}
	dir := t.TempDir()
	f := newFixture(t, dir, Options{BatchSize: killBatch}, nil)
	f.vault.NoSync = true
	p := photo(2000)
	for range killDue {
		f.add(t, CategoryUSCitizen, t0, t0, p)
	}
	var kept []string
	for range killKeep {
		kept = append(kept, f.add(t, CategoryInScope, t0, t0, p).ID)
	}
	f.store.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillMidPurge$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	mid := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "MID-PURGE" {
				mid <- true
				return
			}
		}
		mid <- false
	}()
	select {
	case ok := <-mid:
		if !ok {
			cmd.Wait()
			t.Fatal("child ended without reaching the middle of the purge")
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("child did not reach the middle of the purge in 60 s")
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()

	// What the killed run left: batch 1 logged, batch 2 marked but not logged.
	g := newFixture(t, dir, Options{BatchSize: killBatch}, nil)
	ctx := context.Background()
	var logged, purging int
	g.store.DB.QueryRow(`SELECT COUNT(*) FROM purge_log`).Scan(&logged)
	g.store.DB.QueryRow(`SELECT COUNT(*) FROM encounters WHERE photo_state = 'purging'`).Scan(&purging)
	if logged != 500 || purging != 500 {
		t.Fatalf("after the kill: %d logged, %d purging; want 500 and 500", logged, purging)
	}
	files, _ := g.vault.Files()
	if want := killDue - killAfter + killKeep; len(files) != want {
		t.Fatalf("after the kill: %d files, want %d", len(files), want)
	}

	// The second run completes the purge.
	g.clock.Set(t0.Add(13 * time.Hour))
	rep, err := g.keep.Purge(ctx, false)
	if err != nil || rep.Deleted != killDue-500 || rep.Absent != 0 || rep.Failed != 0 || rep.Overdue != 0 {
		t.Fatalf("second run: due %d deleted %d absent %d failed %d overdue %d, %v",
			rep.Due, rep.Deleted, rep.Absent, rep.Failed, rep.Overdue, err)
	}
	log, err := record.ListPurges(ctx, g.store.DB, record.PurgeKindPhoto)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, l := range log {
		if seen[l.SubjectID] || l.Result != record.ResultDeleted || l.Category != CategoryUSCitizen {
			t.Fatalf("purge log row %+v (repeated or wrong)", l)
		}
		seen[l.SubjectID] = true
	}
	if len(seen) != killDue {
		t.Fatalf("purge log names %d photos, want %d", len(seen), killDue)
	}
	var states = map[string]int{}
	rows, _ := g.store.DB.Query(`SELECT photo_state, COUNT(*) FROM encounters GROUP BY photo_state`)
	for rows.Next() {
		var s string
		var n int
		rows.Scan(&s, &n)
		states[s] = n
	}
	rows.Close()
	if states[record.PhotoPurged] != killDue || states[record.PhotoStored] != killKeep || len(states) != 2 {
		t.Fatalf("photo states %v", states)
	}
	files, _ = g.vault.Files()
	if len(files) != killKeep {
		t.Fatalf("%d files left, want the %d not due", len(files), killKeep)
	}
	for _, id := range kept {
		if _, err := g.keep.Photo(ctx, id, "o.test", "test"); err != nil {
			t.Errorf("photo not due was lost: %v", err)
		}
	}
	if a, _ := record.VerifyAudit(ctx, g.store.DB); !a.Intact {
		t.Fatalf("audit chain after kill: %+v", a)
	}
	if again, _ := g.keep.Purge(ctx, false); again.Due != 0 {
		t.Fatalf("third run found %d due", again.Due)
	}
}

// killChild purges slowly enough to be killed: after killAfter removals it
// says so on stdout and waits for the SIGKILL.
func killChild(t *testing.T, dir string) {
	f := newFixture(t, dir, Options{BatchSize: killBatch}, nil)
	f.clock.Set(t0.Add(13 * time.Hour))
	f.keep.afterRemove = func(n int) {
		if n == killAfter {
			fmt.Println("MID-PURGE")
			os.Stdout.Sync()
			time.Sleep(time.Hour)
		}
	}
	f.keep.Purge(context.Background(), false)
	t.Fatal("child purge finished without being killed")
}
