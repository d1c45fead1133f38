package booth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"veriport/retention"
)

// PendingSealer encrypts the photos of waiting records for the file that
// keeps them (the vault: retention.Vault, AES-256-GCM under its master key).
type PendingSealer interface {
	SealPending(id string, photo []byte) ([]byte, error)
	OpenPending(id string, blob []byte) ([]byte, error)
}

// keptFile is the file of waiting records: the calls in order, each photo
// sealed. No name is in a record; the photo is never in clear.
type keptFile struct {
	Version int      `json:"version"`
	Ops     []keptOp `json:"ops"`
}

type keptOp struct {
	Record *Record     `json:"record,omitempty"`
	Photo  []byte      `json:"photo,omitempty"` // sealed (PendingSealer)
	Audit  *AuditEntry `json:"audit,omitempty"`
}

// KeepIn makes the queue keep its waiting records in file as well as in
// memory, rewritten (atomically) whenever they change and removed once
// nothing waits, so a quit, a SIGTERM or a crash loses none where the disk
// has room for it. Beside it, file.reserve holds FileReserve bytes of disk
// set aside while nothing waits, given up when the disk is too full for
// the file. Records a previous run left in file are read back first
// (photos opened with s), ahead of anything waiting now, and written by the
// next Flush; restored is how many calls came back. A file that cannot be
// read is set aside (file.unreadable-TIME), never overwritten.
func (q *Queue) KeepIn(file string, s PendingSealer) (restored int, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.file, q.sealer = file, s
	ops, err := readKept(file, s)
	if err != nil {
		aside := fmt.Sprintf("%s.unreadable-%s", file, time.Now().UTC().Format("20060102T150405Z"))
		if rerr := os.Rename(file, aside); rerr != nil {
			q.file = "" // keep it: never overwrite records not read back
			return 0, fmt.Errorf("%w (and it could not be set aside: %v)", err, rerr)
		}
		return 0, fmt.Errorf("%w (set aside as %s)", err, aside)
	}
	for _, op := range ops {
		q.held += len(op.photo)
	}
	q.waiting = append(ops, q.waiting...)
	q.saveLocked() // and sets the reserve aside when nothing waits
	return len(ops), nil
}

// Kept reports whether every waiting record is in the file (nil), or why
// not (the last write of the file failed, the disk being full, say).
func (q *Queue) Kept() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.file == "" && len(q.waiting) > 0 {
		return errors.New("waiting records are kept in memory only")
	}
	return q.keptErr
}

func readKept(file string, s PendingSealer) ([]pendingOp, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the waiting records %s: %w", file, err)
	}
	var kf keptFile
	if err := json.Unmarshal(b, &kf); err != nil || kf.Version != 1 {
		return nil, fmt.Errorf("the waiting records %s are unreadable (version %d): %v", file, kf.Version, err)
	}
	ops := make([]pendingOp, 0, len(kf.Ops))
	for i, k := range kf.Ops {
		op := pendingOp{rec: k.Record, audit: k.Audit, sealed: k.Photo}
		if (op.rec == nil) == (op.audit == nil) {
			return nil, fmt.Errorf("the waiting records %s: entry %d is neither a record nor an audit entry", file, i+1)
		}
		if k.Photo != nil {
			if op.rec == nil {
				return nil, fmt.Errorf("the waiting records %s: entry %d has a photo without a record", file, i+1)
			}
			if op.photo, err = s.OpenPending(op.rec.ID, k.Photo); err != nil {
				return nil, fmt.Errorf("the waiting records %s: %w", file, err)
			}
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// saveLocked writes the waiting records to the file (or removes it when
// nothing waits); a failure is kept for Kept and tried again at the next
// change. Caller holds mu.
func (q *Queue) saveLocked() {
	if q.file == "" {
		return
	}
	q.keptErr = q.writeKept()
}

func (q *Queue) writeKept() error {
	if len(q.waiting) == 0 {
		if err := os.Remove(q.file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove the waiting records file: %w", err)
		}
		q.ensureReserve()
		return syncDir(filepath.Dir(q.file))
	}
	kf := keptFile{Version: 1, Ops: make([]keptOp, 0, len(q.waiting))}
	for i := range q.waiting {
		op := &q.waiting[i]
		if op.photo != nil && op.sealed == nil {
			sealed, err := q.sealer.SealPending(op.rec.ID, op.photo)
			if err != nil {
				return err
			}
			op.sealed = sealed
		}
		kf.Ops = append(kf.Ops, keptOp{Record: op.rec, Photo: op.sealed, Audit: op.audit})
	}
	b, err := json.Marshal(kf)
	if err != nil {
		return fmt.Errorf("encode the waiting records: %w", err)
	}
	err = writeFileAtomic(q.file, b)
	if retention.IsNoSpace(err) && q.releaseReserve() { // the space set aside for this
		err = writeFileAtomic(q.file, b)
	}
	return err
}

// writeFileAtomic replaces file with b (0600): a temp file, fsynced, renamed
// over it, the folder fsynced. On a failure the old file stays as it was.
func writeFileAtomic(file string, b []byte) (err error) {
	dir := filepath.Dir(file)
	f, err := os.CreateTemp(dir, ".pending-*.tmp")
	if err != nil {
		return fmt.Errorf("keep the waiting records: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o600); err == nil {
		_, err = f.Write(b)
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Close()
	}
	if err == nil {
		err = os.Rename(f.Name(), file)
	}
	if err != nil {
		return fmt.Errorf("keep the waiting records: %w", err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// QuitRefusal is why the workstation must not quit now, in words an officer
// reads, or "" when quitting loses nothing. It first writes what it can;
// records that still wait for disk space do not hold the quit when the
// file keeps them (the next start writes them), only when that file could
// not be written either.
func (q *Queue) QuitRefusal(ctx context.Context) string {
	q.mu.Lock()
	defer q.mu.Unlock()
	if err := q.flushLocked(ctx); err != nil && q.OnError != nil {
		q.OnError(err)
	}
	if len(q.waiting) == 0 {
		return ""
	}
	if q.file != "" {
		if q.keptErr != nil {
			q.saveLocked() // space may have come back for the file
		}
		if q.keptErr == nil {
			return ""
		}
	}
	return fmt.Sprintf("%d traveler record(s) are waiting for disk space and could not be saved to a file "+
		"either: closing now would lose them. Free space on the data disk (tell a supervisor), then close again.",
		q.pendingLocked())
}
