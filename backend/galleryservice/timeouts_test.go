package galleryservice

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"veriport/backend"
	"veriport/gallery"
)

// hardened is a Server on 127.0.0.1 with short limits, and a client TLS
// configuration holding the dev client certificate.
type hardened struct {
	addr   string
	client *tls.Config
	logs   *bytes.Buffer
}

func startHardened(t *testing.T, s *Server) hardened {
	t.Helper()
	certs, err := backend.WriteDevCerts(t.TempDir(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := backend.ServerTLS(certs.ServerCert, certs.ServerKey, certs.CA)
	if err != nil {
		t.Fatal(err)
	}
	client, err := gallery.ClientTLS(certs.ClientCert, certs.ClientKey, certs.CA)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := hardened{addr: ln.Addr().String(), client: client, logs: &bytes.Buffer{}}
	if s.Dir == "" {
		s.Dir = t.TempDir()
	}
	s.Log = slog.New(slog.NewTextHandler(h.logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Serve(ctx, ln, cfg); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return h
}

func (h hardened) dial(t *testing.T) *tls.Conn {
	t.Helper()
	c, err := tls.Dial("tcp", h.addr, h.client)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedWithin reports whether the server closes c within d (a read gets
// EOF or a reset rather than timing out).
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

func TestServerTimeouts(t *testing.T) {
	const big = 64 << 20
	results := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet { // a large answer for a reader that stalls
			chunk := bytes.Repeat([]byte("x"), 1<<20)
			for i := 0; i < big>>20; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			return
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		fmt.Fprintf(w, "stored %d bytes", len(b))
	})
	h := startHardened(t, &Server{Results: results, ReadTimeout: 400 * time.Millisecond,
		WriteTimeout: 600 * time.Millisecond, IdleTimeout: 400 * time.Millisecond})

	t.Run("body paused past the read timeout", func(t *testing.T) {
		c := h.dial(t)
		fmt.Fprint(c, "POST /results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n12345")
		time.Sleep(1200 * time.Millisecond)
		c.Write([]byte("67890"))
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		got, _ := io.ReadAll(c)
		if strings.Contains(string(got), "stored 10 bytes") {
			t.Fatalf("a body paused past the read timeout was accepted: %q", got)
		}
	})

	t.Run("idle keep-alive closed", func(t *testing.T) {
		c := h.dial(t)
		fmt.Fprint(c, "GET /v1/flights?date=2026-11-26 HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("flights: %s", resp.Status)
		}
		if !closedWithin(c, 3*time.Second) {
			t.Fatal("an idle keep-alive connection stayed open past the idle timeout")
		}
	})

	t.Run("stalled reader cut off", func(t *testing.T) {
		c := h.dial(t)
		fmt.Fprint(c, "GET /results HTTP/1.1\r\nHost: x\r\n\r\n")
		time.Sleep(1500 * time.Millisecond) // read nothing
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, _ := io.Copy(io.Discard, c)
		if n >= big {
			t.Fatalf("a reader stalled past the write timeout still got all %d bytes", n)
		}
	})
}

func TestConnectionsPerClientLimited(t *testing.T) {
	h := startHardened(t, &Server{MaxConnsPerClient: 2})
	get := func(c *tls.Conn) int {
		fmt.Fprint(c, "GET /v1/flights?date=2026-11-26 HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	a, b, c := h.dial(t), h.dial(t), h.dial(t)
	if get(a) != 200 || get(b) != 200 {
		t.Fatal("the first two connections were refused")
	}
	if code := get(c); code != http.StatusTooManyRequests {
		t.Fatalf("third connection of one client: %d, want 429", code)
	}
	a.Close()
	time.Sleep(100 * time.Millisecond)
	if code := get(h.dial(t)); code != 200 {
		t.Fatalf("a new connection after one closed: %d, want 200", code)
	}
}

func TestServerOffersAEADOnly(t *testing.T) {
	h := startHardened(t, &Server{})
	for _, suite := range []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256} {
		cfg := h.client.Clone()
		cfg.MaxVersion, cfg.CipherSuites = tls.VersionTLS12, []uint16{suite}
		if c, err := tls.Dial("tcp", h.addr, cfg); err == nil {
			c.Close()
			t.Errorf("TLS 1.2 handshake with %s succeeded", tls.CipherSuiteName(suite))
		}
	}
	cfg := h.client.Clone()
	cfg.MaxVersion = tls.VersionTLS12
	c, err := tls.Dial("tcp", h.addr, cfg)
	if err != nil {
		t.Fatalf("TLS 1.2 with AEAD suites: %v", err)
	}
	c.Close()
}

func TestRangeHeaderLoggedBounded(t *testing.T) {
	long := "bytes=" + strings.Repeat("0-1,", 4000) + "\nforged"
	got := rangeSummary(long)
	if len(got) > 100 || strings.ContainsAny(got, "\n\r") || !strings.Contains(got, "4001 ranges") {
		t.Fatalf("range summary %q: want short, single-line, counting the ranges", got)
	}
	if rangeSummary("bytes=0-99") != "bytes=0-99" {
		t.Fatal("a short Range header is not logged as is")
	}
}
