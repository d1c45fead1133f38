// Package officer is officer authentication without a GUI or a database:
// PINs hashed with argon2id, TOTP second factor (RFC 6238), lockout after
// repeated failures, and the idle-logout timer. Accounts live behind the
// small Store interface (SQLite in record/, MemoryStore for tests and demos).
// Only officer ids reach log lines: never names, PINs, codes or secrets.
package officer

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id's cost parameters.
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultHashParams follow RFC 9106's second recommended option (64 MiB,
// three passes), with two lanes for the two-core workstation.
var DefaultHashParams = HashParams{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// Limits on parameters read back from an encoded hash, so a tampered row
// cannot make a login take gigabytes or minutes.
const (
	maxMemory  = 1 << 20 // KiB = 1 GiB
	maxTime    = 64
	maxSaltKey = 64 // bytes, of the salt and of the key
)

// Sentinel errors of PIN handling.
var (
	ErrWeakPIN    = errors.New("PIN must be 6 to 32 digits")
	ErrHashFormat = errors.New("stored PIN hash is not a valid argon2id string")
)

// ValidatePIN checks a new PIN: 6 to 32 digits.
func ValidatePIN(pin string) error {
	if len(pin) < 6 || len(pin) > 32 || strings.Trim(pin, "0123456789") != "" {
		return ErrWeakPIN
	}
	return nil
}

var b64 = base64.RawStdEncoding

// HashPIN returns the PHC-style argon2id string of pin with a fresh random
// salt: $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>.
func HashPIN(pin string, p HashParams) (string, error) {
	if p.SaltLen < 8 || p.KeyLen < 16 || p.Memory < 8*uint32(p.Threads) || p.Time < 1 || p.Threads < 1 {
		return "", fmt.Errorf("hash PIN: parameters %+v too weak", p)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash PIN: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPIN reports whether pin matches the encoded hash, in constant time.
func VerifyPIN(pin, encoded string) (bool, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// decodeHash parses $argon2id$v=19$m=..,t=..,p=..$salt$key.
func decodeHash(s string) (HashParams, []byte, []byte, error) {
	var p HashParams
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrHashFormat
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("%w: version %q", ErrHashFormat, parts[2])
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil ||
		p.Memory == 0 || p.Memory > maxMemory || p.Time == 0 || p.Time > maxTime || threads == 0 || threads > 255 {
		return p, nil, nil, fmt.Errorf("%w: parameters %q", ErrHashFormat, parts[3])
	}
	p.Threads = uint8(threads)
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return p, nil, nil, fmt.Errorf("%w: salt or key", ErrHashFormat)
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
