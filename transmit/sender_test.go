package transmit_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"veriport/backend"
	"veriport/backend/testpki"
	"veriport/record"
	"veriport/transmit"
)

type rig struct {
	t     *testing.T
	pki   *testpki.PKI
	store *record.Store
	recv  *backend.Receiver
	ids   []string
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	store, err := record.Open(ctx, filepath.Join(dir, "booth.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	recv, err := backend.OpenReceiver(ctx, filepath.Join(dir, "backend.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { recv.Close() })
	// These tests are about delivery; some results are dated 2026-11-25,
	// others now. The time window is TestResultFieldValidation's subject.
	recv.Window = transmit.Window{Past: 100 * 365 * 24 * time.Hour, Future: time.Hour}
	return &rig{t: t, pki: testpki.New(t), store: store, recv: recv}
}

func testResult(i int) transmit.Result {
	d := 0.31
	return transmit.Result{EncounterID: uuid.NewString(), Station: "booth-1", Officer: "o-17", Flight: "VP123",
		Time: time.Date(2026, 11, 25, 10, 0, i, 0, time.UTC), Outcome: "match",
		TravelerID: fmt.Sprintf("T%04d", i), Category: "in-scope", Distance: &d}
}

// enqueue writes n results, each in its own transaction as a booth would.
func (r *rig) enqueue(n int) {
	r.t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		res := testResult(len(r.ids))
		tx, err := r.store.DB.BeginTx(ctx, nil)
		if err != nil {
			r.t.Fatal(err)
		}
		if err := transmit.Enqueue(ctx, tx, res); err != nil {
			r.t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			r.t.Fatal(err)
		}
		r.ids = append(r.ids, res.EncounterID)
	}
}

func (r *rig) sender(url string) *transmit.Sender {
	return &transmit.Sender{Store: r.store, BaseURL: url, Client: r.pki.HTTPClient(),
		MinBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, Idle: 10 * time.Millisecond}
}

// runUntil runs s until the outbox is empty or the deadline passes.
func (r *rig) runUntil(s *transmit.Sender, within time.Duration) {
	r.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		st, err := r.store.OutboxStats(context.Background())
		if err != nil {
			r.t.Fatal(err)
		}
		if st.Pending == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	st, _ := r.store.OutboxStats(context.Background())
	r.t.Fatalf("outbox not drained within %v: %+v", within, st)
}

// assertDeliveredOnceInOrder checks the back end holds exactly r.ids, in order.
func (r *rig) assertDeliveredOnceInOrder() {
	r.t.Helper()
	got, err := r.recv.List(context.Background(), "2026-11-25")
	if err != nil {
		r.t.Fatal(err)
	}
	if len(got) != len(r.ids) {
		r.t.Fatalf("back end holds %d results, want %d", len(got), len(r.ids))
	}
	for i, s := range got {
		if s.EncounterID != r.ids[i] {
			r.t.Fatalf("result %d is %s, want %s: out of order", i, s.EncounterID, r.ids[i])
		}
	}
}

func TestOfflineThenBackDeliversAllInOrderOnce(t *testing.T) {
	r := newRig(t)
	var offline atomic.Bool
	offline.Store(true)
	var refused atomic.Int32
	srv := r.pki.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		if offline.Load() {
			refused.Add(1)
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		r.recv.ServeHTTP(w, q)
	}))
	r.enqueue(20)
	go func() { time.Sleep(300 * time.Millisecond); offline.Store(false) }()
	r.runUntil(r.sender(srv.URL+"/"), 10*time.Second)
	if refused.Load() < 2 {
		t.Errorf("only %d attempts while offline: no retry happened", refused.Load())
	}
	r.assertDeliveredOnceInOrder()
	st, _ := r.store.OutboxStats(context.Background())
	if st.Delivered != 20 || st.LastDelivered.IsZero() {
		t.Errorf("stats after drain: %+v", st)
	}
}

func TestReceiverKilledMidRequestStoresOnce(t *testing.T) {
	r := newRig(t)
	var drops atomic.Int32
	r.recv.BeforeAck = func(w http.ResponseWriter, _ *http.Request) {
		if drops.Add(1) <= 2 { // stored, then the connection dies before the answer
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			panic(http.ErrAbortHandler)
		}
	}
	srv := r.pki.Serve(t, r.recv)
	srv.Config.ErrorLog = nil
	r.enqueue(3)
	r.runUntil(r.sender(srv.URL), 10*time.Second)
	r.assertDeliveredOnceInOrder()
	if n, _ := r.recv.Count(context.Background()); n != 3 {
		t.Errorf("back end stored %d, want 3", n)
	}
}

func TestUntrustedBackEndRefused(t *testing.T) {
	r := newRig(t)
	other := testpki.New(t) // a back end whose certificate our CA did not sign
	srv := other.Serve(t, r.recv)
	r.enqueue(1)
	s := r.sender(srv.URL)
	s.Init()
	if _, err := s.Step(context.Background()); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("step against an untrusted back end = %v, want a certificate error", err)
	}
	st, _ := r.store.OutboxStats(context.Background())
	if st.Pending != 1 || !strings.Contains(st.LastError, "certificate") {
		t.Errorf("result not kept pending with the reason: %+v", st)
	}
	if n, _ := r.recv.Count(context.Background()); n != 0 {
		t.Errorf("untrusted back end received %d results", n)
	}
}

func TestClientWithoutCertificateRefused(t *testing.T) {
	r := newRig(t)
	srv := r.pki.Serve(t, r.recv)
	r.enqueue(1)
	s := r.sender(srv.URL)
	s.Client = &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		TLSClientConfig: r.pki.HTTPClient().Transport.(*http.Transport).TLSClientConfig.Clone()}}
	s.Client.Transport.(*http.Transport).TLSClientConfig.Certificates = nil
	s.Init()
	if _, err := s.Step(context.Background()); err == nil {
		t.Fatal("a booth without a client certificate was accepted")
	}
	if n, _ := r.recv.Count(context.Background()); n != 0 {
		t.Errorf("back end stored %d results from an unauthenticated booth", n)
	}
}

func TestOnAckRunsOnlyAfterAcknowledgment(t *testing.T) {
	r := newRig(t)
	var mu sync.Mutex
	var acked []string
	var fail atomic.Bool
	fail.Store(true)
	srv := r.pki.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		if fail.Load() {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		r.recv.ServeHTTP(w, q)
	}))
	r.enqueue(2)
	s := r.sender(srv.URL)
	s.OnAck = func(_ context.Context, id string, _ time.Time) error {
		mu.Lock()
		acked = append(acked, id)
		mu.Unlock()
		return nil
	}
	s.Init()
	for i := 0; i < 3; i++ {
		s.Step(context.Background())
	}
	mu.Lock()
	if len(acked) != 0 {
		t.Fatalf("OnAck ran for %v before any acknowledgment", acked)
	}
	mu.Unlock()
	fail.Store(false)
	r.runUntil(s, 5*time.Second)
	mu.Lock()
	defer mu.Unlock()
	if len(acked) != 2 || acked[0] != r.ids[0] || acked[1] != r.ids[1] {
		t.Errorf("OnAck calls %v, want %v", acked, r.ids)
	}
}

// TestDrainThousandsOfResults drains a backlog of 2,000 results, in order
// and once. (It drained 10,000 while the back end's SQLite store ran
// synchronous=NORMAL; with FULL both stores fsync each result, 18-70/s on
// the loaded 2-core machine, so the backlog is smaller; throughput is
// veriport bench's backend_results_per_s.)
func TestDrainThousandsOfResults(t *testing.T) {
	const n = 2000
	r := newRig(t)
	srv := r.pki.Serve(t, r.recv)
	r.enqueue(n)
	start := time.Now()
	r.runUntil(r.sender(srv.URL), 180*time.Second)
	el := time.Since(start)
	t.Logf("drained %d results in %v (%.0f/s)", n, el, n/el.Seconds())
	r.assertDeliveredOnceInOrder()
}

func TestEnqueueIsIdempotentAndValidates(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	res := testResult(0)
	for i := 0; i < 2; i++ {
		if err := transmit.Enqueue(ctx, r.store.DB, res); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := r.store.OutboxStats(ctx)
	if st.Pending != 1 {
		t.Errorf("pending %d after enqueueing one encounter twice, want 1", st.Pending)
	}
	bad := res
	bad.EncounterID = "not-a-uuid"
	if err := transmit.Enqueue(ctx, r.store.DB, bad); err == nil {
		t.Error("a result without a valid encounter id was enqueued")
	}
}

// TestOutboxDeadLetterOn4xx: a result the back end refuses for good (400,
// 413 above its size limit) is moved to the dead letters with the reason,
// and the results behind it keep flowing in order; a 429 (or 408) is only
// a "later" and is retried.
func TestOutboxDeadLetterOn4xx(t *testing.T) {
	r := newRig(t)
	r.enqueue(5)
	var throttled atomic.Bool
	srv := r.pki.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		body, _ := io.ReadAll(q.Body)
		q.Body = io.NopCloser(bytes.NewReader(body))
		switch {
		case bytes.Contains(body, []byte(r.ids[0])):
			http.Error(w, "malformed result", http.StatusBadRequest)
		case bytes.Contains(body, []byte(r.ids[2])):
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		case bytes.Contains(body, []byte(r.ids[3])) && !throttled.Swap(true):
			http.Error(w, "slow down", http.StatusTooManyRequests)
		default:
			r.recv.ServeHTTP(w, q)
		}
	}))
	r.runUntil(r.sender(srv.URL), 5*time.Second)
	dead := []string{r.ids[0], r.ids[2]}
	r.ids = []string{r.ids[1], r.ids[3], r.ids[4]}
	r.assertDeliveredOnceInOrder()
	st, err := r.store.OutboxStats(context.Background())
	if err != nil || st.Dead != 2 || st.Delivered != 3 || st.Pending != 0 {
		t.Fatalf("stats: %+v %v; want 2 dead, 3 delivered", st, err)
	}
	letters, err := r.store.DeadLetters(context.Background())
	if err != nil || len(letters) != 2 || letters[0].EncounterID != dead[0] || letters[1].EncounterID != dead[1] ||
		!strings.Contains(letters[0].LastError, "400") || !strings.Contains(letters[1].LastError, "413") {
		t.Fatalf("dead letters %+v %v", letters, err)
	}
	if !throttled.Load() {
		t.Fatal("429 never answered")
	}
}
