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
	"syscall"
	"time"
)

// ErrNotCached means the cache holds no good bundle for the flight.
var ErrNotCached = errors.New("no gallery in the cache")

// ErrRollback means a bundle was issued before the one already cached for
// its flight: an older, possibly stale gallery must never replace a newer one.
var ErrRollback = errors.New("issued before the cached bundle (rollback refused)")

// ErrUnreadable means a cached record (or bundle) cannot be decrypted or
// parsed: it was damaged, or sealed under a key that is gone. Such a record
// is never taken as "nothing cached": a download of its flight is refused
// until the purge has removed it (logged), since the rollback check cannot
// be made.
var ErrUnreadable = errors.New("cached gallery cannot be read")

// Cache keeps verified bundles on disk, encrypted at rest with AES-256-GCM
// under a key kept in the cache folder (mode 0600). Each flight has a bundle
// file and a small record file; both are encrypted. A process holds one
// Cache per folder (OpenCache returns the same one), and every operation
// takes a file lock on the folder and reads the key file again when it
// changed, so that a key replaced by another process (a purge that emptied
// the cache) is the key the next bundle is sealed under.
type Cache struct {
	dir string
	// mu orders this process's operations: writers (Put, Refuse, Remove,
	// Purge, the key's replacement) exclusive, readers shared. The file lock
	// (cache.lock) does the same between processes.
	mu sync.RWMutex
	// kmu guards the key last read: aead and the digest of the key file it
	// came from.
	kmu    sync.Mutex
	aead   cipher.AEAD
	keySum [sha256.Size]byte
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
	// Unreadable is set (never stored) on a record Records could not read:
	// only Key is known; it is due at once and blocks downloads of its flight.
	Unreadable bool `json:"unreadable,omitempty"`
}

// Refusal is why the last download of a flight's bundle was not used.
type Refusal struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

const (
	cacheKeyFile  = "cache.key"
	cacheLockFile = "cache.lock"
	bundleExt     = ".bundle"
	recordExt     = ".record"
	tmpPrefix     = ".tmp-"
)

// caches holds the one Cache of each folder this process opened.
var caches = struct {
	sync.Mutex
	byDir map[string]*Cache
}{byDir: map[string]*Cache{}}

// OpenCache opens (creating if needed) the cache in dir and its key. A key
// file readable by group or others is refused. Every call for one folder
// returns the same Cache.
func OpenCache(dir string) (*Cache, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("gallery cache: %w", err)
	}
	caches.Lock()
	defer caches.Unlock()
	if c, ok := caches.byDir[abs]; ok {
		return c, c.check()
	}
	c, err := openCache(abs)
	if err != nil {
		return nil, err
	}
	caches.byDir[abs] = c
	return c, nil
}

// openCache opens a Cache of its own on dir, as another process would.
func openCache(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("gallery cache: %w", err)
	}
	c := &Cache{dir: dir}
	unlock, err := c.lock(true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(dir, cacheKeyFile)); errors.Is(err, fs.ErrNotExist) {
		return c, c.newKey()
	}
	if _, err := c.key(); err != nil {
		return nil, err
	}
	return c, nil
}

// check reads the key again (its mode and length), as an opening does.
func (c *Cache) check() error {
	unlock, err := c.lock(false)
	if err != nil {
		return err
	}
	defer unlock()
	_, err = c.key()
	return err
}

// lock takes the folder's lock, in this process and between processes:
// exclusive for writers, shared for readers. It returns the release.
func (c *Cache) lock(exclusive bool) (func(), error) {
	how := syscall.LOCK_SH
	if exclusive {
		c.mu.Lock()
		how = syscall.LOCK_EX
	} else {
		c.mu.RLock()
	}
	release := func() {
		if exclusive {
			c.mu.Unlock()
		} else {
			c.mu.RUnlock()
		}
	}
	f, err := os.OpenFile(filepath.Join(c.dir, cacheLockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		release()
		return nil, fmt.Errorf("gallery cache lock: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		release()
		return nil, fmt.Errorf("gallery cache lock: %w", err)
	}
	return func() { f.Close(); release() }, nil // closing the file releases the lock
}

// key returns the cipher of the key file as it is now on disk, reading it
// again when another process (or a purge here) replaced it. Caller holds
// the lock.
func (c *Cache) key() (cipher.AEAD, error) {
	keyPath := filepath.Join(c.dir, cacheKeyFile)
	st, err := os.Stat(keyPath)
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
	sum := sha256.Sum256(key)
	c.kmu.Lock()
	defer c.kmu.Unlock()
	if c.aead != nil && sum == c.keySum {
		return c.aead, nil
	}
	aead, err := newCacheAEAD(key)
	if err != nil {
		return nil, err
	}
	c.aead, c.keySum = aead, sum
	return aead, nil
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
// Caller holds the exclusive lock.
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
	if err := writeFileAtomic(filepath.Join(c.dir, cacheKeyFile), key, 0o600); err != nil {
		return fmt.Errorf("gallery cache key: %w", err)
	}
	c.kmu.Lock()
	c.aead, c.keySum = aead, sha256.Sum256(key)
	c.kmu.Unlock()
	return nil
}

// destroyKeyIfEmpty replaces the key once no flight is left in the cache
// (crypto-erase): a copy of a purged bundle file can no longer be read.
// Caller holds the exclusive lock.
func (c *Cache) destroyKeyIfEmpty() error {
	for _, ext := range []string{recordExt, bundleExt} {
		left, err := filepath.Glob(filepath.Join(c.dir, "*"+ext))
		if err != nil || len(left) > 0 {
			return err
		}
	}
	return c.newKey()
}

// Dir is the cache folder.
func (c *Cache) Dir() string { return c.dir }

// Put stores a verified bundle (data as downloaded, b as Open returned it),
// replacing the flight's previous bundle and clearing any refusal. A bundle
// issued before the cached good one is refused with ErrRollback and the
// cached one kept; so is any bundle while the cached record cannot be read
// (ErrUnreadable), since the check cannot be made.
func (c *Cache) Put(data []byte, b *Bundle, now time.Time) (Record, error) {
	unlock, err := c.lock(true)
	if err != nil {
		return Record{}, err
	}
	defer unlock()
	old, err := c.record(b.Flight.Key())
	switch {
	case err == nil && old.Good && b.IssuedAt.Before(old.IssuedAt):
		return old, fmt.Errorf("gallery %s issued %s: %w (cached one issued %s)", b.Flight.ID(),
			b.IssuedAt.UTC().Format(time.RFC3339), ErrRollback, old.IssuedAt.UTC().Format(time.RFC3339))
	case err != nil && !errors.Is(err, ErrNotCached):
		return Record{}, fmt.Errorf("gallery %s not stored: the cached record cannot be checked for a rollback "+
			"(the next purge removes it): %w", b.Flight.ID(), err)
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
// bundle already stored stays in use. An unreadable record stays as it is
// (ErrUnreadable).
func (c *Cache) Refuse(flight Flight, reason string, now time.Time) (Record, error) {
	unlock, err := c.lock(true)
	if err != nil {
		return Record{}, err
	}
	defer unlock()
	r, err := c.record(flight.Key())
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
	unlock, err := c.lock(false)
	if err != nil {
		return Record{}, err
	}
	defer unlock()
	return c.record(key)
}

// record is Record; caller holds the lock.
func (c *Cache) record(key string) (Record, error) {
	data, err := c.readSealed(key + recordExt)
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, fmt.Errorf("%s: %w", key, ErrNotCached)
	}
	if err != nil {
		return Record{}, err
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return Record{}, fmt.Errorf("gallery cache record %s: %w: %w", key, ErrUnreadable, err)
	}
	r.Unreadable = false
	return r, nil
}

// Records lists every flight in the cache, by key. A record that cannot be
// read is listed with only its key and Unreadable set.
func (c *Cache) Records() ([]Record, error) {
	unlock, err := c.lock(false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return c.records()
}

// records is Records; caller holds the lock.
func (c *Cache) records() ([]Record, error) {
	names, err := filepath.Glob(filepath.Join(c.dir, "*"+recordExt))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]Record, 0, len(names))
	for _, n := range names {
		key := strings.TrimSuffix(filepath.Base(n), recordExt)
		r, err := c.record(key)
		if errors.Is(err, ErrUnreadable) {
			r = Record{Key: key, Unreadable: true}
		} else if errors.Is(err, ErrNotCached) {
			continue // removed meanwhile
		} else if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Bundle decrypts the flight's good bundle and verifies it again against
// keys at now (the pinned keys or the clock may have changed since).
func (c *Cache) Bundle(key string, keys Keyring, now time.Time) (*Bundle, error) {
	unlock, err := c.lock(false)
	if err != nil {
		return nil, err
	}
	data, err := c.readSealed(key + bundleExt)
	unlock()
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
	unlock, err := c.lock(true)
	if err != nil {
		return err
	}
	defer unlock()
	return c.remove(key)
}

// remove is Remove; caller holds the exclusive lock.
func (c *Cache) remove(key string) error {
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
// associated data, so files cannot be swapped) under the key on disk now
// and writes it atomically. Caller holds the exclusive lock.
func (c *Cache) writeSealed(name string, data []byte) error {
	aead, err := c.key()
	if err != nil {
		return err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(data)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	sealed := aead.Seal(nonce, nonce, data, []byte(name))
	if err := writeFileAtomic(filepath.Join(c.dir, name), sealed, 0o600); err != nil {
		return fmt.Errorf("gallery cache: %w", err)
	}
	return nil
}

// readSealed reads and decrypts a file under the key on disk now; a file
// that does not open is ErrUnreadable. Caller holds the lock.
func (c *Cache) readSealed(name string) ([]byte, error) {
	sealed, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		return nil, err
	}
	aead, err := c.key()
	if err != nil {
		return nil, err
	}
	ns := aead.NonceSize()
	if len(sealed) < ns {
		return nil, fmt.Errorf("gallery cache %s: %w: %w", name, ErrUnreadable, ErrTruncated)
	}
	data, err := aead.Open(nil, sealed[:ns], sealed[ns:], []byte(name))
	if err != nil {
		return nil, fmt.Errorf("gallery cache %s: %w (damaged or wrong key): %w", name, ErrUnreadable, err)
	}
	return data, nil
}

// writeFileAtomic writes through a temporary file and a rename.
func writeFileAtomic(path string, data []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), tmpPrefix+"*")
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
