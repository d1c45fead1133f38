package backend

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"veriport/pgtest"
	"veriport/transmit"
)

// TestGroupCommitStoresConcurrentResultsOnce: results put at the same time
// are committed together (fewer transactions than results), each stored
// once; an identical replay racing its original is acknowledged as a
// duplicate, a different result racing under the same encounter id is a
// conflict, and the one stored is the one acknowledged as new.
func TestGroupCommitStoresConcurrentResultsOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st *Store) {
		const n, replays, conflicts = 120, 20, 10
		now := time.Now().UTC()
		type put struct {
			res transmit.Result
			dup bool
			err error
		}
		var puts []*put
		for i := range n {
			r := recentResult("booth-1", i)
			puts = append(puts, &put{res: r})
			switch {
			case i < replays:
				again := r
				again.AuditSeq, again.AuditHash = 9, "cd34" // the head is not part of the content
				puts = append(puts, &put{res: again})
			case i < replays+conflicts:
				other := r
				other.Outcome, other.Final, other.TravelerID = "no-match", transmit.FinalReferred, ""
				puts = append(puts, &put{res: other})
			}
		}
		start := make(chan struct{})
		var wg sync.WaitGroup
		for _, p := range puts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				p.dup, p.err = st.Put(context.Background(), &p.res, mustJSON(t, p.res), now)
			}()
		}
		close(start)
		wg.Wait()
		if c := st.commits.Load(); c == 0 || c > int64(len(puts))/2 {
			t.Errorf("%d results put at once took %d transactions, want at most %d", len(puts), c, len(puts)/2)
		}
		if got, err := st.Count(context.Background()); err != nil || got != n {
			t.Fatalf("store holds %d results (%v), want %d", got, err, n)
		}
		byID := map[string][]*put{}
		for _, p := range puts {
			byID[p.res.EncounterID] = append(byID[p.res.EncounterID], p)
		}
		stored, err := st.ListStation(context.Background(), "booth-1")
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range stored {
			ps := byID[s.EncounterID]
			var fresh, dups, conflicted int
			var winner *put
			for _, p := range ps {
				switch {
				case p.err == nil && !p.dup:
					fresh++
					winner = p
				case p.err == nil && p.dup:
					dups++
				case errors.Is(p.err, ErrConflict):
					conflicted++
				default:
					t.Fatalf("result %d: put failed: %v", i, p.err)
				}
			}
			if fresh != 1 {
				t.Fatalf("encounter %s: acknowledged as new %d times, want once", s.EncounterID, fresh)
			}
			if !SameContent(winner.res, s.Result) {
				t.Fatalf("encounter %s: stored %+v, but %+v was acknowledged as new", s.EncounterID, s.Result, winner.res)
			}
			if len(ps) == 2 && dups+conflicted != 1 {
				t.Fatalf("encounter %s: the racing second put: %d duplicates, %d conflicts, want one of them", s.EncounterID, dups, conflicted)
			}
			if len(ps) == 2 && SameContent(ps[0].res, ps[1].res) != (dups == 1) {
				t.Fatalf("encounter %s: same content %v, but %d duplicates and %d conflicts", s.EncounterID,
					SameContent(ps[0].res, ps[1].res), dups, conflicted)
			}
		}
	})
}

// TestGroupCommitRefusedRowFailsOnlyItself: when PostgreSQL refuses one
// result of a batch (a NUL byte in a text column), the batch's other
// results are still stored and acknowledged; only that one fails, as a
// store failure the booth may retry.
func TestGroupCommitRefusedRowFailsOnlyItself(t *testing.T) {
	st, err := OpenStore(context.Background(), pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const n = 40
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		r := recentResult("booth-1", i)
		if i == n/2 {
			r.Officer = "o\x00"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = st.Put(context.Background(), &r, mustJSON(t, r), time.Now())
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if i == n/2 {
			if !errors.Is(err, ErrStore) {
				t.Fatalf("the result PostgreSQL refuses: %v, want ErrStore", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("result %d failed with the refused one: %v", i, err)
		}
	}
	if got, _ := st.Count(context.Background()); got != n-1 {
		t.Fatalf("store holds %d results, want %d", got, n-1)
	}
}

// TestPutAfterCloseIsAStoreFailure: a result arriving while the back end
// shuts down is refused as a store failure (503: the booth resends it).
func TestPutAfterCloseIsAStoreFailure(t *testing.T) {
	eachStore(t, func(t *testing.T, st *Store) {
		r := recentResult("booth-1", 0)
		if _, err := st.Put(context.Background(), &r, mustJSON(t, r), time.Now()); err != nil {
			t.Fatal(err)
		}
		st.Close()
		r = recentResult("booth-1", 1)
		if _, err := st.Put(context.Background(), &r, mustJSON(t, r), time.Now()); !errors.Is(err, ErrStore) {
			t.Fatalf("put after close: %v, want ErrStore", err)
		}
	})
}
