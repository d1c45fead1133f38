package backend

import (
	"context"
	"path/filepath"
	"testing"
)

// TestBackendSQLiteSynchronousFull: the back end's SQLite store commits
// with synchronous=FULL, as the workstation's: a result acknowledged just
// before a power loss (after which the booth may purge the photo) is on
// disk, not only in the WAL's unsynced tail.
func TestBackendSQLiteSynchronousFull(t *testing.T) {
	ctx := context.Background()
	st, err := OpenStore(ctx, filepath.Join(t.TempDir(), "results.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var mode int
	if err := st.DB.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != 2 { // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
		t.Fatalf("back end store runs synchronous=%d, want 2 (FULL)", mode)
	}
}
