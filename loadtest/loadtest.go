// Package loadtest drives the reference back end as a terminal does: many
// booths, each with its own client certificate, record store and outbox,
// sending results concurrently over mutual TLS to one back end, optionally
// while its database restarts. It checks that every result is stored
// exactly once in each booth's order, and measures throughput and
// acknowledgment latency. The tests and `veriport bench` use it.
package loadtest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"veriport/backend"
	"veriport/backend/galleryservice"
	"veriport/record"
	"veriport/transmit"
)

// Options shape one run.
type Options struct {
	Booths   int    // simulated booths
	PerBooth int    // results each booth sends (with Duration: each refill of its outbox)
	DSN      string // the back end's result store (postgres://… or a SQLite path)
	Dir      string // where the booths' stores go
	// Restart, when set, is called once when half the results are stored
	// (the database server restarts under load).
	Restart func() error
	Log     *slog.Logger
	// Timeout bounds the whole run (default 10 minutes, after Duration).
	Timeout time.Duration
	// Duration, when set, runs the booths for that long instead of for
	// PerBooth results each: a booth's outbox is topped up with PerBooth
	// new results whenever fewer than PerBooth/2 are waiting, until
	// Duration has passed; then the run waits for every outbox to drain.
	// Restart then happens at half the Duration.
	Duration time.Duration
}

// Figures are what one run measured.
type Figures struct {
	Results     int           `json:"results"`
	Elapsed     time.Duration `json:"elapsed"`
	ResultsPerS float64       `json:"results_per_s"`
	AckP50MS    float64       `json:"ack_ms_p50"`
	AckP95MS    float64       `json:"ack_ms_p95"`
	Refused     int64         `json:"refused"`   // answers other than 200 (503 while the database restarts)
	Restarted   bool          `json:"restarted"` // the restart happened mid-run
}

// ErrLost means the back end does not hold every result once, in order.
var ErrLost = errors.New("load test: results lost, duplicated or out of order")

type pki struct {
	ca    *x509.Certificate
	key   *ecdsa.PrivateKey
	pool  *x509.CertPool
	nextN int64
}

func newPKI() (*pki, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "load-test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	ca, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &pki{ca: ca, key: key, pool: pool, nextN: 1}, nil
}

func (p *pki) leaf(cn string, usage x509.ExtKeyUsage) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	p.nextN++
	tpl := &x509.Certificate{SerialNumber: big.NewInt(p.nextN), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{usage}, KeyUsage: x509.KeyUsageDigitalSignature,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, p.ca, &key.PublicKey, p.key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// timing records the latency of each acknowledged request.
type timing struct {
	next    http.RoundTripper
	mu      sync.Mutex
	ms      []float64
	refused *atomic.Int64
}

func (t *timing) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		t.refused.Add(1)
		return resp, nil
	}
	// The acknowledgment is in once its body is read: time that too.
	resp.Body = &timedBody{ReadCloser: resp.Body, done: func() {
		t.mu.Lock()
		t.ms = append(t.ms, float64(time.Since(start).Microseconds())/1000)
		t.mu.Unlock()
	}}
	return resp, nil
}

type timedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.once.Do(b.done)
	}
	return n, err
}

type booth struct {
	station string
	store   *record.Store
	ids     []string
	sender  *transmit.Sender
	settled atomic.Int64 // messages acknowledged or dead-lettered
}

// Run performs one load run.
func Run(ctx context.Context, o Options) (Figures, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Timeout <= 0 {
		o.Timeout = 10*time.Minute + o.Duration
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	p, err := newPKI()
	if err != nil {
		return Figures{}, err
	}
	svc, err := startBackend(ctx, o, p)
	if err != nil {
		return Figures{}, err
	}
	defer svc.stop()
	r := &run{o: o, base: time.Now().UTC().Add(-time.Hour)}
	closeBooths, err := r.openBooths(ctx, p, svc.url)
	defer closeBooths()
	if err != nil {
		return Figures{}, err
	}
	runCtx, stopSenders := context.WithCancel(ctx)
	var wg sync.WaitGroup
	r.start = time.Now()
	for _, b := range r.booths {
		wg.Add(1)
		go func() { defer wg.Done(); b.sender.Run(runCtx) }()
	}
	fed, feedErr := r.startFeeding(ctx)
	fig := Figures{}
	runErr := r.waitSettled(ctx, fed, feedErr, &fig)
	fig.Elapsed = time.Since(r.start)
	stopSenders()
	wg.Wait()
	<-fed
	if runErr != nil {
		return fig, runErr
	}
	total := int(r.enqueued.Load())
	fig.Results = total
	fig.ResultsPerS = float64(total) / fig.Elapsed.Seconds()
	fig.Refused = r.refused.Load()
	var all []float64
	for _, b := range r.booths {
		t := b.sender.Client.Transport.(*timing)
		all = append(all, t.ms...)
	}
	fig.AckP50MS, fig.AckP95MS = rank(all, 0.50), rank(all, 0.95)
	return fig, check(ctx, svc.recv.Store(), r.booths, total)
}

// service is the back end under load: the reference gallery service with
// the results receiver, on 127.0.0.1.
type service struct {
	url  string
	recv *backend.Receiver
	stop func() // stops the service, then closes the result store
}

func startBackend(ctx context.Context, o Options, p *pki) (*service, error) {
	srvCert, err := p.leaf("localhost", x509.ExtKeyUsageServerAuth)
	if err != nil {
		return nil, err
	}
	recv, err := backend.OpenReceiver(ctx, o.DSN, o.Log)
	if err != nil {
		return nil, err
	}
	bundles := filepath.Join(o.Dir, "bundles")
	if err := os.MkdirAll(bundles, 0o700); err != nil {
		recv.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		recv.Close()
		return nil, err
	}
	srvCtx, stopSrv := context.WithCancel(context.Background())
	srvDone := make(chan error, 1)
	go func() {
		srvDone <- (&galleryservice.Server{Dir: bundles, Log: o.Log, Results: recv}).Serve(srvCtx, ln,
			backend.ServerTLSFor(srvCert, p.pool))
	}()
	return &service{url: "https://" + ln.Addr().String(), recv: recv,
		stop: func() { stopSrv(); <-srvDone; recv.Close() }}, nil
}

// run is one load run's booths and counters.
type run struct {
	o       Options
	base    time.Time // the results' times start here
	start   time.Time // the senders started
	booths  []*booth
	refused atomic.Int64
	// settled counts the messages the booths are done with (acknowledged
	// or dead-lettered), from the senders' own callbacks: polling 50
	// outboxes every few milliseconds would take CPU from the back end
	// being measured.
	settled, enqueued atomic.Int64
}

// openBooths makes each booth's record store, first results and sender to
// url; the func closes the stores opened, also after an error.
func (r *run) openBooths(ctx context.Context, p *pki, url string) (func(), error) {
	var stores []*record.Store
	closeAll := func() {
		for i := len(stores) - 1; i >= 0; i-- {
			stores[i].Close()
		}
	}
	r.booths = make([]*booth, r.o.Booths)
	for i := range r.booths {
		b := &booth{station: fmt.Sprintf("booth-%02d", i+1)}
		var err error
		if b.store, err = record.Open(ctx, filepath.Join(r.o.Dir, b.station+".db")); err != nil {
			return closeAll, err
		}
		stores = append(stores, b.store)
		if err := b.enqueue(ctx, r.o.PerBooth, r.base); err != nil {
			return closeAll, err
		}
		r.enqueued.Add(int64(r.o.PerBooth))
		count := func(context.Context, string, time.Time) error { r.settled.Add(1); b.settled.Add(1); return nil }
		cert, err := p.leaf(b.station, x509.ExtKeyUsageClientAuth)
		if err != nil {
			return closeAll, err
		}
		client := transmit.HTTPClient(&tls.Config{RootCAs: p.pool, Certificates: []tls.Certificate{cert},
			MinVersion: tls.VersionTLS12}, 30*time.Second)
		client.Transport = &timing{next: client.Transport, refused: &r.refused}
		b.sender = &transmit.Sender{Store: b.store, BaseURL: url, Client: client, MinBackoff: 20 * time.Millisecond,
			MaxBackoff: 500 * time.Millisecond, Idle: 20 * time.Millisecond, Log: r.o.Log, OnAck: count, OnDead: count}
		r.booths[i] = b
	}
	return closeAll, nil
}

// startFeeding tops the booths' outboxes up until Duration has passed
// (nothing with no Duration); fed closes when every booth is done.
func (r *run) startFeeding(ctx context.Context) (fed chan struct{}, feedErr chan error) {
	var feeding sync.WaitGroup
	feedErr = make(chan error, len(r.booths))
	if r.o.Duration > 0 {
		end := r.start.Add(r.o.Duration)
		for _, b := range r.booths {
			feeding.Add(1)
			go func() {
				defer feeding.Done()
				if err := b.feed(ctx, r.o.PerBooth, r.base, end, &r.enqueued); err != nil {
					feedErr <- err
				}
			}()
		}
	}
	fed = make(chan struct{})
	go func() { feeding.Wait(); close(fed) }()
	return fed, feedErr
}

// waitSettled waits until every message enqueued is settled and feeding is
// over, restarting the database halfway when asked (fig.Restarted).
func (r *run) waitSettled(ctx context.Context, fed chan struct{}, feedErr chan error, fig *Figures) error {
	for {
		feedingDone := false
		select {
		case <-fed:
			feedingDone = true
		default:
		}
		total := int(r.enqueued.Load())
		n := total - int(r.settled.Load())
		if len(feedErr) > 0 {
			return <-feedErr
		}
		if n <= 0 && feedingDone {
			// The booths' own outboxes have the last word.
			n, err := pending(ctx, r.booths)
			if err == nil && n != 0 {
				err = fmt.Errorf("%w: the senders settled every message but %d are pending", ErrLost, n)
			}
			return err
		}
		halfway := n <= total/2
		if r.o.Duration > 0 {
			halfway = time.Since(r.start) >= r.o.Duration/2
		}
		if r.o.Restart != nil && !fig.Restarted && halfway {
			fig.Restarted = true
			r.o.Log.Info("load test: restarting the database", "pending", n)
			if err := r.o.Restart(); err != nil {
				return fmt.Errorf("restart database: %w", err)
			}
		}
		if ctx.Err() != nil {
			return fmt.Errorf("load test: %d of %d results still pending: %w", n, total, ctx.Err())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// feed tops the booth's outbox up with n results whenever fewer than n/2
// are waiting, until end.
func (b *booth) feed(ctx context.Context, n int, base, end time.Time, enqueued *atomic.Int64) error {
	for time.Now().Before(end) {
		if len(b.ids)-int(b.settled.Load()) < n/2 {
			if err := b.enqueue(ctx, n, base); err != nil {
				return fmt.Errorf("load test: %s: enqueue: %w", b.station, err)
			}
			enqueued.Add(int64(n))
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

func (b *booth) enqueue(ctx context.Context, n int, base time.Time) error {
	tx, err := b.store.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	d, th, ms := 0.31, 0.6, int64(2100)
	first := len(b.ids)
	for i := first; i < first+n; i++ {
		end := base.Add(time.Duration(i) * time.Millisecond)
		r := transmit.Result{Version: transmit.Version2, EncounterID: uuid.NewString(), Station: b.station,
			Officer: "o.load", Flight: "VP101", Time: end, Outcome: "match", TravelerID: fmt.Sprintf("T%06d", i),
			Category: "in-scope", Distance: &d, StartedAt: end.Add(-3 * time.Second), CapturedAt: end.Add(-2 * time.Second),
			DecidedAt: end.Add(-time.Second), DecisionMS: &ms, Final: transmit.FinalCleared,
			Quality: &transmit.Quality{Captured: true, Auto: true, Score: 0.9}, Threshold: &th}
		if err := transmit.Enqueue(ctx, tx, r); err != nil {
			return err
		}
		b.ids = append(b.ids, r.EncounterID)
	}
	return tx.Commit()
}

func pending(ctx context.Context, booths []*booth) (int, error) {
	n := 0
	for _, b := range booths {
		st, err := b.store.OutboxStats(ctx)
		if err != nil {
			return 0, err
		}
		n += st.Pending
	}
	return n, nil
}

// check verifies the back end holds every result once, in each booth's order.
func check(ctx context.Context, st *backend.Store, booths []*booth, total int) error {
	n, err := st.Count(ctx)
	if err != nil {
		return err
	}
	if n != total {
		return fmt.Errorf("%w: the back end holds %d results, want %d", ErrLost, n, total)
	}
	for _, b := range booths {
		got, err := st.ListStation(ctx, b.station)
		if err != nil {
			return err
		}
		if len(got) != len(b.ids) {
			return fmt.Errorf("%w: %s: %d stored, want %d", ErrLost, b.station, len(got), len(b.ids))
		}
		for i, g := range got {
			if g.EncounterID != b.ids[i] {
				return fmt.Errorf("%w: %s: result %d is %s, want %s", ErrLost, b.station, i, g.EncounterID, b.ids[i])
			}
		}
	}
	return nil
}

// rank is the nearest-rank p-quantile of v (0 when empty).
func rank(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	k := int(float64(len(s))*p+0.999999) - 1
	return s[max(0, min(k, len(s)-1))]
}
