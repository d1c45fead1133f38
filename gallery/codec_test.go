package gallery

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"reflect"
	"testing"
	"time"

	"veriport/verify"
)

func TestSignOpenRoundTrip(t *testing.T) {
	key := newKey(t)
	data, want := testBundle(t, key, 25)
	got, err := Open(data, ringOf(key), t0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded bundle differs from the signed one:\n got %+v\nwant %+v", got.Header, want.Header)
	}
	again, err := Sign(got, key)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Fatal("re-encoding a decoded bundle changed its bytes: encoding not canonical")
	}
	idx := &sliceIndex{}
	if n := Load(got, verify.EngineDlib, idx); n != len(idx.templates) || n < 25 {
		t.Fatalf("Load added %d templates, index holds %d", n, len(idx.templates))
	}
}

// TestEveryFlippedByteRefused flips each byte of a small bundle in turn.
func TestEveryFlippedByteRefused(t *testing.T) {
	key := newKey(t)
	data, _ := testBundle(t, key, 3)
	ring := ringOf(key)
	d := &decoder{b: data, off: prefixLen}
	d.header()
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0x01
		_, err := Open(bad, ring, t0)
		if err == nil {
			t.Fatalf("bundle with byte %d flipped was accepted", i)
		}
		// Entries and signature are checked cryptographically before parsing.
		if i >= d.off && !errors.Is(err, ErrSignature) {
			t.Fatalf("byte %d (after the header) flipped: got %v, want ErrSignature", i, err)
		}
	}
}

func TestRefusalReasons(t *testing.T) {
	issuer, other := newKey(t), newKey(t)
	data, b := testBundle(t, issuer, 4)
	ring := ringOf(issuer)

	// Another key's signature under the issuer's key id.
	forged := *b
	forgedData, err := Sign(&forged, other)
	if err != nil {
		t.Fatal(err)
	}
	spoof := bytes.Clone(forgedData)
	copy(spoof[prefixLen+2:], KeyID(issuer.Public().(ed25519.PublicKey)))

	cases := []struct {
		name string
		data []byte
		now  time.Time
		want error
	}{
		{"valid", data, t0, nil},
		{"valid one second before expiry", data, b.ExpiresAt.Add(-time.Second), nil},
		{"expired at expires-at", data, b.ExpiresAt, ErrExpired},
		{"expired later", data, b.ExpiresAt.Add(48 * time.Hour), ErrExpired},
		{"signed by an unpinned key", forgedData, t0, ErrUnknownKey},
		{"wrong key under the pinned key id", spoof, t0, ErrSignature},
		{"truncated signature", data[:len(data)-1], t0, ErrTruncated},
		{"truncated body", data[:len(data)/2], t0, ErrTruncated},
		{"empty", nil, t0, ErrTruncated},
		{"trailing byte", append(bytes.Clone(data), 0), t0, ErrMalformed},
		{"not a bundle", []byte("PK\x03\x04 this is a zip"), t0, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(c.data, ring, c.now)
			if c.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestEveryPrefixIsTruncated(t *testing.T) {
	key := newKey(t)
	data, _ := testBundle(t, key, 2)
	for n := 0; n < len(data); n++ {
		if _, err := Open(data[:n], ringOf(key), t0); !errors.Is(err, ErrTruncated) {
			t.Fatalf("prefix of %d bytes: got %v, want ErrTruncated", n, err)
		}
		if _, err := Decode(data[:n]); !errors.Is(err, ErrTruncated) {
			t.Fatalf("Decode of prefix %d: got %v, want ErrTruncated", n, err)
		}
	}
}

func TestMarshalRefusesInvalid(t *testing.T) {
	key := newKey(t)
	_, good := testBundle(t, key, 2)
	cases := map[string]func(b *Bundle){
		"exempt without reason":     func(b *Bundle) { b.Entries[0].Category, b.Entries[0].Exemption = CategoryExempt, "" },
		"reason without exempt":     func(b *Bundle) { b.Entries[0].Category, b.Entries[0].Exemption = CategoryLPR, "x" },
		"no templates":              func(b *Bundle) { b.Entries[0].Templates = nil },
		"unknown category":          func(b *Bundle) { b.Entries[0].Category = 9 },
		"unknown source":            func(b *Bundle) { b.Entries[0].Templates[0].Source = 0 },
		"bad carrier":               func(b *Bundle) { b.Flight.Carrier = "united" },
		"bad date":                  func(b *Bundle) { b.Flight.Date = "25/11/2026" },
		"expires before issue":      func(b *Bundle) { b.ExpiresAt = b.IssuedAt },
		"duplicate traveler":        func(b *Bundle) { b.Entries[1].Traveler = b.Entries[0].Traveler },
		"empty traveler":            func(b *Bundle) { b.Entries[0].Traveler = "" },
		"display key not lowercase": func(b *Bundle) { b.Entries[0].Display[0].Key = "Name" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			b := *good
			b.Entries = make([]Entry, len(good.Entries))
			for i, e := range good.Entries {
				e.Templates = append([]Template(nil), e.Templates...)
				e.Display = append([]Field(nil), e.Display...)
				b.Entries[i] = e
			}
			mutate(&b)
			if _, err := Sign(&b, key); !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, want ErrMalformed", err)
			}
		})
	}
}

func TestReadHeaderFromPrefix(t *testing.T) {
	key := newKey(t)
	data, b := testBundle(t, key, 50)
	h, err := ReadHeader(data[:4096])
	if err != nil {
		t.Fatal(err)
	}
	if h.Flight != b.Flight || h.Entries != 50 || h.KeyID != b.KeyID {
		t.Fatalf("header %+v, want %+v", h, b.Header)
	}
}
