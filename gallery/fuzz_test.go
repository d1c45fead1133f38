package gallery

import (
	"bytes"
	"crypto/ed25519"
	"testing"
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
