// Package ui is Veriport's Fyne interface: the booth window, its live view
// and status bar. It is the only package that imports Fyne.
package ui

import (
	"context"
	"fmt"
	"image"
	"log/slog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"veriport/assets"
	"veriport/camera"
	"veriport/config"
	"veriport/quality"
)

// AppID is the application's reverse-DNS identifier (as in FyneApp.toml).
const AppID = "org.veriport.workstation"

// Deps are the components the window shows; built by the caller.
type Deps struct {
	Source   camera.Source
	Demo     bool   // the source is the demo video: show DEMO
	Database string // path shown in the status bar
	// LoadModels loads the face models in the background and returns a short
	// status ("loaded from DIR") or an error. Nil means no models are used.
	LoadModels func() (string, error)
	// ModelsDir is where the models are looked for, and SetupModels the
	// command that fetches them there: both shown in the window when the
	// models are missing.
	ModelsDir   string
	SetupModels string
	Log         *slog.Logger
	// Workflow, when set, puts the officer workflow (login, booth, opt-out,
	// manual check) around the live view.
	Workflow *Workflow

	// Assessor judges live frames for the overlay and auto-capture; nil
	// means live view only (the Capture button still works).
	Assessor Assessor
	// Quality holds the capture settings; the zero value means defaults.
	Quality config.Quality
	// OnCapture receives each captured frame (a copy it owns) and its
	// report, off the UI thread: auto-capture or the officer's Capture.
	OnCapture func(img *image.RGBA, report quality.QualityReport)
	// OnManualCheck is called when the officer chooses the manual document
	// check; it never depends on the camera.
	OnManualCheck func()
	// Health reads the purge job's and the outbox's state for the status
	// bar; nil hides those entries.
	Health HealthFunc
	// CameraNote, when set, is shown under "Camera offline": why no
	// source runs (for example why the demo video did not stand in).
	CameraNote string
}

// Run opens the main window and blocks until it is closed or ctx ends.
func Run(ctx context.Context, d Deps) error {
	a := app.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("Veriport")
	var ws *workstation
	var mw *mainWindow
	var content fyne.CanvasObject
	if d.Workflow != nil {
		ws = newBooth(w, d)
		mw, content = ws.mw, ws.build()
	} else {
		mw = newMainWindow(w, d)
		content = mw.build()
	}
	w.SetContent(content)
	w.Resize(defaultWindow)
	w.CenterOnScreen()
	// Once the driver runs, the screen is known: fit the window to it.
	a.Lifecycle().SetOnStarted(func() {
		if screen, ok := primaryScreen(w.Canvas().Scale()); ok {
			size := fitWindow(screen)
			mw.log.Info("window fitted to the screen", "screen", fmt.Sprintf("%.0fx%.0f", screen.Width, screen.Height),
				"window", fmt.Sprintf("%.0fx%.0f", size.Width, size.Height))
			w.Resize(size)
			w.CenterOnScreen()
		}
		if ws != nil && ws.trav != nil {
			ws.trav.showWindow(ws.wf.TravelerDisplay)
		}
	})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w.SetCloseIntercept(func() { cancel() })
	ran := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-ran:
			return // the app has ended already
		}
		uiDo(func() {
			// Fyne quits by itself on SIGTERM and SIGINT, which also end
			// ctx: when its loop is already draining, this runs off the UI
			// thread on a driver that is gone, and Quit's window calls
			// panic. There is nothing left to quit then.
			defer func() { _ = recover() }()
			a.Quit()
		})
		quitWatchdog(ran, quitGrace, exitHung(d.Log))
	}()
	mw.start(ctx)
	if ws != nil {
		ws.guardQuit(w, cancel)
		ws.begin()
		ws.start(ctx)
	}
	w.ShowAndRun()
	close(ran)
	cancel()
	if ws != nil {
		ws.endAtQuit()
	}
	mw.wait()
	return nil
}
