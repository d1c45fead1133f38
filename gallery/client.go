package gallery

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sethvargo/go-retry"
)

// ErrNotOffered means the service has no bundle for that flight and date.
var ErrNotOffered = errors.New("the service offers no gallery for this flight and date")

// Progress receives download progress: bytes held so far and the total
// (-1 while unknown). It is called from the downloading goroutine.
type Progress func(done, total int64)

// Client downloads flight galleries from the gallery service over mutual
// TLS, resuming after dropped connections, and verifies them before use.
type Client struct {
	Base    string       // service URL, e.g. https://127.0.0.1:8443
	HTTP    *http.Client // with the client certificate (ClientTLS)
	Keys    Keyring      // pinned issuer keys
	Retries int          // further attempts after the first; 0 means 5
	// MaxBytes is the largest bundle the client downloads; 0 means
	// DefaultMaxDownload. A body announced or growing beyond it is refused.
	MaxBytes int64
	Backoff  time.Duration
	Now      func() time.Time
	// StallTimeout is the body-read deadline: an attempt that receives no
	// byte for this long is dropped (and resumed by the next attempt);
	// 0 means DefaultStallTimeout. Cancelling the download's context (the
	// officer's Cancel) ends it at once.
	StallTimeout time.Duration
	// Grace is how long after scheduled departure a flight's gallery may
	// be held (NewClient sets DefaultGrace; [gallery] grace overrides it):
	// a bundle downloaded later is refused, whatever its own expiry says.
	Grace time.Duration
}

// DefaultStallTimeout is how long a download waits for the next byte of
// the body before it drops the connection and tries again.
const DefaultStallTimeout = 30 * time.Second

// ErrStalled means the service stopped sending a bundle mid-body.
var ErrStalled = errors.New("the gallery service stalled")

// ClientTLS is the client's TLS configuration: its certificate and key, and
// the CA the service's certificate must chain to.
func ClientTLS(certFile, keyFile, caFile string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if certFile != "" || keyFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if caFile != "" {
		pool, err := loadPool(caFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// DefaultMaxDownload bounds a bundle download (1 GiB): a 1,000,000-template
// gallery (about 0.6 GB) fits; a body announced or growing beyond it is
// refused.
const DefaultMaxDownload = 1 << 30

// preallocMax is the most the client reserves ahead of the bytes actually
// received, whatever length the service announces.
const preallocMax = 16 << 20

// NewClient makes a client for base with the TLS configuration and keys.
func NewClient(base string, cfg *tls.Config, keys Keyring) *Client {
	tr := &http.Transport{TLSClientConfig: cfg, TLSHandshakeTimeout: 10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second}
	return &Client{Base: strings.TrimRight(base, "/"), HTTP: &http.Client{Transport: tr}, Keys: keys,
		Grace: DefaultGrace}
}

func (c *Client) maxBytes() int64 {
	if c.MaxBytes > 0 && c.MaxBytes < MaxBundleBytes {
		return c.MaxBytes
	}
	if c.MaxBytes == 0 {
		return DefaultMaxDownload
	}
	return MaxBundleBytes
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) backoff() retry.Backoff {
	n, base := c.Retries, c.Backoff
	if n <= 0 {
		n = 5
	}
	if base <= 0 {
		base = 250 * time.Millisecond
	}
	return retry.WithMaxRetries(uint64(n), retry.WithCappedDuration(8*time.Second,
		retry.WithJitterPercent(20, retry.NewExponential(base))))
}

// Flights lists the flights the service offers on date.
func (c *Client) Flights(ctx context.Context, date string) ([]Listing, error) {
	if !ValidDate(date) {
		return nil, fmt.Errorf("date %q is not YYYY-MM-DD", date)
	}
	var list FlightList
	err := retry.Do(ctx, c.backoff(), func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet,
			c.Base+"/v1/flights?date="+url.QueryEscape(date), nil)
		if err != nil {
			return err
		}
		resp, err := c.HTTP.Do(req)
		if err != nil {
			return retryable(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return statusError(resp)
		}
		list = FlightList{}
		if err := json.NewDecoder(io.LimitReader(resp.Body, 16<<20)).Decode(&list); err != nil {
			return retryable(fmt.Errorf("flight list: %w", err))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list flights of %s: %w", date, err)
	}
	var out []Listing
	for _, l := range list.Flights {
		if l.Date == date { // never offer a bundle for another date
			out = append(out, l)
		}
	}
	return out, nil
}

// Download fetches a flight's bundle, resuming with a Range request after a
// dropped connection and retrying with exponential backoff.
func (c *Client) Download(ctx context.Context, date, flight string, progress Progress) ([]byte, error) {
	if progress == nil {
		progress = func(int64, int64) {}
	}
	d := &download{c: c, url: c.Base + BundlePath(date, flight), total: -1, progress: progress}
	if err := retry.Do(ctx, c.backoff(), d.attempt); err != nil {
		return nil, fmt.Errorf("download gallery %s %s: %w", flight, date, err)
	}
	return d.buf, nil
}

// download is one bundle download across its attempts.
type download struct {
	c        *Client
	url      string
	buf      []byte
	total    int64
	etag     string
	progress Progress
}

func (d *download) attempt(parent context.Context) error {
	// The body-read deadline: a watchdog cancels the request when no byte
	// has come for the stall timeout; every read that brings bytes resets it.
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	stall := d.c.StallTimeout
	if stall <= 0 {
		stall = DefaultStallTimeout
	}
	stalled := false
	var mu sync.Mutex
	watchdog := time.AfterFunc(stall, func() { mu.Lock(); stalled = true; mu.Unlock(); cancel() })
	defer watchdog.Stop()
	alive := func() { watchdog.Reset(stall) }
	err := d.read(ctx, alive)
	mu.Lock()
	defer mu.Unlock()
	if stalled && parent.Err() == nil {
		return retryable(fmt.Errorf("%w: no data for %v after %d bytes", ErrStalled, stall, len(d.buf)))
	}
	return err
}

// read is one attempt's request and body; alive is called whenever bytes
// arrive.
func (d *download) read(ctx context.Context, alive func()) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.url, nil)
	if err != nil {
		return err
	}
	// Bundles are stored compressed-free and signed as sent: never let the
	// transport ask for, and silently inflate, a compressed body.
	req.Header.Set("Accept-Encoding", "identity")
	if len(d.buf) > 0 && d.etag != "" {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", len(d.buf)))
		req.Header.Set("If-Range", d.etag)
	} else {
		d.buf = d.buf[:0]
	}
	resp, err := d.c.HTTP.Do(req)
	if err != nil {
		return retryable(err)
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK: // whole file (first attempt, or the file changed)
		d.buf, d.total, d.etag = d.buf[:0], resp.ContentLength, resp.Header.Get("ETag")
	case http.StatusPartialContent:
		start, total, ok := contentRange(resp.Header.Get("Content-Range"))
		if !ok || start != int64(len(d.buf)) {
			d.buf, d.etag = d.buf[:0], ""
			return retryable(errors.New("service resumed at the wrong offset"))
		}
		d.total = total
	case http.StatusRequestedRangeNotSatisfiable:
		d.buf, d.etag = d.buf[:0], ""
		return retryable(errors.New("service refused the resume range"))
	case http.StatusNotFound:
		return ErrNotOffered
	default:
		return statusError(resp)
	}
	if enc := resp.Header.Get("Content-Encoding"); (enc != "" && enc != "identity") || resp.Uncompressed {
		d.buf, d.etag = d.buf[:0], ""
		return fmt.Errorf("%w: the service sent a compressed (%s) body; only plain bundles are accepted", ErrMalformed, enc)
	}
	limit := d.c.maxBytes()
	if d.total > limit {
		return fmt.Errorf("%w: bundle of %d bytes is larger than the %d-byte limit", ErrMalformed, d.total, limit)
	}
	if want := min(d.total, preallocMax); want > 0 && cap(d.buf) < int(want) {
		nb := make([]byte, len(d.buf), want)
		copy(nb, d.buf)
		d.buf = nb
	}
	d.progress(int64(len(d.buf)), d.total)
	chunk := make([]byte, 256<<10)
	for {
		n, rerr := resp.Body.Read(chunk)
		if n > 0 {
			alive()
		}
		if int64(len(d.buf)+n) > limit {
			d.buf, d.etag = d.buf[:0], ""
			return fmt.Errorf("%w: bundle larger than the %d-byte limit", ErrMalformed, limit)
		}
		d.buf = append(d.buf, chunk[:n]...)
		if n > 0 {
			d.progress(int64(len(d.buf)), d.total)
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return retryable(fmt.Errorf("connection dropped after %d bytes: %w", len(d.buf), rerr))
		}
	}
	if d.total >= 0 && int64(len(d.buf)) != d.total {
		return retryable(fmt.Errorf("%w: received %d of %d bytes", ErrTruncated, len(d.buf), d.total))
	}
	return nil
}

// contentRange parses "bytes START-END/TOTAL" with 0 <= START <= END <
// TOTAL <= MaxBundleBytes; anything else is not ok.
func contentRange(h string) (start, total int64, ok bool) {
	rest, found := strings.CutPrefix(h, "bytes ")
	if !found {
		return 0, 0, false
	}
	span, tot, found := strings.Cut(rest, "/")
	s, e, found2 := strings.Cut(span, "-")
	if !found || !found2 {
		return 0, 0, false
	}
	first, err1 := strconv.ParseUint(s, 10, 63)
	last, err2 := strconv.ParseUint(e, 10, 63)
	size, err3 := strconv.ParseUint(tot, 10, 63)
	if err1 != nil || err2 != nil || err3 != nil || first > last || last >= size || size > MaxBundleBytes {
		return 0, 0, false
	}
	return int64(first), int64(size), true
}

func retryable(err error) error { return retry.RetryableError(err) }

// statusError turns an unexpected status into an error; 5xx are retried.
func statusError(resp *http.Response) error {
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	err := fmt.Errorf("service answered %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	if resp.StatusCode >= 500 {
		return retryable(err)
	}
	return err
}

// Fetch downloads, verifies and stores a flight's gallery. A bundle that
// fails verification (signature, key, expiry, structure, or another flight
// or date) is refused: the refusal is noted in the cache, the last good
// bundle stays, and the error says why. A flight already past departure
// plus Grace is refused with ErrExpired and nothing is written to the cache. The returned record is the cache's
// view of the flight after the attempt.
func (c *Client) Fetch(ctx context.Context, cache *Cache, date, flight string, progress Progress) (Record, error) {
	carrier, number, err := ParseFlight(flight)
	if err != nil {
		return Record{}, err
	}
	if !ValidDate(date) {
		return Record{}, fmt.Errorf("date %q is not YYYY-MM-DD", date)
	}
	data, err := c.Download(ctx, date, flight, progress)
	if err != nil {
		return Record{}, err
	}
	want := Flight{Carrier: carrier, Number: number, Date: date}
	b, err := Open(data, c.Keys, c.now())
	if err == nil && (b.Flight.Date != date || b.Flight.ID() != flight) {
		err = fmt.Errorf("%w: asked for %s on %s, got %s on %s", ErrWrongFlight, flight, date, b.Flight.ID(), b.Flight.Date)
	}
	if err != nil {
		if h, herr := ReadHeader(data); herr == nil && h.Flight.Key() == want.Key() {
			want = h.Flight
		}
		rec, cerr := cache.Refuse(want, err.Error(), c.now())
		return rec, errors.Join(fmt.Errorf("gallery %s %s refused: %w", flight, date, err), cerr)
	}
	if deadline := (Record{Flight: b.Flight}).Deadline(c.Grace); !c.now().Before(deadline) {
		// Past departure plus grace the gallery must be gone: none of it
		// enters the cache, not even a refusal record for the purge to undo.
		return Record{}, fmt.Errorf("gallery %s %s refused: %w: departure %s plus grace %s has passed",
			flight, date, ErrExpired, b.Flight.Departure.UTC().Format(time.RFC3339), c.Grace)
	}
	rec, err := cache.Put(data, b, c.now())
	if errors.Is(err, ErrRollback) {
		rec, cerr := cache.Refuse(b.Flight, err.Error(), c.now())
		return rec, errors.Join(fmt.Errorf("gallery %s %s refused: %w", flight, date, err), cerr)
	}
	if err != nil {
		return Record{}, err
	}
	return rec, nil
}

// loadPool reads the CA certificates of caFile into a pool.
func loadPool(caFile string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("CA certificate: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA certificate %s holds no PEM certificate", caFile)
	}
	return pool, nil
}
