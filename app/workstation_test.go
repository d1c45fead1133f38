package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"

	"veriport/camera"
	"veriport/config"
	"veriport/retention"
)

// TestWorkstationCloseReleasesEverything: Open on a fresh data folder (a
// camera file that is not there: the source starts offline) holds the
// folder's workstation lock, so that a second Open is refused and leaves
// the first running; Close releases it all: the lock can be taken again,
// the record store is closed, the camera reads ErrClosed, and a second
// Close does nothing.
func TestWorkstationCloseReleasesEverything(t *testing.T) {
	t.Setenv(retention.MasterKeyEnv, "")
	ctx := context.Background()
	o := Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Stderr: io.Discard}
	cfg, err := config.Load(config.Overrides{DataDir: t.TempDir(), Camera: filepath.Join(t.TempDir(), "none.mp4")})
	if err != nil {
		t.Fatal(err)
	}
	open := func() (*Workstation, error) {
		choice, note, err := ChooseCamera(o.Log, cfg)
		if err != nil {
			t.Fatal(err)
		}
		o.Camera, o.CameraNote = choice, note
		return Open(ctx, cfg, o)
	}
	ws, err := open()
	if err != nil {
		t.Fatal(err)
	}
	if ws.Store == nil || ws.Keeper == nil || ws.Live == nil || ws.Workflow == nil || ws.Workflow.Recorder == nil {
		t.Fatalf("workstation missing parts: %+v", ws)
	}
	if ws.Sender != nil {
		t.Error("a sender runs without a back end configured")
	}
	if _, err := open(); !errors.Is(err, ErrWorkstationRunning) {
		t.Fatalf("second workstation on the same folder: %v, want ErrWorkstationRunning", err)
	}
	if err := ws.Store.DB.PingContext(ctx); err != nil {
		t.Fatalf("the refused second workstation closed the first's store: %v", err)
	}
	if h := ws.Health(ctx); h.RetentionErr != nil || h.OutboxErr != nil || h.Outbox.Pending != 0 {
		t.Errorf("health of a fresh workstation: %+v", h)
	}
	ws.Close()
	if err := ws.Store.DB.PingContext(ctx); err == nil {
		t.Error("the record store is still open after Close")
	}
	unlock, err := LockWorkstation(cfg.Paths.Database)
	if err != nil {
		t.Fatalf("workstation lock still held after Close: %v", err)
	}
	unlock()
	if _, err := ws.Live.Source.Read(ctx, nil); !errors.Is(err, camera.ErrClosed) {
		t.Errorf("camera read after Close: %v, want ErrClosed", err)
	}
	ws.Close() // a second Close does nothing
}

// TestWorkstationClosesInReverseOrder: Close runs the releases in the
// reverse of the order they were taken, each once.
func TestWorkstationClosesInReverseOrder(t *testing.T) {
	var w Workstation
	var got []int
	for i := range 4 {
		w.onClose(func() { got = append(got, i) })
	}
	w.Close()
	w.Close()
	if want := []int{3, 2, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("closed in order %v, want %v", got, want)
	}
}
