package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// ErrWorkstationRunning means another workstation holds the data folder.
var ErrWorkstationRunning = errors.New("another workstation is already running on this data folder")

// LockWorkstation takes the data folder's workstation lock (an flock on
// workstation.lock beside the database) for as long as the workstation
// runs; the kernel drops it when the process ends, however it ends. One
// workstation per data folder: an encounter found open at start-up can
// then only be one a crash left behind.
func LockWorkstation(database string) (unlock func(), err error) {
	path := filepath.Join(filepath.Dir(database), "workstation.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("workstation lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s)", ErrWorkstationRunning, filepath.Dir(database))
		}
		return nil, fmt.Errorf("workstation lock %s: %w", path, err)
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}
