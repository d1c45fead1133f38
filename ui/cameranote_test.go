package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"veriport/camera"
)

// TestCameraNoteShownWhenOffline: the reason no source runs (here: no demo
// on a workstation set up for the back end) is shown under "Camera
// offline", across the view's width, not squeezed into a column.
func TestCameraNoteShownWhenOffline(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("Veriport")
	note := "No demo starts by itself on a workstation set up for the back end."
	src := &camera.Synthetic{W: 32, H: 32, Limit: 3}
	mw := newMainWindow(w, Deps{Source: src, Database: "db", CameraNote: note})
	w.SetContent(mw.build())
	w.Resize(fyne.NewSize(1024, 700))
	ctx, cancel := context.WithCancel(context.Background())
	mw.start(ctx)
	defer func() { cancel(); mw.wait() }()
	waitFor(t, "Camera offline", func() bool { return mw.offlineBox.Visible() })
	uiDoAndWait(func() { w.Resize(fyne.NewSize(1024, 701)) }) // lay out with the notice shown
	uiDoAndWait(func() {
		if !strings.HasPrefix(mw.offline.Text, "Camera offline") || !strings.Contains(mw.offline.Text, note) {
			t.Errorf("offline notice %q does not carry the note", mw.offline.Text)
		}
		if wd, vw := mw.offlineBox.Size().Width, mw.view.Size().Width; wd < vw/2 {
			t.Errorf("notice %.0f px wide in a %.0f px view: squeezed", wd, vw)
		}
	})
}
