package gallery

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// ErrNotCached means the cache holds no good bundle for the flight.
var ErrNotCached = errors.New("no gallery in the cache")

// ErrRollback means a bundle was issued before the one already cached for
// its flight: an older, possibly stale gallery must never replace a newer one.
var ErrRollback = errors.New("issued before the cached bundle (rollback refused)")

// Cache keeps verified bundles on disk, encrypted at rest with AES-256-GCM
// under a key kept in the cache folder (mode 0600). Each flight has a bundle
// file and a small record file; both are encrypted.
type Cache struct {
	dir  string
	mu   sync.RWMutex // guards aead: the key changes when the cache empties
	aead cipher.AEAD
	// puts serialises Put with the key's replacement, so a bundle is never
	// sealed under a key destroyed before its record is written.
	puts sync.Mutex
}

// Record describes one flight in the cache: its good bundle, if any, and the
// last refused download, if any.
type Record struct {
	Key       string    `json:"key"` // Flight.Key()
	Flight    Flight    `json:"flight"`
	Good      bool      `json:"good"` // a verified bundle is stored
	IssuedAt  time.Time `json:"issued_at"`
	ExpiresAt time.Time `json:"expires_at"`
	KeyID     string    `json:"key_id"`
	Entries   int       `json:"entries"`
	Templates int       `json:"templates"`
	Size      int       `json:"size"`
	SHA256    string    `json:"sha256"`
	StoredAt  time.Time `json:"stored_at"`
	Refusal   *Refusal  `json:"refusal,omitempty"`
}

// Refusal is why the last download of a flight's bundle was not used.
type Refusal struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

const (
	cacheKeyFile = "cache.key"
	bundleExt    = ".bundle"
	recordExt    = ".record"
)

// OpenCache opens (creating if needed) the cache in dir and its key. A key
// file readable by group or others is refused.
func OpenCache(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("gallery cache: %w", err)
	}
	keyPath := filepath.Join(dir, cacheKeyFile)
	st, err := os.Stat(keyPath)
	if errors.Is(err, fs.ErrNotExist) {
		c := &Cache{dir: dir}
		return c, c.newKey()
	}
	if err != nil {
		return nil, fmt.Errorf("gallery cache key: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("gallery cache key %s has mode %04o; it must be private (chmod 600)", keyPath, st.Mode().Perm())
	}
	key, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, fmt.Errorf("gallery cache key: %w", err)
	}
	defer clear(key)
	if len(key) != 32 {
		return nil, fmt.Errorf("gallery cache key %s: %d bytes, want 32", keyPath, len(key))
	}
	aead, err := newCacheAEAD(key)
	if err != nil {
		return nil, err
	}
	return &Cache{dir: dir, aead: aead}, nil
}

func newCacheAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// newKey writes a fresh key (mode 0600), replacing the old one, and uses it
// from now on: whatever was sealed under the old key becomes unreadable.
func (c *Cache) newKey() error {
	key := make([]byte, 32)
	defer clear(key)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	aead, err := newCacheAEAD(key)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := writeFileAtomic(filepath.Join(c.dir, cacheKeyFile), key, 0o600); err != nil {
		return fmt.Errorf("gallery cache key: %w", err)
	}
	c.aead = aead
	return nil
}

// destroyKeyIfEmpty replaces the key once no flight is left in the cache
// (crypto-erase): a copy of a purged bundle file can no longer be read.
func (c *Cache) destroyKeyIfEmpty() error {
	c.puts.Lock()
	defer c.puts.Unlock()
	recs, err := filepath.Glob(filepath.Join(c.dir, "*"+recordExt))
	if err != nil || len(recs) > 0 {
		return err
	}
	return c.newKey()
}

// Dir is the cache folder.
func (c *Cache) Dir() string { return c.dir }

// Put stores a verified bundle (data as downloaded, b as Open returned it),
// replacing the flight's previous bundle and clearing any refusal. A bundle
// issued before the cached good one is refused with ErrRollback and the
// cached one kept.
func (c *Cache) Put(data []byte, b *Bundle, now time.Time) (Record, error) {
	c.puts.Lock()
	defer c.puts.Unlock()
	if old, err := c.Record(b.Flight.Key()); err == nil && old.Good && b.IssuedAt.Before(old.IssuedAt) {
		return old, fmt.Errorf("gallery %s issued %s: %w (cached one issued %s)", b.Flight.ID(),
			b.IssuedAt.UTC().Format(time.RFC3339), ErrRollback, old.IssuedAt.UTC().Format(time.RFC3339))
	}
	n := 0
	for i := range b.Entries {
		n += len(b.Entries[i].Templates)
	}
	sum := sha256.Sum256(data)
	r := Record{Key: b.Flight.Key(), Flight: b.Flight, Good: true, IssuedAt: b.IssuedAt,
		ExpiresAt: b.ExpiresAt, KeyID: b.KeyID, Entries: len(b.Entries), Templates: n,
		Size: len(data), SHA256: hex.EncodeToString(sum[:]), StoredAt: now.UTC()}
	if err := c.writeSealed(r.Key+bundleExt, data); err != nil {
		return Record{}, err
	}
	return r, c.writeRecord(r)
}

// Refuse notes that a download of flight was refused for reason; a good
// bundle already stored stays in use.
func (c *Cache) Refuse(flight Flight, reason string, now time.Time) (Record, error) {
	r, err := c.Record(flight.Key())
	if errors.Is(err, ErrNotCached) {
		r = Record{Key: flight.Key(), Flight: flight}
	} else if err != nil {
		return Record{}, err
	}
	if !r.Good && r.Flight.Departure.IsZero() {
		r.Flight = flight
	}
	r.Refusal = &Refusal{At: now.UTC(), Reason: reason}
	return r, c.writeRecord(r)
}

// Record returns the record of the flight key (Flight.Key()).
func (c *Cache) Record(key string) (Record, error) {
	data, err := c.readSealed(key + recordExt)
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, fmt.Errorf("%s: %w", key, ErrNotCached)
	}
	if err != nil {
		return Record{}, err
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return Record{}, fmt.Errorf("gallery cache record %s: %w", key, err)
	}
	return r, nil
}

// Records lists every flight in the cache, by key.
func (c *Cache) Records() ([]Record, error) {
	names, err := filepath.Glob(filepath.Join(c.dir, "*"+recordExt))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Record, 0, len(names))
	for _, n := range names {
		r, err := c.Record(strings.TrimSuffix(filepath.Base(n), recordExt))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Bundle decrypts the flight's good bundle and verifies it again against
// keys at now (the pinned keys or the clock may have changed since).
func (c *Cache) Bundle(key string, keys Keyring, now time.Time) (*Bundle, error) {
	data, err := c.readSealed(key + bundleExt)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", key, ErrNotCached)
	}
	if err != nil {
		return nil, err
	}
	b, err := Open(data, keys, now)
	if err != nil {
		return nil, fmt.Errorf("cached gallery %s: %w", key, err)
	}
	return b, nil
}

// Remove deletes the flight's bundle and record.
func (c *Cache) Remove(key string) error {
	var errs []error
	for _, ext := range []string{bundleExt, recordExt} {
		if err := os.Remove(filepath.Join(c.dir, key+ext)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (c *Cache) writeRecord(r Record) error {
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return c.writeSealed(r.Key+recordExt, data)
}

// writeSealed encrypts data (nonce || ciphertext, the file name as
// associated data, so files cannot be swapped) and writes it atomically.
func (c *Cache) writeSealed(name string, data []byte) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(data)+c.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	sealed := c.aead.Seal(nonce, nonce, data, []byte(name))
	if err := writeFileAtomic(filepath.Join(c.dir, name), sealed, 0o600); err != nil {
		return fmt.Errorf("gallery cache: %w", err)
	}
	return nil
}

func (c *Cache) readSealed(name string) ([]byte, error) {
	sealed, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	ns := c.aead.NonceSize()
	if len(sealed) < ns {
		return nil, fmt.Errorf("gallery cache %s: %w", name, ErrTruncated)
	}
	data, err := c.aead.Open(nil, sealed[:ns], sealed[ns:], []byte(name))
	if err != nil {
		return nil, fmt.Errorf("gallery cache %s: cannot decrypt (damaged or wrong key): %w", name, err)
	}
	return data, nil
}

// writeFileAtomic writes through a temporary file and a rename.
func writeFileAtomic(path string, data []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
