package transmit_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"veriport/transmit"
)

// A partner deployment configured to send the photo: the back end receives
// it sealed to its key and opens it; the booth keeps no copy once the result
// is acknowledged, and never holds the photo in the clear in the outbox.
func TestSealedPhotoDeliveredThenDroppedFromOutbox(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	keyName := filepath.Join(t.TempDir(), "backend-photo")
	pub, err := transmit.WritePhotoKeyPair(keyName)
	if err != nil {
		t.Fatal(err)
	}
	photo := bytes.Repeat([]byte("synthetic probe photo "), 40)
	sealed, err := transmit.SealPhoto(photo, pub)
	if err != nil {
		t.Fatal(err)
	}
	res := testResult(0)
	res.Photo = sealed
	if err := transmit.Enqueue(ctx, r.store.DB, res); err != nil {
		t.Fatal(err)
	}
	r.ids = append(r.ids, res.EncounterID)
	var clear int
	r.store.DB.QueryRow(`SELECT COUNT(*) FROM outbox WHERE instr(payload, ?) > 0 OR instr(photo, ?) > 0`,
		photo[:40], photo[:40]).Scan(&clear)
	if clear != 0 {
		t.Fatal("the outbox holds the photo in the clear")
	}

	srv := r.pki.Serve(t, r.recv)
	r.runUntil(r.sender(srv.URL), 5*time.Second)
	got, err := r.recv.List(ctx, "2026-11-25")
	if err != nil || len(got) != 1 {
		t.Fatalf("back end holds %d results, %v", len(got), err)
	}
	priv, err := transmit.LoadPhotoKey(keyName + ".key")
	if err != nil {
		t.Fatal(err)
	}
	opened, err := transmit.OpenPhoto(got[0].Photo, pub, priv)
	if err != nil || !bytes.Equal(opened, photo) {
		t.Fatalf("back end could not open the photo: %v", err)
	}
	var left int
	r.store.DB.QueryRow(`SELECT COUNT(*) FROM outbox WHERE photo IS NOT NULL`).Scan(&left)
	if left != 0 {
		t.Errorf("%d sealed photos left in the outbox after acknowledgment", left)
	}
	other, err := transmit.WritePhotoKeyPair(keyName + "-other")
	if err != nil {
		t.Fatal(err)
	}
	otherPriv, err := transmit.LoadPhotoKey(keyName + "-other.key")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := transmit.OpenPhoto(got[0].Photo, other, otherPriv); err == nil {
		t.Error("a sealed photo opened with another key")
	}
}
