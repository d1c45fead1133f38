package gallery

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestGalleryDownloadStallTimesOut: a service that sends the headers and
// part of the body, then stalls, does not keep the download (and the
// officer's flight picker) busy until the app exits: with no byte for
// StallTimeout the attempt is dropped and retried, and once the retries
// are spent Download fails saying the service stalled. Cancelling the
// context (the officer's Cancel) ends a stalled download at once.
func TestGalleryDownloadStallTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(http.StatusOK)
		w.Write(make([]byte, 1000))
		w.(http.Flusher).Flush()
		select { // stall mid-body
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	c := &Client{Base: srv.URL, HTTP: srv.Client(), Retries: 1, Backoff: 10 * time.Millisecond,
		StallTimeout: 200 * time.Millisecond}
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := c.Download(context.Background(), "2026-11-26", "UA123", nil)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "stalled") {
			t.Errorf("stalled download: %v, want an error saying it stalled", err)
		}
		if el := time.Since(start); el > 3*time.Second {
			t.Errorf("gave up after %v", el)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("download still busy 5 s after the service stalled: no body-read deadline")
	}

	// The officer's Cancel: the context ends, the download ends with it.
	c.StallTimeout = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		_, err := c.Download(ctx, "2026-11-26", "UA123", nil)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled download: %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("cancel did not end the stalled download")
	}
}
