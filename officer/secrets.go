package officer

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/hkdf"
)

// ErrSecretSealed means a stored TOTP secret could not be opened: the data
// key is not the one it was sealed under, or the row was altered.
var ErrSecretSealed = errors.New("TOTP secret cannot be opened")

// sealedPrefix marks a TOTP secret stored encrypted.
const sealedPrefix = "v1:"

// SecretSealer encrypts officers' TOTP secrets at rest (AES-256-GCM under a
// key derived from the workstation's master key, bound to the officer id),
// so a copy of the database alone does not yield anyone's second factor.
type SecretSealer struct{ aead cipher.AEAD }

// NewSecretSealer derives the sealing key from the master key.
func NewSecretSealer(masterKey []byte) (*SecretSealer, error) {
	if len(masterKey) < 32 {
		return nil, errors.New("master key shorter than 32 bytes")
	}
	key := make([]byte, 32)
	if _, err := io.ReadFull(hkdf.New(sha256.New, masterKey, nil, []byte("veriport officer totp secrets v1")), key); err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &SecretSealer{aead: aead}, nil
}

// Seal encrypts the secret of officer id.
func (s *SecretSealer) Seal(id, secret string) (string, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	ct := s.aead.Seal(nonce, nonce, []byte(secret), []byte(id))
	return sealedPrefix + base64.StdEncoding.EncodeToString(ct), nil
}

// Sealed reports whether a stored secret is sealed (not a plaintext secret
// stored before sealing existed).
func Sealed(stored string) bool { return strings.HasPrefix(stored, sealedPrefix) }

// Open decrypts a stored secret; a secret stored before sealing existed is
// returned as it is (SQLStore seals it in place on that first use).
func (s *SecretSealer) Open(id, stored string) (string, error) {
	if !strings.HasPrefix(stored, sealedPrefix) {
		return stored, nil
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(stored, sealedPrefix))
	n := s.aead.NonceSize()
	if err != nil || len(raw) < n {
		return "", fmt.Errorf("officer %q: %w", id, ErrSecretSealed)
	}
	pt, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(id))
	if err != nil {
		return "", fmt.Errorf("officer %q: %w", id, ErrSecretSealed)
	}
	return string(pt), nil
}
