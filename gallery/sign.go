package gallery

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"
)

// KeyID names an issuer public key: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// Keyring holds the pinned issuer public keys by key id.
type Keyring map[string]ed25519.PublicKey

// NewKeyring pins the given keys.
func NewKeyring(keys ...ed25519.PublicKey) Keyring {
	r := Keyring{}
	for _, k := range keys {
		r[KeyID(k)] = k
	}
	return r
}

// LoadKeyring reads .pub files (as written by WriteKeyPair) into a keyring.
func LoadKeyring(paths ...string) (Keyring, error) {
	r := Keyring{}
	for _, p := range paths {
		k, err := ReadPublicKey(p)
		if err != nil {
			return nil, err
		}
		r[KeyID(k)] = k
	}
	return r, nil
}

// Sign puts b in canonical order, stamps the key id of priv and returns the
// signed encoding.
func Sign(b *Bundle, priv ed25519.PrivateKey) ([]byte, error) {
	canonicalize(b)
	b.KeyID = KeyID(priv.Public().(ed25519.PublicKey))
	body, err := marshal(b)
	if err != nil {
		return nil, err
	}
	return append(body, ed25519.Sign(priv, body)...), nil
}

// Open verifies a signed bundle and decodes it. The length, the issuer key,
// the signature and then the expiry are checked, in that order, before any
// entry is parsed; the error wraps ErrTruncated, ErrMalformed,
// ErrUnknownKey, ErrSignature or ErrExpired.
func Open(data []byte, keys Keyring, now time.Time) (*Bundle, error) {
	body, err := splitSigned(data)
	if err != nil {
		return nil, err
	}
	d := &decoder{b: data[:body], off: prefixLen}
	h := d.header() // fields are validated after the signature check
	if d.err != nil {
		return nil, d.err
	}
	pub, ok := keys[h.KeyID]
	if !ok {
		return nil, fmt.Errorf("%w: key id %s is not pinned", ErrUnknownKey, h.KeyID)
	}
	if !ed25519.Verify(pub, data[:body], data[body:]) {
		return nil, fmt.Errorf("%w: issuer key %s", ErrSignature, h.KeyID)
	}
	if !now.Before(h.ExpiresAt) {
		return nil, fmt.Errorf("%w at %s", ErrExpired, h.ExpiresAt.Format(time.RFC3339))
	}
	return decodeBody(data[:body])
}

const (
	pemPrivate = "PRIVATE KEY"
	pemPublic  = "PUBLIC KEY"
)

// WriteKeyPair makes a new issuer key and writes NAME.key (PKCS #8 PEM, mode
// 0600) and NAME.pub (PKIX PEM). It refuses to overwrite an existing key.
func WriteKeyPair(name string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(name+".key", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("write private key: %w", err)
	}
	if err := errors.Join(pem.Encode(f, &pem.Block{Type: pemPrivate, Bytes: der}), f.Close()); err != nil {
		return nil, fmt.Errorf("write private key: %w", err)
	}
	pder, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(name+".pub", pem.EncodeToMemory(&pem.Block{Type: pemPublic, Bytes: pder}), 0o644); err != nil {
		return nil, fmt.Errorf("write public key: %w", err)
	}
	return pub, nil
}

// ReadPrivateKey reads an issuer private key written by WriteKeyPair.
func ReadPrivateKey(path string) (ed25519.PrivateKey, error) {
	der, err := readPEM(path, pemPrivate)
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("private key %s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private key %s is not Ed25519", path)
	}
	return priv, nil
}

// ReadPublicKey reads an issuer public key written by WriteKeyPair.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	der, err := readPEM(path, pemPublic)
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("public key %s: %w", path, err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key %s is not Ed25519", path)
	}
	return pub, nil
}

func readPEM(path, typ string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key: %w", err)
	}
	blk, _ := pem.Decode(data)
	if blk == nil || blk.Type != typ {
		return nil, fmt.Errorf("%s holds no %q PEM block", path, typ)
	}
	return blk.Bytes, nil
}
