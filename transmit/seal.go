package transmit

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/nacl/box"
)

// ErrPhotoKey means a photo key file is missing or not a key.
var ErrPhotoKey = errors.New("photo key unreadable")

// PhotoKey is an X25519 key (NaCl box) for probe photos sent to the back end
// in a partner deployment: the booth seals each photo to the back end's
// public key, so only the back end can open it, on the wire and on disk.
type PhotoKey = [32]byte

// SealPhoto seals photo to the back end's public key (anonymous sender).
func SealPhoto(photo []byte, pub *PhotoKey) ([]byte, error) {
	sealed, err := box.SealAnonymous(nil, photo, pub, rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("seal photo: %w", err)
	}
	return sealed, nil
}

// OpenPhoto opens a sealed photo with the back end's key pair.
func OpenPhoto(sealed []byte, pub, priv *PhotoKey) ([]byte, error) {
	photo, ok := box.OpenAnonymous(nil, sealed, pub, priv)
	if !ok {
		return nil, errors.New("sealed photo does not open with this key")
	}
	return photo, nil
}

// WritePhotoKeyPair writes NAME.key (mode 0600) and NAME.pub, each one
// line of base64, and returns the public key. An existing NAME.key is never
// overwritten (it opens the photos already sent): that is an error.
func WritePhotoKeyPair(name string) (*PhotoKey, error) {
	pub, priv, err := box.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	defer clear(priv[:])
	f, err := os.OpenFile(name+".key", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("write photo key (an existing key is never replaced): %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(priv[:]) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name + ".key")
		return nil, fmt.Errorf("write photo key: %w", err)
	}
	if err := os.WriteFile(name+".pub", []byte(base64.StdEncoding.EncodeToString(pub[:])+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("write photo public key: %w", err)
	}
	return pub, nil
}

// LoadPhotoKey reads a key file written by WritePhotoKeyPair.
func LoadPhotoKey(path string) (*PhotoKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPhotoKey, err)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(raw) != 32 {
		return nil, fmt.Errorf("%w: %s is not a base64 32-byte key", ErrPhotoKey, path)
	}
	var k PhotoKey
	copy(k[:], raw)
	return &k, nil
}
