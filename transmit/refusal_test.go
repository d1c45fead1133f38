package transmit_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"veriport/transmit"
)

// enqueueAt writes n results dated at (the booth's clock).
func (r *rig) enqueueAt(n int, at time.Time) {
	r.t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		d := 0.31
		res := transmit.Result{EncounterID: uuid.NewString(), Station: "booth-1", Officer: "o-17", Flight: "VP123",
			Time: at.Add(time.Duration(i) * time.Second), Outcome: "match",
			TravelerID: fmt.Sprintf("T%04d", i), Category: "in-scope", Distance: &d}
		if err := transmit.Enqueue(ctx, r.store.DB, res); err != nil {
			r.t.Fatal(err)
		}
		r.ids = append(r.ids, res.EncounterID)
	}
}

// runFor runs s for d.
func runFor(s *transmit.Sender, d time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	s.Run(ctx)
}

// TestClockSkewNotDeadLettered: a booth clock 15 minutes ahead gets 422
// for every result (times in the future of the back end's window); a
// renamed station gets 403; a proxy in front of the back end answers 404.
// None of these is caused by the message: nothing is dead-lettered, the
// results stay pending and are resent, and the outbox names the cause for
// the alarm. Once the cause is gone every result is delivered, in order.
// A schema error (400) is still dead-lettered.
func TestClockSkewNotDeadLettered(t *testing.T) {
	ctx := context.Background()
	t.Run("clock", func(t *testing.T) {
		r := newRig(t)
		r.recv.Window = transmit.DefaultWindow
		ahead := 15 * time.Minute
		r.enqueueAt(5, time.Now().Add(ahead))
		var fixed atomic.Bool
		r.recv.Now = func() time.Time {
			if fixed.Load() {
				return time.Now().Add(ahead)
			}
			return time.Now()
		}
		srv := r.pki.Serve(t, r.recv)
		s := r.sender(srv.URL)
		s.Now = func() time.Time { return time.Now().Add(ahead) } // the booth's clock
		runFor(s, 400*time.Millisecond)
		st, err := r.store.OutboxStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Dead != 0 || st.Pending != 5 {
			t.Fatalf("booth clock %v ahead: %d dead-lettered, %d pending; want 0 and 5", ahead, st.Dead, st.Pending)
		}
		if st.Blocked != transmit.CauseClock.String() || !strings.Contains(st.LastError, "clock") ||
			!strings.Contains(st.LastError, "ahead") {
			t.Errorf("alarm does not name the clock: blocked %q, last error %q", st.Blocked, st.LastError)
		}
		fixed.Store(true) // the back end's window now covers the booth's clock
		r.runUntil(s, 5*time.Second)
		r.assertDeliveredOnceInOrderAt(time.Now().Add(ahead).UTC().Format(time.DateOnly))
		if st, _ := r.store.OutboxStats(ctx); st.Blocked != "" || st.Delivered != 5 {
			t.Errorf("after the fix: %+v", st)
		}
	})
	for _, tc := range []struct {
		name   string
		status int
		text   string
	}{
		{"renamed station", http.StatusForbidden, `station "booth-1" is not the station of this client certificate`},
		{"proxy", http.StatusNotFound, "404 page not found"},
		{"unauthorised", http.StatusUnauthorized, "client certificate required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			r.enqueue(4)
			var healed atomic.Bool
			srv := r.pki.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
				if !healed.Load() {
					http.Error(w, tc.text, tc.status)
					return
				}
				r.recv.ServeHTTP(w, q)
			}))
			s := r.sender(srv.URL)
			runFor(s, 300*time.Millisecond)
			st, err := r.store.OutboxStats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if st.Dead != 0 || st.Pending != 4 {
				t.Fatalf("%d: %d dead-lettered, %d pending; want 0 and 4", tc.status, st.Dead, st.Pending)
			}
			if st.Blocked != transmit.CauseConfig.String() || !strings.Contains(st.LastError, fmt.Sprint(tc.status)) {
				t.Errorf("%d: alarm %q, last error %q", tc.status, st.Blocked, st.LastError)
			}
			healed.Store(true)
			r.runUntil(s, 5*time.Second)
			r.assertDeliveredOnceInOrder()
		})
	}
	t.Run("schema error still dead-lettered", func(t *testing.T) {
		r := newRig(t)
		r.enqueue(2)
		srv := r.pki.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
			w.Header().Set(transmit.RefusalHeader, transmit.CauseMessage.String())
			http.Error(w, "malformed result message: outcome", http.StatusUnprocessableEntity)
		}))
		r.runUntil(r.sender(srv.URL), 5*time.Second)
		if st, _ := r.store.OutboxStats(ctx); st.Dead != 2 || st.Blocked != "" {
			t.Errorf("schema errors: %+v; want 2 dead letters", st)
		}
	})
}

// assertDeliveredOnceInOrderAt is assertDeliveredOnceInOrder for results
// dated day.
func (r *rig) assertDeliveredOnceInOrderAt(day string) {
	r.t.Helper()
	got, err := r.recv.List(context.Background(), day)
	if err != nil {
		r.t.Fatal(err)
	}
	if len(got) != len(r.ids) {
		r.t.Fatalf("back end holds %d results of %s, want %d", len(got), day, len(r.ids))
	}
	for i, s := range got {
		if s.EncounterID != r.ids[i] {
			r.t.Fatalf("result %d is %s, want %s: out of order", i, s.EncounterID, r.ids[i])
		}
	}
}
