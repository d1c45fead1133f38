package app

import (
	"errors"
	"path/filepath"
	"testing"
)

// One workstation per data folder: a second is refused while the first
// runs, and the folder is free again once it stops.
func TestWorkstationLockOnePerDataFolder(t *testing.T) {
	db := filepath.Join(t.TempDir(), "veriport.db")
	unlock, err := LockWorkstation(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockWorkstation(db); !errors.Is(err, ErrWorkstationRunning) {
		t.Fatalf("second workstation on the same folder: %v, want ErrWorkstationRunning", err)
	}
	unlock()
	again, err := LockWorkstation(db)
	if err != nil {
		t.Fatalf("folder not free after the first stopped: %v", err)
	}
	again()
}
