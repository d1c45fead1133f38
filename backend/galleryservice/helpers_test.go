package galleryservice

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"

	"veriport/gallery"
	"veriport/verify"
)

// The booth's gallery client against this service: the fixtures of the
// gallery package's own tests.

// t0 is the tests' fixed clock: the morning of the test flight.
var t0 = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)

func testFlight() gallery.Flight {
	return gallery.Flight{Carrier: "VP", Number: "420", Date: "2026-11-25", Origin: "IAD", Destination: "FRA",
		Departure: time.Date(2026, 11, 25, 21, 30, 0, 0, time.UTC)}
}

func newKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

// testBundle is a signed bundle of n synthetic travelers for testFlight.
func testBundle(t testing.TB, key ed25519.PrivateKey, n int) ([]byte, *gallery.Bundle) {
	t.Helper()
	f := testFlight()
	b := &gallery.Bundle{Header: gallery.Header{Flight: f, IssuedAt: t0.Add(-time.Hour), ExpiresAt: f.Departure.Add(gallery.DefaultGrace)},
		Entries: gallery.SyntheticEntries(n, 1)}
	data, err := gallery.Sign(b, key)
	if err != nil {
		t.Fatal(err)
	}
	return data, b
}

func ringOf(key ed25519.PrivateKey) gallery.Keyring {
	return gallery.NewKeyring(key.Public().(ed25519.PublicKey))
}

// sliceIndex is a minimal Loader for tests: it keeps subjects and templates
// side by side, as verify.Index will.
type sliceIndex struct {
	subjects  []string
	templates []verify.Template
}

func (s *sliceIndex) Add(subject string, t *verify.Template) {
	s.subjects = append(s.subjects, subject)
	s.templates = append(s.templates, *t)
}
