package transmit_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"veriport/record"
	"veriport/transmit"
)

// The child half of TestBoothKilledWithPendingResults: a booth that sends
// its outbox until it is killed.
func init() {
	if os.Getenv("VERIPORT_TRANSMIT_CHILD") != "1" {
		return
	}
	dir := os.Getenv("CHILD_DIR")
	ctx := context.Background()
	store, err := record.Open(ctx, filepath.Join(dir, "booth.db"))
	if err != nil {
		os.Exit(3)
	}
	cfg, err := boothTLS(dir)
	if err != nil {
		os.Exit(4)
	}
	s := &transmit.Sender{Store: store, BaseURL: os.Getenv("CHILD_URL"), Client: transmit.HTTPClient(cfg, 30*time.Second),
		MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, Idle: 5 * time.Millisecond}
	s.Run(ctx) // until SIGKILL
	os.Exit(5)
}

// boothTLS is the booth's mutual-TLS configuration from the files in dir
// (what gallery.ClientTLS builds; this package's tests stay free of the
// gallery package and its face-matching dependencies).
func boothTLS(dir string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key"))
	if err != nil {
		return nil, err
	}
	ca, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("no certificate in %s", filepath.Join(dir, "ca.pem"))
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}, RootCAs: pool}, nil
}

func writeTestPEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestBoothKilledWithPendingResults(t *testing.T) {
	r := newRig(t)
	dir := filepath.Dir(r.store.Path)
	// Material the child needs on disk.
	writeTestPEM(t, filepath.Join(dir, "client.pem"), "CERTIFICATE", r.pki.Client.Certificate[0])
	key, err := x509.MarshalPKCS8PrivateKey(r.pki.Client.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	writeTestPEM(t, filepath.Join(dir, "client.key"), "PRIVATE KEY", key)
	writeTestPEM(t, filepath.Join(dir, "ca.pem"), "CERTIFICATE", r.pki.CADER)

	const total = 12
	r.enqueue(total)
	// The back end answers the first five, then stores the sixth and hangs.
	var seen atomic.Int32
	hang := make(chan struct{})
	var release sync.Once
	unhang := func() { release.Do(func() { close(hang) }) }
	defer unhang()
	r.recv.BeforeAck = func(http.ResponseWriter, *http.Request) {
		if seen.Add(1) == 6 {
			<-hang
		}
	}
	srv := r.pki.Serve(t, r.recv)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "VERIPORT_TRANSMIT_CHILD=1", "CHILD_DIR="+dir, "CHILD_URL="+srv.URL)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for seen.Load() < 6 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if seen.Load() < 6 {
		cmd.Process.Kill()
		t.Fatalf("child booth delivered only %d results", seen.Load())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	unhang() // the stuck request ends; its booth is gone
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("child ended with %v, want killed by SIGKILL", err)
	}
	st, _ := r.store.OutboxStats(context.Background())
	if st.Pending != total-5 {
		t.Fatalf("after the kill %d pending, want %d (six was stored but never acknowledged)", st.Pending, total-5)
	}
	// The booth restarts: everything is delivered, and the back end keeps one of each.
	r.recv.BeforeAck = nil
	r.runUntil(r.sender(srv.URL), 10*time.Second)
	r.assertDeliveredOnceInOrder()
}
