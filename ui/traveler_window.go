package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/widget"
	"github.com/go-gl/glfw/v3.3/glfw"

	"veriport/booth"
	"veriport/config"
	"veriport/traveler"
)

// Shortcuts of the traveler's screen on the officer's window.
var (
	keyTravelerScreen = altKey(fyne.KeyW) // one screen: show the traveler's screen full window, and back
	keyTravelerLang   = altKey(fyne.KeyG) // the traveler's language: the next one
)

// travelerLangKey is the traveler's own key at the booth (on the
// traveler's window, or the one-screen panel): the next language.
const travelerLangKey = fyne.KeyL

// travelerSide is the workstation's traveler screen: in its own window
// (Workflow.TravelerDisplay > 0), or as a panel the officer shows over the
// whole officer window (one screen).
type travelerSide struct {
	screen *travelerScreen
	win    fyne.Window   // the traveler's window; nil with one screen
	picker *widget.PopUp // the officer's language picker while open
	root   fyne.CanvasObject
	// officer is the officer window's content while the one-screen
	// traveler's screen is shown in its place; nil otherwise.
	officer fyne.CanvasObject
	ws      *workstation
}

// buildTraveler makes the traveler's screen, its window or its panel, the
// officer's language picker and shortcuts, and hooks the live view's
// frames and analysis. It returns the officer window's content.
func (ws *workstation) buildTraveler(content fyne.CanvasObject) fyne.CanvasObject {
	langs := ws.wf.Languages
	if langs == nil {
		langs = traveler.Default()
	}
	ruleSet := ""
	if ws.wf.Policy != nil {
		if rs, ok := ws.wf.Policy.RuleSetOn(ws.wf.Now()); ok {
			ruleSet = rs.ID
		}
	}
	var q config.Quality // zero: the defaults
	if ws.mw != nil {
		q = ws.mw.deps.Quality
	}
	ts := &travelerSide{ws: ws, screen: newTravelerScreen(langs, ruleSet, q, ws.wf.Now)}
	ws.trav = ts
	root := ts.screen.build()
	ts.root = root
	if ws.wf.TravelerDisplay > 0 {
		ts.win = fyne.CurrentApp().NewWindow("Veriport — traveler")
		ts.win.SetContent(root)
		ts.win.Resize(defaultWindow)
		ts.win.Canvas().SetOnTypedKey(ts.onTravelerKey)
		ts.win.SetCloseIntercept(func() {}) // only the officer's window closes the workstation
	}
	c := ws.win.Canvas()
	c.AddShortcut(keyTravelerScreen, func(fyne.Shortcut) { ts.toggle() })
	c.AddShortcut(keyTravelerLang, func(fyne.Shortcut) { ts.showPicker() })
	for _, f := range []*travelerForm{ws.optOut.form, ws.manual.form} {
		ts.followNationality(f)
	}
	return content
}

// languageChoice is a language as the officer's picker lists it: its own
// name, its English name, and a mark on a translation not yet reviewed by
// a native speaker.
func languageChoice(l *traveler.Language) string {
	s := l.Name
	if l.EnglishName != l.Name {
		s += " (" + l.EnglishName + ")"
	}
	if !l.NativeSpeaker {
		s += " — translation not reviewed"
	}
	return s
}

// setLanguage shows the traveler's screen in l.
func (ts *travelerSide) setLanguage(l *traveler.Language) {
	ts.screen.setLanguage(l)
	ts.ws.wf.Log.Info("traveler language", "lang", ts.screen.lang.Code)
}

// pickerList is the officer's list of languages: the traveler's screen
// follows the selection at once; Enter or Esc closes it.
type pickerList struct {
	widget.List
	done func()
}

// TypedKey closes the picker on Enter or Esc, and moves in the list
// otherwise.
func (p *pickerList) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape:
		p.done()
	default:
		p.List.TypedKey(ev)
	}
}

// showPicker opens the officer's list of languages (Alt+G) over the
// officer's window: arrows and Space choose, the traveler's screen
// follows; Enter, Esc or Close shuts it.
func (ts *travelerSide) showPicker() {
	ts.closePicker()
	langs := ts.screen.langs
	list := &pickerList{done: ts.closePicker}
	list.Length = func() int { return len(langs) }
	list.CreateItem = func() fyne.CanvasObject {
		return widget.NewLabel("Português (Portuguese) — translation not reviewed")
	}
	list.UpdateItem = func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(languageChoice(langs[i])) }
	list.ExtendBaseWidget(list)
	title := widget.NewLabelWithStyle("Traveler's language (Enter closes)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	closeB := widget.NewButton("Close (Enter)", ts.closePicker)
	pop := widget.NewModalPopUp(container.NewBorder(title, closeB, nil, nil, list), ts.ws.win.Canvas())
	list.OnSelected = func(i widget.ListItemID) { ts.setLanguage(langs[i]) }
	ts.picker = pop
	pop.Resize(fyne.NewSize(520, 560))
	pop.Show()
	ts.ws.win.Canvas().Focus(list)
}

func (ts *travelerSide) closePicker() {
	if ts.picker != nil {
		ts.picker.Hide()
		ts.picker = nil
		ts.ws.win.Canvas().Unfocus() // the hidden list keeps no keys
	}
}

// followNationality: a nationality typed or read from the MRZ in the
// opt-out or manual-check form sets the traveler's language.
func (ts *travelerSide) followNationality(f *travelerForm) {
	if f == nil || f.nationality == nil {
		return
	}
	prev := f.nationality.OnChanged
	f.nationality.OnChanged = func(s string) {
		if prev != nil {
			prev(s)
		}
		if len(s) >= 3 {
			ts.setLanguage(ts.screen.langs.ForNationality(s))
		}
	}
}

// onTravelerKey is the traveler's key on their own window.
func (ts *travelerSide) onTravelerKey(ev *fyne.KeyEvent) {
	if ev.Name == travelerLangKey || ev.Name == fyne.KeySpace {
		ts.setLanguage(ts.screen.langs.After(ts.screen.lang))
	}
}

// toggle shows the traveler's screen in place of the officer's on the
// one screen (Alt+W), and the officer's again (Alt+W or Esc); with a
// traveler window it does nothing. The officer's shortcuts keep working.
func (ts *travelerSide) toggle() {
	if ts.win != nil {
		return
	}
	c := ts.ws.win.Canvas()
	if ts.officer != nil {
		c.SetContent(ts.officer)
		ts.officer = nil
		c.SetOnTypedKey(ts.ws.onTypedKey)
		return
	}
	ts.officer = c.Content()
	c.SetContent(ts.root)
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			ts.toggle()
			return
		}
		ts.onTravelerKey(ev)
	})
}

// showingTraveler reports whether the one screen shows the traveler's.
func (ts *travelerSide) showingTraveler() bool { return ts.officer != nil }

// render follows the booth's state. UI thread.
func (ts *travelerSide) render(s booth.State) {
	newTraveler := s.Traveler != ts.screen.state.Traveler
	ts.screen.setState(s)
	if newTraveler {
		ts.setLanguage(ts.screen.lang)
	}
}

// showWindow shows the traveler's window full screen on monitor n (1 the
// first) once the driver runs. Under X11 the monitors are the X screen's
// (Xinerama); GLFW, and so Fyne, knows monitors only through RandR and
// cannot place a window on one: the window is moved there through Xlib,
// then made full screen on the monitor it is on. Where the monitor does
// not exist the window opens full screen on the primary one, and the log
// says why.
func (ts *travelerSide) showWindow(n int) {
	if ts.win == nil {
		return
	}
	ts.win.Show()
	log := ts.ws.wf.Log
	heads, err := x11Heads()
	if err == nil && n > len(heads) {
		err = fmt.Errorf("monitor %d asked for, %d present", n, len(heads))
	}
	if err != nil {
		log.Warn("traveler screen on the primary monitor", "why", err)
		ts.win.SetFullScreen(true)
		return
	}
	r := heads[n-1]
	nw, ok := ts.win.(driver.NativeWindow)
	if !ok {
		ts.win.SetFullScreen(true)
		return
	}
	nw.RunNative(func(ctx any) {
		x, ok := ctx.(driver.X11WindowContext)
		if !ok {
			return
		}
		if err := x11Place(x.WindowHandle, r); err != nil {
			log.Warn("traveler screen not placed", "err", err)
			return
		}
		log.Info("traveler screen placed", "monitor", n, "at", fmt.Sprintf("%d,%d %dx%d", r.Min.X, r.Min.Y, r.Dx(), r.Dy()))
		// Full screen through GLFW only where it sees this monitor on its
		// own (RandR outputs); a GLFW monitor spanning every head would
		// stretch the window over all of them.
		if monitors := glfw.GetMonitors(); len(monitors) >= len(heads) {
			ts.win.SetFullScreen(true)
		} else {
			ts.win.Resize(fyne.NewSize(float32(r.Dx())/ts.win.Canvas().Scale(), float32(r.Dy())/ts.win.Canvas().Scale()))
		}
	})
}
