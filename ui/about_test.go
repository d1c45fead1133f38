package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"veriport/verify"
	"veriport/version"
)

// overlayText is every label's, entry's and button's text in the window's
// overlays (dialogs), joined by newlines. UI thread only.
func overlayText(w fyne.Window) string {
	var b strings.Builder
	for _, o := range w.Canvas().Overlays().List() {
		for _, obj := range test.LaidOutObjects(o) {
			switch v := obj.(type) {
			case *widget.Label:
				b.WriteString(v.Text + "\n")
			case *widget.Entry:
				b.WriteString(v.Text + "\n")
			case *widget.Button:
				b.WriteString(v.Text + "\n")
			}
		}
	}
	return b.String()
}

// TestAboutShowsVersionCommitDate: the About box (F1, or the status bar's
// About button) shows the build's version, commit and date.
func TestAboutShowsVersionCommitDate(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("Veriport")
	mw := newMainWindow(w, Deps{Database: "db"})
	w.SetContent(mw.build())
	w.Resize(fyne.NewSize(900, 600))
	uiDoAndWait(func() { test.Tap(mw.aboutButton) })
	i := version.Get()
	waitFor(t, "the About box", func() bool {
		s := overlayText(w)
		return strings.Contains(s, i.Version) && strings.Contains(s, i.Commit) && strings.Contains(s, i.Date)
	})
}

// TestMissingModelsExplainedInWindow: when the face models are missing the
// window says how to fetch them (the setup-models command, where they go)
// and Try again loads them without a restart.
func TestMissingModelsExplainedInWindow(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("Veriport")
	var installed atomic.Bool
	load := func() (string, error) {
		if !installed.Load() {
			return "", fmt.Errorf("%w: [3 files] not in /tmp/m", verify.ErrModels)
		}
		return "loaded (3 files)", nil
	}
	mw := newMainWindow(w, Deps{Database: "db", LoadModels: load, ModelsDir: "/home/o/.cache/veriport/models",
		SetupModels: "veriport setup-models"})
	w.SetContent(mw.build())
	w.Resize(fyne.NewSize(900, 600))
	ctx, cancel := context.WithCancel(context.Background())
	mw.start(ctx)
	defer func() { cancel(); mw.wait() }()
	waitFor(t, "the missing-models notice", func() bool {
		s := overlayText(w)
		return strings.Contains(s, "veriport setup-models") && strings.Contains(s, "/home/o/.cache/veriport/models") &&
			strings.Contains(s, "Try again")
	})
	uiDoAndWait(func() {
		if !strings.Contains(mw.modStatus.Text, "setup-models") {
			t.Errorf("status bar %q does not name the command", mw.modStatus.Text)
		}
	})
	installed.Store(true)
	uiDoAndWait(func() { mw.retryModels() })
	waitFor(t, "models loaded after Try again", func() bool {
		return mw.modStatus.Text == "Models: loaded (3 files)" && !strings.Contains(overlayText(w), "setup-models")
	})
}

// TestOtherModelErrorsNotMistakenForMissing: an error that is not about
// missing models shows in the status bar without the fetch instructions.
func TestOtherModelErrorsNotMistakenForMissing(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("Veriport")
	mw := newMainWindow(w, Deps{Database: "db", LoadModels: func() (string, error) { return "", errors.New("out of memory") }})
	w.SetContent(mw.build())
	ctx, cancel := context.WithCancel(context.Background())
	mw.start(ctx)
	defer func() { cancel(); mw.wait() }()
	waitFor(t, "the error in the status bar", func() bool { return strings.Contains(mw.modStatus.Text, "out of memory") })
	uiDoAndWait(func() {
		if s := overlayText(w); strings.Contains(s, "setup-models") {
			t.Errorf("fetch instructions shown for an unrelated error: %q", s)
		}
	})
}
