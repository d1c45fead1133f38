package booth

import (
	"os"
	"syscall"
)

// DefaultFileReserve is the disk space set aside beside the file of
// waiting records when Queue.FileReserve is zero.
const DefaultFileReserve = 16 << 20

// reservePath is the file that holds the reserve.
func reservePath(file string) string { return file + ".reserve" }

// fileReserve is the reserve's size.
func (q *Queue) fileReserve() int64 {
	if q.FileReserve > 0 {
		return q.FileReserve
	}
	return DefaultFileReserve
}

// ensureReserve sets the reserve aside (allocated blocks, not a sparse
// file) when it is missing; best effort: a disk without room has none.
func (q *Queue) ensureReserve() {
	p, size := reservePath(q.file), q.fileReserve()
	if st, err := os.Stat(p); err == nil && st.Size() >= size {
		return
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return
	}
	err = syscall.Fallocate(int(f.Fd()), 0, 0, size)
	f.Close()
	if err != nil {
		os.Remove(p)
	}
}

// releaseReserve gives the reserve's space back to the disk, for the file
// of waiting records; false when there was none.
func (q *Queue) releaseReserve() bool {
	return os.Remove(reservePath(q.file)) == nil
}
