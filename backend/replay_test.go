package backend

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"veriport/backend/testpki"
	"veriport/transmit"
)

// TestExpectContinueTooLarge: a booth (or anyone holding a certificate)
// that announces a body larger than a result may be, and asks with
// "Expect: 100-continue" whether to send it, is answered 413 at once: no
// "100 Continue", and not a byte of the body is read.
func TestExpectContinueTooLarge(t *testing.T) {
	st, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "results.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	pki := testpki.New(t)
	srv := pki.Serve(t, NewReceiver(st, nil))
	conn, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{RootCAs: pki.Pool,
		Certificates: []tls.Certificate{pki.Client}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	const gib = 1 << 30
	req := "POST " + transmit.ResultsPath + " HTTP/1.1\r\nHost: backend\r\nContent-Type: application/json\r\n" +
		"Content-Length: 1073741824\r\nExpect: 100-continue\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: http.MethodPost})
	if err != nil {
		t.Fatalf("no answer to a declared %d-byte body: %v", gib, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("declared %d-byte body with Expect: 100-continue answered %q, want 413 before any body is sent",
			gib, resp.Status)
	}
}

// TestReplayWithDifferentContentConflicts: a result whose encounter id is
// already stored is acknowledged as a duplicate only when it says the same
// thing (the audit head, which the booth refreshes on every send, and the
// sealed photo aside); a different result under a stored id is refused
// with 409 and the stored one is left as it was.
func TestReplayWithDifferentContentConflicts(t *testing.T) {
	eachStore(t, func(t *testing.T, st *Store) {
		pki := testpki.New(t)
		srv := pki.Serve(t, NewReceiver(st, nil))
		booth := pki.HTTPClient()
		r := recentResult("booth-1", 0)
		r.AuditSeq, r.AuditHash = 7, "ab12"
		if code, ans := post(t, booth, srv.URL, mustJSON(t, r), "application/json"); code != http.StatusOK {
			t.Fatalf("first delivery: %d %s", code, ans)
		}
		resend := r
		resend.AuditSeq, resend.AuditHash = 9, "cd34" // the booth's head moved on meanwhile
		resend.EncounterID = strings.ToUpper(r.EncounterID)
		code, ans := post(t, booth, srv.URL, mustJSON(t, resend), "application/json")
		var ack transmit.Ack
		if code != http.StatusOK || json.Unmarshal([]byte(ans), &ack) != nil || !ack.Duplicate {
			t.Fatalf("a resend of the same result: %d %s, want 200 duplicate", code, ans)
		}
		changed := r
		changed.Outcome, changed.Final, changed.TravelerID = "no-match", transmit.FinalReferred, ""
		changed.ManualCheck = &transmit.ManualCheck{At: r.Time.Add(-time.Second), Outcome: "referred", Reason: "document-mismatch"}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+transmit.ResultsPath, bytes.NewReader(mustJSON(t, changed)))
		req.Header.Set("Content-Type", "application/json")
		resp, err := booth.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("a different result under a stored encounter id: %s %s, want 409", resp.Status, answer)
		}
		// The message's own fault: the booth dead-letters it rather than
		// holding the results behind it.
		if c := transmit.Classify(resp.StatusCode, resp.Header, 0); c != transmit.CauseMessage {
			t.Fatalf("409 classified as %q by the booth, want %q", c, transmit.CauseMessage)
		}
		got, err := st.ListStation(context.Background(), "booth-1")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Outcome != "match" || got[0].Final != transmit.FinalCleared {
			t.Fatalf("store after the conflicting replay: %+v, want the first result alone", got)
		}
	})
}
