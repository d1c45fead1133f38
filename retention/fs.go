package retention

import (
	"io"
	"os"
)

// FS is the file system the vault writes through. OSFS is the real one;
// tests inject failures (a full disk) with a fake.
type FS interface {
	MkdirAll(dir string, perm os.FileMode) error
	// CreateTemp creates a new file of mode 0600 in dir, as os.CreateTemp.
	CreateTemp(dir, pattern string) (File, error)
	Rename(oldpath, newpath string) error
	Remove(name string) error
	ReadFile(name string) ([]byte, error)
	// SyncDir makes a directory's entries (creations, renames, removals) durable.
	SyncDir(dir string) error
}

// File is a file being written by the vault.
type File interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

// OSFS is FS on the operating system's files.
type OSFS struct{}

var _ FS = OSFS{}

// MkdirAll is os.MkdirAll.
func (OSFS) MkdirAll(dir string, perm os.FileMode) error { return os.MkdirAll(dir, perm) }

// CreateTemp is os.CreateTemp.
func (OSFS) CreateTemp(dir, pattern string) (File, error) { return os.CreateTemp(dir, pattern) }

// Rename is os.Rename.
func (OSFS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// Remove is os.Remove.
func (OSFS) Remove(name string) error { return os.Remove(name) }

// ReadFile is os.ReadFile.
func (OSFS) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }

// SyncDir fsyncs the directory.
func (OSFS) SyncDir(dir string) error { return syncDir(dir) }
