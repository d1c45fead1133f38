package gallery

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// hostileService answers every bundle request with handler.
func hostileClient(t *testing.T, handler http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return &Client{Base: srv.URL, HTTP: &http.Client{Transport: &http.Transport{}}, Retries: 1,
		Backoff: time.Millisecond, Now: func() time.Time { return t0 }}
}

// allocated is the bytes allocated while fn runs.
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestGalleryDownloadBounded: a service that announces a huge body, or
// sends a compressed one, must not make the client allocate what it
// announces or inflate what it sends.
func TestGalleryDownloadBounded(t *testing.T) {
	ctx := context.Background()
	// A lying Content-Length (1 GiB, under the 2 GiB format limit) and a
	// few bytes: nothing near 1 GiB may be allocated.
	liar := hostileClient(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "1073741824")
		w.Write([]byte("VPG1 not much"))
	})
	var err error
	if n := allocated(func() { _, err = liar.Download(ctx, "2026-11-25", "VP420", nil) }); n > 64<<20 {
		t.Errorf("announced 1 GiB: %d MiB allocated (%v)", n>>20, err)
	}
	if err == nil {
		t.Error("a body shorter than announced was accepted")
	}

	// A gzip-encoded body (a bomb, here a valid bundle) is refused, not inflated.
	key := newKey(t)
	data, _ := testBundle(t, key, 5)
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(data)
	zw.Close()
	gz := hostileClient(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(zipped.Bytes())
	})
	got, err := gz.Download(ctx, "2026-11-25", "VP420", nil)
	if err == nil || !errors.Is(err, ErrMalformed) {
		t.Errorf("compressed response: %d bytes, %v", len(got), err)
	}
}

// TestGalleryDownloadLimit: a body announced beyond the client's limit is
// refused before reading; one that grows beyond it (no length announced) is
// cut off at the limit.
func TestGalleryDownloadLimit(t *testing.T) {
	ctx := context.Background()
	big := hostileClient(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "3000000")
		w.Write(make([]byte, 3_000_000))
	})
	big.MaxBytes = 1 << 20
	if _, err := big.Download(ctx, "2026-11-25", "VP420", nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("announced beyond the limit: %v", err)
	}
	stream := hostileClient(t, func(w http.ResponseWriter, _ *http.Request) {
		chunk := make([]byte, 64<<10)
		for i := 0; i < 100; i++ { // 6.4 MB, chunked
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	stream.MaxBytes = 1 << 20
	var err error
	if n := allocated(func() { _, err = stream.Download(ctx, "2026-11-25", "VP420", nil) }); n > 8<<20 {
		t.Errorf("streamed past the limit: %d MiB allocated", n>>20)
	}
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("streamed past the limit: %v", err)
	}
}

// FuzzContentRange: the resume header parser never panics, and whatever it
// accepts is a well-formed range inside a bundle of plausible size.
func FuzzContentRange(f *testing.F) {
	for _, s := range []string{"bytes 40000-99999/100000", "bytes 0-0/1", "bytes */100", "bytes 5-3/10",
		"bytes -1-5/10", "bytes 0-9/-1", "bytes 0-9/99999999999999999999", "bytes 1-x/3", "bytes=0-1/2", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		start, total, ok := contentRange(h)
		if ok && (start < 0 || total <= 0 || start >= total || total > MaxBundleBytes) {
			t.Fatalf("%q accepted as start %d of %d", h, start, total)
		}
	})
}

// TestCacheKeyGuarded: a cache key readable by others is refused, naming
// the file; once the cache is emptied by purging, the key is destroyed (a
// new one replaces it), so a copy of a purged bundle file stays unreadable.
func TestCacheKeyGuarded(t *testing.T) {
	dir := t.TempDir()
	c, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, cacheKeyFile)
	os.Chmod(keyFile, 0o644)
	if _, err := OpenCache(dir); err == nil || !strings.Contains(err.Error(), keyFile) {
		t.Fatalf("world-readable cache key: %v", err)
	}
	os.Chmod(keyFile, 0o600)

	key := newKey(t)
	data, b := testBundle(t, key, 3)
	rec, err := c.Put(data, b, t0)
	if err != nil {
		t.Fatal(err)
	}
	copied, _ := os.ReadFile(filepath.Join(dir, rec.Key+bundleExt))
	before, _ := os.ReadFile(keyFile)
	if _, err := c.Purge(context.Background(), b.Flight.Departure.Add(DefaultGrace+time.Minute), DefaultGrace,
		&fakePurgeLog{}); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(keyFile)
	if bytes.Equal(before, after) {
		t.Fatal("cache key kept after the last gallery was purged")
	}
	os.WriteFile(filepath.Join(dir, rec.Key+bundleExt), copied, 0o600)
	c2, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Bundle(rec.Key, ringOf(key), t0); err == nil {
		t.Fatal("a copy of a purged bundle still decrypts")
	}
	// the cache works on with the new key
	if _, err := c.Put(data, b, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Bundle(rec.Key, ringOf(key), t0); err != nil {
		t.Fatalf("bundle stored after the key changed: %v", err)
	}
}
