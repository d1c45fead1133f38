package app

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"veriport/config"
)

// TestMissingCameraFileOpensWindow: `--camera /nonexistent.mp4` is no
// reason to refuse the window: the workstation gets a source that starts
// offline ("Camera offline" over the view, the manual check available, see
// ui's TestCameraOfflineReconnectsAndManualRouteStays) and keeps trying the
// file, and the log says why.
func TestMissingCameraFileOpensWindow(t *testing.T) {
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	missing := filepath.Join(t.TempDir(), "nonexistent.mp4")
	cfg, err := config.Load(config.Overrides{DataDir: t.TempDir(), Camera: missing})
	if err != nil {
		t.Fatal(err)
	}
	choice, _, err := ChooseCamera(log, cfg)
	if err != nil {
		t.Fatalf("a missing camera file refused the window: %v", err)
	}
	src := choice.Resilient(CameraName(cfg.Camera.Source)) // as Open does
	defer src.Close()
	src.MinBackoff, src.MaxBackoff = time.Millisecond, time.Millisecond
	if choice.Demo || src.Health().Online || !strings.Contains(src.Name(), missing) {
		t.Errorf("source %q health %+v demo %v: want offline, named after the file", src.Name(), src.Health(), choice.Demo)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second) // a cold OpenCV is slow to open
	defer cancel()
	if _, err := src.Read(ctx, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Read of a missing file returned %v, want to keep trying until ctx ends", err)
	}
	if h := src.Health(); h.Online || h.Attempts < 2 {
		t.Errorf("health %+v, want offline after several attempts", h)
	}
	if !strings.Contains(logged.String(), "will keep trying") {
		t.Errorf("log does not say the camera is retried: %s", logged.String())
	}
}

// TestCameraNameForAutomaticSource: the automatic choice (no --camera)
// watches device 0 and says so, not "camera ".
func TestCameraNameForAutomaticSource(t *testing.T) {
	for spec, want := range map[string]string{"": "camera 0", "2": "camera 2"} {
		if got := CameraName(spec); got != want {
			t.Errorf("CameraName(%q) = %q, want %q", spec, got, want)
		}
	}
}
