package cli

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestServeClosesListenerWhenStoreFails: when the results store cannot be
// opened, `gallery serve` fails and leaves no socket listening behind it
// (a client would connect and wait for a TLS handshake that never comes).
func TestServeClosesListenerWhenStoreFails(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	if code, _, e := gexec(t, "gallery", "certs", "--out", p("certs")); code != 0 {
		t.Fatalf("certs: %s", e)
	}
	os.Mkdir(p("bundles"), 0o755)
	os.WriteFile(p("file"), []byte("x"), 0o600) // a file where the store's folder would be
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var o, e bytes.Buffer
	code := Execute(ctx, []string{"--data-dir", p("data"), "gallery", "serve", "--dir", p("bundles"), "--addr", addr,
		"--results-db", p("file/results.db"), "--tls-cert", p("certs/server.pem"), "--tls-key", p("certs/server.key"),
		"--client-ca", p("certs/ca.pem")}, &o, &e)
	if code == 0 {
		t.Fatal("serve on an unopenable results store: exit 0")
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		c.Close()
		t.Fatalf("serve failed (%s) but %s still accepts connections", e.String(), addr)
	}
}
