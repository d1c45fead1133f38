package gallery

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"veriport/verify"
)

// fuzzKey is fixed so that seed bundles stay valid across runs.
var fuzzKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

// FuzzDecode feeds arbitrary bytes to the parser and the verifier. Neither
// may panic; whatever Decode accepts must re-encode to the same bytes
// (the encoding is canonical).
func FuzzDecode(f *testing.F) {
	data, _ := testBundle(f, fuzzKey, 2)
	f.Add(data)
	f.Add(data[:len(data)/3])
	f.Add([]byte(magic))
	f.Add([]byte{})
	ring := ringOf(fuzzKey)
	f.Fuzz(func(t *testing.T, in []byte) {
		Open(in, ring, t0)
		ReadHeader(in)
		b, err := Decode(in)
		if err != nil {
			return
		}
		body, err := marshal(b)
		if err != nil {
			t.Fatalf("decoded bundle does not re-encode: %v", err)
		}
		if !bytes.Equal(body, in[:len(in)-sigLen]) {
			t.Fatal("decoded bundle re-encodes to other bytes")
		}
	})
}

// FuzzReadInputs feeds arbitrary text to the template-file and categories
// readers that `gallery build` uses; they must refuse, never panic.
func FuzzReadInputs(f *testing.F) {
	f.Add("subject,category,reason,name\nT1,exempt,A-1 visa holder,X\nT2,lpr,,\n")
	f.Add(`{"subject":"T1","template":"` + string(bytes.Repeat([]byte("A"), 684)) + `"}` + "\n")
	f.Add("subject,category\n\"unterminated")
	f.Fuzz(func(t *testing.T, in string) {
		ReadStandings(strings.NewReader(in))
		if es, err := verify.ReadTemplates(strings.NewReader(in)); err == nil {
			Build(Header{Flight: testFlight(), IssuedAt: t0, ExpiresAt: t0.Add(time.Hour)}, es, nil)
		}
	})
}
