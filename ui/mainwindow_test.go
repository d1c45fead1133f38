package ui

import (
	"context"
	"image"
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"veriport/camera"
)

// waitFor polls cond on the UI thread until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		ok := false
		uiDoAndWait(func() { ok = cond() })
		if ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestMainWindowShowsLiveFramesAndStatus(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("Veriport")
	red := func(i int, img *image.RGBA) {
		for p := 0; p < len(img.Pix); p += 4 {
			img.Pix[p], img.Pix[p+1], img.Pix[p+2], img.Pix[p+3] = 200, uint8(i), 0, 255
		}
	}
	src := &camera.Synthetic{W: 64, H: 36, FPS: 50, Draw: red, Label: "synthetic test source"}
	mw := newMainWindow(w, Deps{
		Source: src, Demo: true, Database: "/data/veriport.db",
		LoadModels: func() (string, error) { return "loaded (3 files)", nil },
	})
	w.SetContent(mw.build())
	w.Resize(fyne.NewSize(800, 600))
	ctx, cancel := context.WithCancel(context.Background())
	mw.start(ctx)
	defer func() { cancel(); mw.wait() }()

	waitFor(t, "a live frame", func() bool {
		img, ok := mw.live.Image.(*image.RGBA)
		return ok && img.Rect.Dx() == 64 && img.RGBAAt(10, 10).R == 200
	})
	waitFor(t, "the fps label", func() bool { return strings.HasSuffix(mw.fps.Text, " fps") && mw.fps.Text != "— fps" })
	waitFor(t, "models loaded", func() bool { return mw.modStatus.Text == "Models: loaded (3 files)" })
	uiDoAndWait(func() {
		if !mw.banner.Visible() {
			t.Error("DEMO banner hidden for a demo source")
		}
		if got := mw.camStatus.Text; got != "Camera: synthetic test source" {
			t.Errorf("camera status %q", got)
		}
		if got := mw.dbStatus.Text; got != "Database: /data/veriport.db" {
			t.Errorf("database status %q", got)
		}
		if mw.offlineBox.Visible() {
			t.Error("Camera offline shown while frames arrive")
		}
	})
}

func TestMainWindowCameraOffline(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("Veriport")
	src := &camera.Synthetic{W: 32, H: 32, Limit: 3}
	mw := newMainWindow(w, Deps{Source: src, Database: "db"})
	w.SetContent(mw.build())
	ctx, cancel := context.WithCancel(context.Background())
	mw.start(ctx)
	defer func() { cancel(); mw.wait() }()
	waitFor(t, "Camera offline", func() bool { return mw.offlineBox.Visible() })
	uiDoAndWait(func() {
		if mw.banner.Visible() {
			t.Error("DEMO banner shown for a non-demo source")
		}
	})
}

func TestCopyIntoReusesBuffer(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 4, 4))
	src.SetRGBA(1, 2, color.RGBA{1, 2, 3, 4})
	dst := copyInto(nil, src)
	again := copyInto(dst, src)
	if again != dst {
		t.Error("copyInto reallocated a buffer of the right size")
	}
	if dst.RGBAAt(1, 2) != (color.RGBA{1, 2, 3, 4}) {
		t.Error("pixel not copied")
	}
}
