package galleryservice

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"veriport/backend"
	"veriport/gallery"
	"veriport/verify"
)

// service is a reference gallery service on 127.0.0.1 with dev certificates.
type service struct {
	url   string
	dir   string
	certs backend.DevCerts
	mu    sync.Mutex
	seen  []string // Range header of each bundle request
	cut   []int    // drop the connection after this many bytes, one per request
}

func startService(t testing.TB) *service {
	t.Helper()
	s := &service{dir: t.TempDir()}
	var err error
	if s.certs, err = backend.WriteDevCerts(t.TempDir(), time.Hour); err != nil {
		t.Fatal(err)
	}
	cfg, err := backend.ServerTLS(s.certs.ServerCert, s.certs.ServerKey, s.certs.CA)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{Dir: s.dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	inner := srv.Handler()
	hs := &http.Server{TLSConfig: cfg, ErrorLog: log.New(io.Discard, "", 0), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/gallery") {
			s.mu.Lock()
			s.seen = append(s.seen, r.Header.Get("Range"))
			if len(s.cut) > 0 {
				w = &cutWriter{ResponseWriter: w, left: s.cut[0]}
				s.cut = s.cut[1:]
			}
			s.mu.Unlock()
		}
		inner.ServeHTTP(w, r)
	})}
	go hs.Serve(tls.NewListener(ln, cfg))
	t.Cleanup(func() { hs.Close() })
	s.url = "https://" + ln.Addr().String()
	return s
}

// cutWriter drops the connection after left bytes of body.
type cutWriter struct {
	http.ResponseWriter
	left int
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if len(p) <= c.left {
		c.left -= len(p)
		return c.ResponseWriter.Write(p)
	}
	c.ResponseWriter.Write(p[:c.left])
	c.ResponseWriter.(http.Flusher).Flush()
	panic(http.ErrAbortHandler)
}

func (s *service) client(t *testing.T, keys gallery.Keyring, withCert bool) *gallery.Client {
	t.Helper()
	cert, key := s.certs.ClientCert, s.certs.ClientKey
	if !withCert {
		cert, key = "", ""
	}
	cfg, err := gallery.ClientTLS(cert, key, s.certs.CA)
	if err != nil {
		t.Fatal(err)
	}
	c := gallery.NewClient(s.url, cfg, keys)
	c.Retries, c.Backoff, c.Now = 4, time.Millisecond, func() time.Time { return t0 }
	return c
}

func (s *service) put(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestClientWithoutCertificateRefused(t *testing.T) {
	s := startService(t)
	key := newKey(t)
	data, _ := testBundle(t, key, 2)
	s.put(t, "vp420.bundle", data)
	c := s.client(t, ringOf(key), false)
	c.Retries = 1
	_, err := c.Flights(context.Background(), "2026-11-25")
	if err == nil || !strings.Contains(err.Error(), "certificate required") {
		t.Fatalf("client without certificate: got %v, want a TLS certificate-required alert", err)
	}
	if _, err := c.Download(context.Background(), "2026-11-25", "VP420", nil); err == nil {
		t.Fatal("client without certificate downloaded a bundle")
	}
	if len(s.seen) != 0 {
		t.Fatalf("handler reached %d times without a client certificate", len(s.seen))
	}
	// The same service answers a client that presents its certificate.
	if list, err := s.client(t, ringOf(key), true).Flights(context.Background(), "2026-11-25"); err != nil || len(list) != 1 {
		t.Fatalf("with certificate: %v %v", list, err)
	}
}

func TestWrongDateNotOffered(t *testing.T) {
	s := startService(t)
	key := newKey(t)
	data, _ := testBundle(t, key, 2)
	s.put(t, "vp420.bundle", data)
	other := &gallery.Bundle{Header: gallery.Header{Flight: testFlight(), IssuedAt: t0, ExpiresAt: t0.Add(72 * time.Hour)},
		Entries: gallery.SyntheticEntries(2, 2)}
	other.Flight.Number, other.Flight.Date = "421", "2026-11-26"
	other.Flight.Departure = other.Flight.Departure.Add(24 * time.Hour)
	odata, err := gallery.Sign(other, key)
	if err != nil {
		t.Fatal(err)
	}
	s.put(t, "VP421-2026-11-25.bundle", odata) // the file name lies; the header decides
	s.put(t, "notes.txt", []byte("not a bundle"))
	c := s.client(t, ringOf(key), true)
	ctx := context.Background()
	for date, want := range map[string]string{"2026-11-25": "VP420", "2026-11-26": "VP421"} {
		list, err := c.Flights(ctx, date)
		if err != nil || len(list) != 1 || list[0].Flight != want || list[0].Date != date {
			t.Fatalf("flights of %s: %+v %v, want only %s", date, list, err, want)
		}
	}
	if list, err := c.Flights(ctx, "2026-11-24"); err != nil || len(list) != 0 {
		t.Fatalf("flights of a day without bundles: %+v %v", list, err)
	}
	if _, err := c.Download(ctx, "2026-11-25", "VP421", nil); !errors.Is(err, gallery.ErrNotOffered) {
		t.Fatalf("VP421 asked for the wrong date: got %v, want ErrNotOffered", err)
	}
}

// TestClientRefusesBundleForOtherDate serves another date's bundle under
// the asked-for path (a misbehaving service): the client refuses it.
func TestClientRefusesBundleForOtherDate(t *testing.T) {
	s := startService(t)
	key := newKey(t)
	data, _ := testBundle(t, key, 2)
	s.put(t, "vp420.bundle", data)
	c := s.client(t, ringOf(key), true)
	c.Base += "/v1/flights/2026-11-25/VP420/gallery#" // every request lands on VP420 of the 25th
	cache, _ := gallery.OpenCache(t.TempDir())
	_, err := c.Fetch(context.Background(), cache, "2026-11-24", "VP420", nil)
	if !errors.Is(err, gallery.ErrWrongFlight) {
		t.Fatalf("got %v, want ErrWrongFlight", err)
	}
	if recs, _ := cache.Records(); len(recs) != 1 || recs[0].Good || recs[0].Refusal == nil {
		t.Fatalf("cache after refusal: %+v", recs)
	}
}

func TestDroppedDownloadResumes(t *testing.T) {
	s := startService(t)
	key := newKey(t)
	data, _ := testBundle(t, key, 300)
	s.put(t, "vp420.bundle", data)
	s.cut = []int{40_000, 30_000} // two dropped connections
	c := s.client(t, ringOf(key), true)
	var last, total int64
	cache, _ := gallery.OpenCache(t.TempDir())
	rec, err := c.Fetch(context.Background(), cache, "2026-11-25", "VP420", func(d, n int64) { last, total = d, n })
	if err != nil {
		t.Fatal(err)
	}
	if rec.Entries != 300 || rec.Size != len(data) || last != int64(len(data)) || total != int64(len(data)) {
		t.Fatalf("record %+v, progress %d/%d, want %d bytes", rec, last, total, len(data))
	}
	if len(s.seen) != 3 || s.seen[0] != "" || s.seen[1] != "bytes=40000-" || s.seen[2] != "bytes=70000-" {
		t.Fatalf("requests' Range headers %q: want a fresh start then two resumes", s.seen)
	}
}

func TestDownloadGivesUpAfterRetries(t *testing.T) {
	s := startService(t)
	key := newKey(t)
	data, _ := testBundle(t, key, 100)
	s.put(t, "vp420.bundle", data)
	s.cut = []int{0, 0, 0, 0, 0, 0}
	c := s.client(t, ringOf(key), true)
	c.Retries = 2
	if _, err := c.Download(context.Background(), "2026-11-25", "VP420", nil); err == nil {
		t.Fatal("download that always drops succeeded")
	}
	if len(s.seen) != 3 {
		t.Fatalf("%d attempts, want 3 (1 + 2 retries)", len(s.seen))
	}
}

func TestRefusedUpdateKeepsLastGood(t *testing.T) {
	s := startService(t)
	issuer, rogue := newKey(t), newKey(t)
	good, _ := testBundle(t, issuer, 4)
	s.put(t, "vp420.bundle", good)
	cache, _ := gallery.OpenCache(t.TempDir())
	m := &gallery.Manager{Client: s.client(t, ringOf(issuer), true), Cache: cache, Keys: ringOf(issuer),
		Now: func() time.Time { return t0 }}
	ctx := context.Background()
	if _, err := m.Fetch(ctx, "2026-11-25", "VP420", nil); err != nil {
		t.Fatal(err)
	}
	// A newer issue signed by a key that is not pinned replaces it on the service.
	f := testFlight()
	bad := &gallery.Bundle{Header: gallery.Header{Flight: f, IssuedAt: t0, ExpiresAt: f.Departure.Add(gallery.DefaultGrace)},
		Entries: gallery.SyntheticEntries(4, 9)}
	bdata, err := gallery.Sign(bad, rogue)
	if err != nil {
		t.Fatal(err)
	}
	s.put(t, "vp420.bundle", bdata)
	st, err := m.Fetch(ctx, "2026-11-25", "VP420", nil)
	if !errors.Is(err, gallery.ErrUnknownKey) {
		t.Fatalf("rogue bundle: got %v, want ErrUnknownKey", err)
	}
	if !st.Usable(t0) || !strings.HasPrefix(st.State(t0), "refused: ") {
		t.Fatalf("status after refusal: %+v %q", st.Record, st.State(t0))
	}
	idx := &sliceIndex{}
	b, n, err := m.Load(st.Record.Key, verify.EngineDlib, idx)
	if err != nil || n == 0 || b.KeyID != gallery.KeyID(issuer.Public().(ed25519.PublicKey)) {
		t.Fatalf("last good bundle not loadable: %v", err)
	}
	list, err := m.Flights(ctx, "2026-11-25")
	if err != nil || len(list) != 1 || list[0].Listing == nil || list[0].Record == nil {
		t.Fatalf("manager flights %+v %v", list, err)
	}
}

// BenchmarkFetchLoad42k measures DESIGN.md's gallery target on loopback:
// download over mutual TLS + verify + encrypted cache write + load of a
// 42,000-traveler bundle (one template each).
func BenchmarkFetchLoad42k(b *testing.B) {
	s := startService(b)
	key := newKey(b)
	f := testFlight()
	bundle := &gallery.Bundle{Header: gallery.Header{Flight: f, IssuedAt: t0, ExpiresAt: f.Departure.Add(gallery.DefaultGrace)},
		Entries: gallery.SyntheticEntries(42_000, 1)}
	for i := range bundle.Entries {
		bundle.Entries[i].Templates = bundle.Entries[i].Templates[:1]
	}
	data, err := gallery.Sign(bundle, key)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, "big.bundle"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, err := gallery.ClientTLS(s.certs.ClientCert, s.certs.ClientKey, s.certs.CA)
	if err != nil {
		b.Fatal(err)
	}
	m := &gallery.Manager{Client: gallery.NewClient(s.url, cfg, ringOf(key)), Keys: ringOf(key), Now: func() time.Time { return t0 }}
	m.Client.Now = m.Now
	if m.Cache, err = gallery.OpenCache(b.TempDir()); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		st, err := m.Fetch(context.Background(), f.Date, f.ID(), nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, n, err := m.Load(st.Record.Key, verify.EngineDlib, &sliceIndex{}); err != nil || n != 42_000 {
			b.Fatalf("load: %d %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/fetch+load")
}
