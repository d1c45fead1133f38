package transmit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"veriport/record"
	"veriport/transmit"
)

// TestResultsCarryAuditHead: every result sent carries the booth's audit
// head at the time of sending, so the back end holds a copy of it off the
// station (`audit verify --head`); a message without one still parses.
func TestResultsCarryAuditHead(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := r.store.Audit(ctx, record.AuditEvent{Kind: record.AuditLogin, Actor: "o-17"}); err != nil {
			t.Fatal(err)
		}
	}
	r.enqueue(2)
	head, err := r.store.AuditHead(ctx)
	if err != nil || head.Seq != 3 {
		t.Fatalf("head %v %v", head, err)
	}
	srv := r.pki.Serve(t, r.recv)
	r.runUntil(r.sender(srv.URL), 10e9)
	got, err := r.recv.List(ctx, "2026-11-25")
	if err != nil || len(got) != 2 {
		t.Fatalf("back end holds %d results: %v", len(got), err)
	}
	for _, s := range got {
		if s.AuditSeq != head.Seq || s.AuditHash != head.Hash {
			t.Errorf("result %s carries audit head %d:%s, want %s", s.EncounterID, s.AuditSeq, s.AuditHash, head)
		}
	}
	old := `{"encounter_id":"0b6b1a1e-2f6c-4a53-9a53-1d2c3b4a5f60","station":"booth-1","officer":"o","flight":"VP1",` +
		`"time":"2026-11-25T10:00:00Z","outcome":"match"}`
	var res transmit.Result
	if err := json.Unmarshal([]byte(old), &res); err != nil || res.Validate() != nil || res.AuditSeq != 0 {
		t.Fatalf("message without an audit head: %+v %v", res, err)
	}
}

// TestPhotoKeyPairNeverOverwritten: making a key pair where one exists is
// refused, and the existing private key (which opens photos already sent)
// is left as it was.
func TestPhotoKeyPairNeverOverwritten(t *testing.T) {
	name := filepath.Join(t.TempDir(), "backend-photo")
	if _, err := transmit.WritePhotoKeyPair(name); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(name + ".key")
	if _, err := transmit.WritePhotoKeyPair(name); err == nil || !strings.Contains(err.Error(), name+".key") {
		t.Fatalf("second key pair over the first: %v", err)
	}
	if after, _ := os.ReadFile(name + ".key"); !bytes.Equal(before, after) {
		t.Fatal("existing private key overwritten")
	}
}
