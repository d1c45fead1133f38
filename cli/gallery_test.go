package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"veriport/gallery"
	"veriport/record"
	"veriport/verify"
)

func gexec(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Execute(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestGalleryCommands runs keygen, build, verify (good and tampered), serve
// and fetch as an operator would.
func TestGalleryCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VERIPORT_CACHE", filepath.Join(dir, "cache")) // no demo key to fall back on
	data := filepath.Join(dir, "data")
	p := func(n string) string { return filepath.Join(dir, n) }

	if code, _, e := gexec(t, "gallery", "keygen", "--out", p("issuer")); code != 0 {
		t.Fatalf("keygen: %s", e)
	}
	if st, err := os.Stat(p("issuer.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("issuer.key mode: %v %v", st, err)
	}
	gexec(t, "gallery", "keygen", "--out", p("rogue"))
	if code, _, _ := gexec(t, "gallery", "keygen", "--out", p("issuer")); code == 0 {
		t.Fatal("keygen overwrote an existing key")
	}

	tf, _ := os.Create(p("g.jsonl"))
	for _, e := range gallery.SyntheticEntries(30, 3) {
		for _, tp := range e.Templates {
			verify.WriteTemplate(tf, verify.Enrolled{Subject: e.Traveler, Template: tp.Template, Source: tp.Source.String()})
		}
	}
	tf.Close()
	os.WriteFile(p("c.csv"), []byte("subject,category,reason\nSYN-000001,exempt,under 14\n"), 0o644)
	dep := time.Now().UTC().Add(3 * time.Hour).Truncate(time.Second)
	date := dep.Format(time.DateOnly)
	build := []string{"--data-dir", data, "gallery", "build", "--flight", "ZZ42", "--date", date,
		"--departure", dep.Format(time.RFC3339), "--origin", "IAD", "--destination", "LHR",
		"--templates", p("g.jsonl"), "--key", p("issuer.key"), "--out", p("zz42.bundle")}
	if code, o, e := gexec(t, build...); code != 0 || !strings.Contains(o, "30 travelers") {
		t.Fatalf("build: %d %s %s", code, o, e)
	}
	if code, _, e := gexec(t, append(build, "--categories", p("c.csv"))...); code == 0 || !strings.Contains(e, "categories") {
		t.Fatalf("build with an incomplete categories file: %d %s", code, e)
	}

	verifyArgs := func(pub, file string) []string {
		return []string{"--data-dir", data, "gallery", "verify", "--pub", pub, file}
	}
	if code, o, e := gexec(t, verifyArgs(p("issuer.pub"), p("zz42.bundle"))...); code != 0 || !strings.HasPrefix(o, "valid: ZZ42") {
		t.Fatalf("verify good bundle: %d %s %s", code, o, e)
	}
	raw, _ := os.ReadFile(p("zz42.bundle"))
	bad := bytes.Clone(raw)
	bad[len(bad)/2] ^= 0x01
	os.WriteFile(p("tampered.bundle"), bad, 0o644)
	os.WriteFile(p("short.bundle"), raw[:len(raw)-100], 0o644)
	for _, c := range []struct {
		pub, file string
		code      int
		reason    string
	}{
		{"issuer.pub", "tampered.bundle", 2, "bad signature"},
		{"rogue.pub", "zz42.bundle", 3, "unknown issuer key"},
		{"issuer.pub", "short.bundle", 5, "truncated"},
		{"issuer.pub", "g.jsonl", 6, "malformed"},
	} {
		code, _, e := gexec(t, verifyArgs(p(c.pub), p(c.file))...)
		if code != c.code || !strings.Contains(e, c.reason) {
			t.Errorf("verify %s with %s: exit %d %q, want %d %q", c.file, c.pub, code, e, c.code, c.reason)
		}
	}

	// serve and fetch over mutual TLS on 127.0.0.1.
	if code, _, e := gexec(t, "gallery", "certs", "--out", p("certs")); code != 0 {
		t.Fatalf("certs: %s", e)
	}
	os.Mkdir(p("bundles"), 0o755)
	os.WriteFile(p("bundles/zz42.bundle"), raw, 0o644)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan int, 1)
	go func() {
		var o, e bytes.Buffer
		served <- Execute(ctx, []string{"--data-dir", data, "gallery", "serve", "--dir", p("bundles"), "--addr", addr,
			"--tls-cert", p("certs/server.pem"), "--tls-key", p("certs/server.key"), "--client-ca", p("certs/ca.pem")}, &o, &e)
	}()
	defer func() { cancel(); <-served }()
	fetch := []string{"--data-dir", data, "gallery", "fetch", "--server", "https://" + addr, "--date", date,
		"--flight", "ZZ42", "--cert", p("certs/client.pem"), "--key", p("certs/client.key"),
		"--ca", p("certs/ca.pem"), "--pub", p("issuer.pub")}
	var code int
	var o, e string
	for i := 0; i < 50; i++ { // until the service listens
		if code, o, e = gexec(t, fetch...); code == 0 || !strings.Contains(e, "connection refused") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != 0 || !strings.Contains(o, "stored ZZ42") {
		t.Fatalf("fetch: %d %s %s", code, o, e)
	}
	// The same fetch trusting only the rogue key is refused; the good copy stays.
	fetch[len(fetch)-1] = p("rogue.pub")
	if code, _, e = gexec(t, fetch...); code != 3 || !strings.Contains(e, "keeping the last good gallery") {
		t.Fatalf("fetch under a rogue pin: %d %s", code, e)
	}
	if code, o, _ = gexec(t, "--data-dir", data, "gallery", "list"); code != 0 || !strings.Contains(o, "refused: signed by an unknown issuer key") {
		t.Fatalf("list after refusal: %d %s", code, o)
	}
}

// TestGalleryListPurgesIntoPurgeLog: a gallery past departure plus grace is
// deleted by `gallery list` and the deletion lands in the record store's
// purge log.
func TestGalleryListPurgesIntoPurgeLog(t *testing.T) {
	t.Setenv("VERIPORT_CACHE", t.TempDir())
	data := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(nil)
	now := time.Now().UTC().Truncate(time.Second)
	dep := now.Add(-12*time.Hour - time.Minute)
	b := &gallery.Bundle{Header: gallery.Header{Flight: gallery.Flight{Carrier: "ZZ", Number: "7",
		Date: dep.Format(time.DateOnly), Origin: "IAD", Destination: "LHR", Departure: dep},
		IssuedAt: dep.Add(-time.Hour), ExpiresAt: now.Add(time.Hour)}, Entries: gallery.SyntheticEntries(2, 1)}
	raw, err := gallery.Sign(b, priv)
	if err != nil {
		t.Fatal(err)
	}
	cache, err := gallery.OpenCache(filepath.Join(data, "galleries"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cache.Put(raw, b, now); err != nil {
		t.Fatal(err)
	}
	if code, o, e := gexec(t, "--data-dir", data, "gallery", "list"); code != 0 || o != "" {
		t.Fatalf("list: %d %q %s", code, o, e)
	}
	store, err := record.Open(context.Background(), filepath.Join(data, "veriport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	log, err := record.ListPurges(context.Background(), store.DB, record.PurgeKindGallery)
	if err != nil || len(log) != 1 || log[0].SubjectID != b.Flight.Key() || log[0].Method != record.MethodFileDelete ||
		!log[0].Deadline.Equal(dep.Add(12*time.Hour)) {
		t.Fatalf("purge log %+v %v", log, err)
	}
}
