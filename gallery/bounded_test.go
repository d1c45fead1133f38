package gallery

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
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
