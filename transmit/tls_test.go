package transmit_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"veriport/backend"
	"veriport/backend/testpki"
	"veriport/transmit"
)

// TestBoothResumesTLSSession: the booth's client keeps the back end's
// session tickets, so a new connection (after an idle timeout, a back-end
// restart, a load balancer's reconnect) resumes the session instead of a
// full handshake, and the resumed session still names the booth's station:
// the result is accepted.
func TestBoothResumesTLSSession(t *testing.T) {
	st, err := backend.OpenStore(context.Background(), filepath.Join(t.TempDir(), "results.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pki := testpki.New(t)
	recv := backend.NewReceiver(st, nil)
	var mu sync.Mutex
	var resumed []bool
	srv := pki.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		resumed = append(resumed, r.TLS.DidResume)
		mu.Unlock()
		recv.ServeHTTP(w, r)
	}))
	booth := transmit.HTTPClient(&tls.Config{RootCAs: pki.Pool, Certificates: []tls.Certificate{pki.Client},
		MinVersion: tls.VersionTLS12}, 5*time.Second)
	for i := range 2 {
		if code, ans := post(t, booth, srv.URL, mustJSON(t, transmit.RecentResult("booth-1", i)), "application/json"); code != http.StatusOK {
			t.Fatalf("result %d: %d %s", i, code, ans)
		}
		booth.CloseIdleConnections() // the next result needs a new connection
	}
	if len(resumed) != 2 || resumed[0] || !resumed[1] {
		t.Fatalf("resumed per connection: %v, want [false true]", resumed)
	}
}

// post sends body to the receiver with client and returns status and answer.
func post(t *testing.T, c *http.Client, url string, body []byte, ctype string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+transmit.ResultsPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
