package retention

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/google/uuid"

	"veriport/record"
)

// Vault errors.
var (
	// ErrKeyDestroyed means the photo's data key was destroyed (crypto-erased):
	// the file, wherever it is, can no longer be read.
	ErrKeyDestroyed = errors.New("vault key destroyed")
	// ErrCorrupt means a vault file is not one, or fails authentication.
	ErrCorrupt = errors.New("vault file corrupt or tampered")
	// ErrNoSpace means the disk is full; nothing was left half-written.
	ErrNoSpace = errors.New("no space left to store the photo")
)

const (
	blobMagic  = "VPV1"
	fileSuffix = ".vpv"
	tmpPattern = ".put-*.tmp"
	bucketFmt  = "2006010215" // one bucket per hour of purge deadline
)

// Vault stores photos encrypted with AES-256-GCM under per-bucket data keys.
// Data keys live in the database (table vault_keys) wrapped by the master
// key; destroying a bucket's key makes every copy of its files unreadable.
type Vault struct {
	dir    string
	master cipher.AEAD
	fs     FS
	// NoSync skips fsync on writes. Only for filling test and benchmark
	// fixtures quickly; never set in the workstation.
	NoSync bool
}

// NewVault opens the vault folder dir (created 0700) with the master key.
// Leftover temporary files of interrupted writes are removed.
func NewVault(dir string, masterKey []byte, fsys FS) (*Vault, error) {
	if fsys == nil {
		fsys = OSFS{}
	}
	aead, err := newGCM(masterKey)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMasterKey, err)
	}
	if err := fsys.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create vault %s: %w", dir, err)
	}
	v := &Vault{dir: dir, master: aead, fs: fsys}
	v.sweepTemps()
	return v, nil
}

// Dir is the vault's folder.
func (v *Vault) Dir() string { return v.dir }

func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("key is %d bytes, want 32", len(key))
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// BucketFor names the bucket of a purge deadline: its UTC hour.
func BucketFor(deadline time.Time) string { return deadline.UTC().Format(bucketFmt) }

func (v *Vault) path(bucket, id string) string {
	return filepath.Join(v.dir, bucket, id+fileSuffix)
}

func keyAAD(keyID, bucket string) []byte { return []byte("veriport-key\x00" + keyID + "\x00" + bucket) }

// bucketKey returns the bucket's data key, creating it when the bucket has
// none; called inside the transaction that assigns a photo to the bucket so
// that the purge job cannot destroy the key in between.
func (v *Vault) bucketKey(ctx context.Context, tx *sql.Tx, bucket string, now time.Time) (string, []byte, error) {
	var keyID string
	var wrapped []byte
	err := tx.QueryRowContext(ctx, `SELECT key_id, wrapped FROM vault_keys WHERE bucket = ?`, bucket).Scan(&keyID, &wrapped)
	if err == nil {
		k, err := v.unwrap(keyID, bucket, wrapped)
		return keyID, k, err
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("vault key for bucket %s: %w", bucket, err)
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return "", nil, err
	}
	keyID = uuid.NewString()
	nonce := make([]byte, v.master.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, err
	}
	wrapped = v.master.Seal(nonce, nonce, k, keyAAD(keyID, bucket))
	if _, err := tx.ExecContext(ctx, `INSERT INTO vault_keys (key_id, bucket, wrapped, created_at) VALUES (?,?,?,?)`,
		keyID, bucket, wrapped, record.FormatTime(now)); err != nil {
		return "", nil, fmt.Errorf("vault key for bucket %s: %w", bucket, err)
	}
	return keyID, k, nil
}

func (v *Vault) unwrap(keyID, bucket string, wrapped []byte) ([]byte, error) {
	ns := v.master.NonceSize()
	if len(wrapped) < ns {
		return nil, fmt.Errorf("vault key %s: %w", keyID, ErrCorrupt)
	}
	k, err := v.master.Open(nil, wrapped[:ns], wrapped[ns:], keyAAD(keyID, bucket))
	if err != nil {
		return nil, fmt.Errorf("vault key %s: wrong master key or tampered: %w", keyID, ErrCorrupt)
	}
	return k, nil
}

// blob layout: magic(4) | key id(36) | id length(1) | id | nonce(12) | sealed.
// Everything before the sealed part is the additional authenticated data.
func sealBlob(key []byte, keyID, id string, photo []byte) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(keyID) != 36 || len(id) == 0 || len(id) > 255 {
		return nil, fmt.Errorf("vault: bad key id or encounter id")
	}
	head := make([]byte, 0, 4+36+1+len(id)+aead.NonceSize())
	head = append(head, blobMagic...)
	head = append(head, keyID...)
	head = append(head, byte(len(id)))
	head = append(head, id...)
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	head = append(head, nonce...)
	aad := head[:len(head)-len(nonce)]
	return aead.Seal(head, nonce, photo, aad), nil
}

// blobHeader is the clear part of a vault file.
type blobHeader struct {
	keyID, id string
	aad       []byte
	nonce     []byte
	sealed    []byte
}

func parseBlob(b []byte) (blobHeader, error) {
	const nonceSize = 12
	if len(b) < 4+36+1 || string(b[:4]) != blobMagic {
		return blobHeader{}, fmt.Errorf("%w: not a vault file", ErrCorrupt)
	}
	h := blobHeader{keyID: string(b[4:40])}
	n := int(b[40])
	rest := b[41:]
	if n == 0 || len(rest) < n+nonceSize+16 {
		return blobHeader{}, fmt.Errorf("%w: truncated", ErrCorrupt)
	}
	h.id = string(rest[:n])
	h.aad = b[:41+n]
	h.nonce = rest[n : n+nonceSize]
	h.sealed = rest[n+nonceSize:]
	if _, err := uuid.Parse(h.keyID); err != nil {
		return blobHeader{}, fmt.Errorf("%w: bad key id", ErrCorrupt)
	}
	return h, nil
}

// Decrypt opens a vault file's bytes, wherever they were read from. A file
// whose bucket key was destroyed yields ErrKeyDestroyed.
func (v *Vault) Decrypt(ctx context.Context, q record.DBTX, blob []byte) ([]byte, error) {
	h, err := parseBlob(blob)
	if err != nil {
		return nil, err
	}
	var bucket string
	var wrapped []byte
	err = q.QueryRowContext(ctx, `SELECT bucket, wrapped FROM vault_keys WHERE key_id = ?`, h.keyID).Scan(&bucket, &wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("photo of encounter %s: %w", h.id, ErrKeyDestroyed)
	}
	if err != nil {
		return nil, fmt.Errorf("photo of encounter %s: %w", h.id, err)
	}
	k, err := v.unwrap(h.keyID, bucket, wrapped)
	if err != nil {
		return nil, err
	}
	defer clear(k)
	aead, err := newGCM(k)
	if err != nil {
		return nil, err
	}
	photo, err := aead.Open(nil, h.nonce, h.sealed, h.aad)
	if err != nil {
		return nil, fmt.Errorf("photo of encounter %s: %w", h.id, ErrCorrupt)
	}
	return photo, nil
}

// DecryptFor opens the vault file of encounter id: the encounter id bound
// into the file's authenticated data must be id, so a file copied over
// another encounter's is refused (ErrCorrupt) instead of showing the wrong
// face. Every such reading is audited in tx (AuditPhotoRead: actor, the
// encounter, purpose); the photo is returned only when the entry is
// written, and is on the record only if tx commits.
func (v *Vault) DecryptFor(ctx context.Context, tx *sql.Tx, id string, blob []byte, actor, purpose string) ([]byte, error) {
	h, err := parseBlob(blob)
	if err != nil {
		return nil, err
	}
	if h.id != id {
		return nil, fmt.Errorf("photo of encounter %s: %w: the file belongs to another encounter", id, ErrCorrupt)
	}
	photo, err := v.Decrypt(ctx, tx, blob)
	if err != nil {
		return nil, err
	}
	detail, _ := json.Marshal(map[string]string{"purpose": purpose})
	if _, err := record.AppendAudit(ctx, tx, record.AuditEvent{Kind: record.AuditPhotoRead, Actor: actor,
		Subject: id, Detail: string(detail)}); err != nil {
		clear(photo)
		return nil, fmt.Errorf("photo of encounter %s: audit the reading: %w", id, err)
	}
	return photo, nil
}

// write encrypts photo and stores it atomically: temp file, fsync, rename,
// fsync of the folder. On any failure the temp file is removed, so nothing
// is left half-written; a full disk is reported as ErrNoSpace.
func (v *Vault) write(bucket, id, keyID string, key, photo []byte) (err error) {
	blob, err := sealBlob(key, keyID, id, photo)
	if err != nil {
		return err
	}
	dir := filepath.Join(v.dir, bucket)
	if err := v.mkBucket(dir); err != nil {
		return classify(fmt.Errorf("vault folder %s: %w", bucket, err))
	}
	f, err := v.fs.CreateTemp(dir, tmpPattern)
	if err != nil {
		return classify(fmt.Errorf("vault write %s: %w", id, err))
	}
	tmp := f.Name()
	renamed := false
	defer func() {
		if err != nil {
			f.Close()
			v.fs.Remove(tmp)
			if renamed { // the folder fsync failed: leave no file behind
				v.fs.Remove(v.path(bucket, id))
			}
			err = classify(fmt.Errorf("vault write %s: %w", id, err))
		}
	}()
	if _, err = f.Write(blob); err != nil {
		return err
	}
	if !v.NoSync {
		if err = f.Sync(); err != nil {
			return err
		}
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = v.fs.Rename(tmp, v.path(bucket, id)); err != nil {
		return err
	}
	renamed = true
	if !v.NoSync {
		if err = v.fs.SyncDir(dir); err != nil {
			return err
		}
	}
	return nil
}

// mkBucket creates a bucket folder when missing and makes its creation
// durable (fsync of the vault folder).
func (v *Vault) mkBucket(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := v.fs.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if v.NoSync {
		return nil
	}
	return v.fs.SyncDir(v.dir)
}

// discard removes a photo written for a transaction that did not commit.
func (v *Vault) discard(bucket, id string) {
	if existed, err := v.remove(bucket, id); err == nil && existed && !v.NoSync {
		_ = v.fs.SyncDir(filepath.Join(v.dir, bucket))
	}
}

func classify(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%w: %w", ErrNoSpace, err)
	}
	return err
}

// read returns a stored photo's encrypted bytes.
func (v *Vault) read(bucket, id string) ([]byte, error) {
	return v.fs.ReadFile(v.path(bucket, id))
}

// remove deletes a stored photo; existed is false when there was no file.
func (v *Vault) remove(bucket, id string) (existed bool, err error) {
	err = v.fs.Remove(v.path(bucket, id))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// removeBucketDir removes an empty bucket folder (a non-empty one stays).
func (v *Vault) removeBucketDir(bucket string) {
	_ = v.fs.Remove(filepath.Join(v.dir, bucket))
}

// staleTemp is the age after which a temp file is taken for the remains of
// an interrupted write (a live write takes milliseconds; another process may
// be writing while this one opens the vault).
const staleTemp = 10 * time.Minute

// sweepTemps removes temp files of writes a crash interrupted. They hold
// only ciphertext; their encounter row is purged at its deadline as "absent".
func (v *Vault) sweepTemps() {
	matches, _ := filepath.Glob(filepath.Join(v.dir, "*", ".put-*.tmp"))
	for _, m := range matches {
		if st, err := os.Stat(m); err == nil && time.Since(st.ModTime()) > staleTemp {
			_ = v.fs.Remove(m)
		}
	}
}

// lockPurge takes the vault's purge lock (an flock on .purge.lock), so that
// the workstation's job and a `veriport purge` never purge at once.
func (v *Vault) lockPurge() (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(v.dir, ".purge.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("purge lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("purge lock: %w", err)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// Files lists the files in the vault's bucket folders (photos, and temp
// files of writes in progress), for checks and tests.
func (v *Vault) Files() ([]string, error) {
	var out []string
	err := filepath.WalkDir(v.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && filepath.Dir(p) != v.dir {
			out = append(out, p)
		}
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	return out, err
}
