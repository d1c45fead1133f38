package transmit

import (
	"context"
	"crypto/tls"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestBoothResumesTLSSession: the booth's client keeps the back end's
// session tickets, so a new connection (after an idle timeout, a back-end
// restart, a load balancer's reconnect) resumes the session instead of a
// full handshake, and the resumed session still names the booth's station:
// the result is accepted.
func TestBoothResumesTLSSession(t *testing.T) {
	st, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "results.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pki := newPKI(t)
	recv := NewReceiver(st, nil)
	var mu sync.Mutex
	var resumed []bool
	srv := pki.serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		resumed = append(resumed, r.TLS.DidResume)
		mu.Unlock()
		recv.ServeHTTP(w, r)
	}))
	booth := HTTPClient(&tls.Config{RootCAs: pki.pool, Certificates: []tls.Certificate{pki.client},
		MinVersion: tls.VersionTLS12}, 5*time.Second)
	for i := range 2 {
		if code, ans := post(t, booth, srv.URL, mustJSON(t, recentResult("booth-1", i)), "application/json"); code != http.StatusOK {
			t.Fatalf("result %d: %d %s", i, code, ans)
		}
		booth.CloseIdleConnections() // the next result needs a new connection
	}
	if len(resumed) != 2 || resumed[0] || !resumed[1] {
		t.Fatalf("resumed per connection: %v, want [false true]", resumed)
	}
}
