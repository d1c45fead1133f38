package ui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"veriport/officer"
)

// The officer screen's keyboard shortcuts (its own window: they do not
// clash with the booth's).
var (
	keyOfficers    = altKey(fyne.KeyA) // at the booth: open the officer screen (supervisors)
	keyUnlock      = altKey(fyne.KeyU) // unlock the selected officer; at login: supervisor unlock
	keyToggle      = altKey(fyne.KeyE) // disable or enable the selected officer
	keyResetPIN    = altKey(fyne.KeyI) // new PIN for the selected officer
	keyResetTOTP   = altKey(fyne.KeyT) // new TOTP secret for the selected officer
	keyCloseWindow = altKey(fyne.KeyB) // back: close the officer screen
)

// officerScreen is the supervisor's officer administration: the list of
// officers with their state (active, locked, disabled), and unlock,
// disable / enable, PIN reset and TOTP re-enrolment for the selected one.
// Every change goes through officer.Admin, which puts it on the audit chain.
type officerScreen struct {
	admin   *officer.Admin
	actor   string       // the supervisor's officer id
	async   func(func()) // runs store work off the UI thread
	onClose func()

	list    *keyList
	detail  *widget.Label
	message *widget.Label
	unlockB *widget.Button
	toggleB *widget.Button
	pinB    *widget.Button
	totpB   *widget.Button
	closeB  *widget.Button

	pinBox   *fyne.Container // new PIN, typed twice
	pin1     *keyEntry
	pin2     *keyEntry
	totpBox  *fyne.Container // confirm the TOTP reset
	confirmB *widget.Button
	uriBox   *fyne.Container // the new provisioning URI, shown once
	uri      *widget.Label

	rows     []officer.Summary
	selected int // -1: none
	root     *fyne.Container
	canvas   fyne.Canvas // the window's: widgets never shown yet have no canvas of their own
}

func newOfficerScreen(admin *officer.Admin, actor string, onClose func()) *officerScreen {
	return &officerScreen{admin: admin, actor: actor, onClose: onClose, selected: -1,
		async: func(f func()) { go f() }}
}

func (s *officerScreen) build() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Officers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	hint := widget.NewLabel("Arrow keys move in the list, Space selects. Every change is recorded " +
		"in the audit log under your id (" + s.actor + ").")
	hint.Wrapping = fyne.TextWrapWord
	s.list = newKeyList(func() int { return len(s.rows) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("officer.id  supervisor  locked until 00:00")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.rowText(id)) })
	s.list.OnSelected = s.onSelect
	s.detail = widget.NewLabelWithStyle("Select an officer.", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.detail.Wrapping = fyne.TextWrapWord
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.message.Hide()

	s.unlockB = widget.NewButton(keyLabel("Unlock", keyUnlock), s.onUnlock)
	s.toggleB = widget.NewButton(keyLabel("Disable", keyToggle), s.onToggle)
	s.pinB = widget.NewButton(keyLabel("New PIN", keyResetPIN), s.onResetPIN)
	s.totpB = widget.NewButton(keyLabel("New authenticator code", keyResetTOTP), s.onResetTOTP)
	s.closeB = widget.NewButton(keyLabel("Close", keyCloseWindow), s.close)

	s.pin1, s.pin2 = newKeyEntry(), newKeyEntry()
	s.pin1.Password, s.pin2.Password = true, true
	s.pin1.SetPlaceHolder("new PIN, 6 to 32 digits")
	s.pin2.SetPlaceHolder("the same PIN again, Enter saves")
	s.pin1.OnSubmitted = func(string) { s.focus(s.pin2) }
	s.pin2.OnSubmitted = func(string) { s.onSavePIN() }
	savePIN := widget.NewButton("Save the PIN  [Enter]", s.onSavePIN)
	savePIN.Importance = widget.HighImportance
	s.pinBox = container.NewVBox(widget.NewForm(widget.NewFormItem("New PIN", s.pin1),
		widget.NewFormItem("Again", s.pin2)), savePIN)
	s.pinBox.Hide()

	s.confirmB = widget.NewButton("Replace the secret  [Space]", s.onConfirmTOTP)
	s.confirmB.Importance = widget.DangerImportance
	warn := widget.NewLabel("The officer's current authenticator entry will stop working. Have the " +
		"officer's phone ready: the new entry is shown once.")
	warn.Wrapping = fyne.TextWrapWord
	s.totpBox = container.NewVBox(warn, s.confirmB)
	s.totpBox.Hide()

	s.uri = widget.NewLabel("")
	s.uri.Selectable = true
	s.uri.Wrapping = fyne.TextWrapBreak
	s.uri.TextStyle = fyne.TextStyle{Monospace: true}
	uriHint := widget.NewLabel("Add this to the officer's authenticator app now; it is shown only once:")
	uriHint.Wrapping = fyne.TextWrapWord
	s.uriBox = container.NewVBox(uriHint, s.uri)
	s.uriBox.Hide()

	buttons := container.NewGridWithColumns(2, s.unlockB, s.toggleB, s.pinB, s.totpB, s.closeB)
	bottom := container.NewVBox(widget.NewSeparator(), s.detail, s.pinBox, s.totpBox, s.uriBox, s.message, buttons)
	s.showSelection()
	s.root = container.NewBorder(container.NewVBox(title, hint), bottom, nil, nil, s.list)
	return s.root
}

// panel shows one of the PIN, TOTP-confirm and URI panels (nil: none) and
// lays the screen out again: the bottom grows or shrinks with it.
func (s *officerScreen) panel(show *fyne.Container) {
	for _, p := range []*fyne.Container{s.pinBox, s.totpBox, s.uriBox} {
		p.Hidden = p != show
	}
	if s.root != nil {
		s.root.Refresh()
	}
}

// focus moves the keyboard focus to o on the screen's window.
func (s *officerScreen) focus(o fyne.Focusable) {
	if s.canvas != nil {
		s.canvas.Focus(o)
	}
}

// shortcuts registers the screen's keys on its window's canvas.
func (s *officerScreen) shortcuts(c fyne.Canvas) {
	s.canvas = c
	for k, f := range map[fyne.Shortcut]func(){keyUnlock: s.onUnlock, keyToggle: s.onToggle,
		keyResetPIN: s.onResetPIN, keyResetTOTP: s.onResetTOTP, keyCloseWindow: s.close} {
		c.AddShortcut(k, func(fyne.Shortcut) { f() })
	}
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyEscape {
			s.close()
		}
	})
}

func (s *officerScreen) rowText(id int) string {
	if id < 0 || id >= len(s.rows) {
		return ""
	}
	r := s.rows[id]
	state := r.State(s.admin.Now())
	if state == "locked" {
		state = "locked until " + r.LockedUntil.Local().Format("15:04")
	}
	return fmt.Sprintf("%s   %s   %s   %s", r.ID, r.Role, state, r.Name)
}

// refresh reloads the list and keeps the selection on the same officer.
func (s *officerScreen) refresh() {
	keep := ""
	if r, ok := s.current(); ok {
		keep = r.ID
	}
	s.async(func() {
		rows, err := s.admin.List(context.Background())
		uiDo(func() {
			if err != nil {
				logFailure(nil, "officers not read", err)
				s.show("Cannot read the officers. "+tryAgain, true)
				return
			}
			s.rows = rows
			s.selected = -1
			s.list.UnselectAll()
			for i, r := range rows {
				if r.ID == keep {
					s.list.Select(i)
				}
			}
			s.list.Refresh()
			s.showSelection()
		})
	})
}

func (s *officerScreen) current() (officer.Summary, bool) {
	if s.selected < 0 || s.selected >= len(s.rows) {
		return officer.Summary{}, false
	}
	return s.rows[s.selected], true
}

func (s *officerScreen) onSelect(id widget.ListItemID) {
	s.selected = id
	s.panel(nil)
	s.showSelection()
}

// showSelection sets the detail line and which actions apply.
func (s *officerScreen) showSelection() {
	r, ok := s.current()
	for _, b := range []*widget.Button{s.unlockB, s.toggleB, s.pinB, s.totpB} {
		b.Disable()
	}
	if !ok {
		s.detail.SetText("Select an officer.")
		return
	}
	now := s.admin.Now()
	text := fmt.Sprintf("%s (%s): %s", r.ID, r.Role, r.State(now))
	if r.Locked(now) {
		text += fmt.Sprintf(" until %s after %s", r.LockedUntil.Local().Format("15:04"), plural(officer.DefaultPolicy.MaxFailures, "failed login"))
		s.unlockB.Enable()
	} else if r.Failures > 0 {
		text += fmt.Sprintf(", %s since the last success", plural(r.Failures, "failed login"))
		s.unlockB.Enable()
	}
	s.detail.SetText(text)
	if r.Disabled {
		s.toggleB.SetText(keyLabel("Enable", keyToggle))
	} else {
		s.toggleB.SetText(keyLabel("Disable", keyToggle))
	}
	if r.ID != s.actor || r.Disabled {
		s.toggleB.Enable()
	}
	s.pinB.Enable()
	s.totpB.Enable()
}

// do runs one change off the UI thread, then shows its outcome and reloads.
func (s *officerScreen) do(done string, change func(ctx context.Context, id string) error) {
	r, ok := s.current()
	if !ok {
		s.show("Select an officer first.", true)
		return
	}
	s.async(func() {
		err := change(context.Background(), r.ID)
		uiDo(func() {
			if err != nil {
				logFailure(nil, "officer change refused", err)
				s.show(adminMessage(err), true)
				return
			}
			s.show(fmt.Sprintf("Officer %s %s.", r.ID, done), false)
			s.refresh()
		})
	})
}

func (s *officerScreen) onUnlock() {
	if s.unlockB.Disabled() {
		return
	}
	s.do("unlocked", func(ctx context.Context, id string) error { return s.admin.Unlock(ctx, s.actor, id) })
}

func (s *officerScreen) onToggle() {
	r, ok := s.current()
	if !ok || s.toggleB.Disabled() {
		return
	}
	if r.Disabled {
		s.do("enabled", func(ctx context.Context, id string) error { return s.admin.Enable(ctx, s.actor, id) })
		return
	}
	s.do("disabled: it cannot log in until enabled again", func(ctx context.Context, id string) error {
		return s.admin.Disable(ctx, s.actor, id)
	})
}

func (s *officerScreen) onResetPIN() {
	if s.pinB.Disabled() {
		return
	}
	s.pin1.SetText("")
	s.pin2.SetText("")
	s.panel(s.pinBox)
	s.focus(s.pin1)
}

func (s *officerScreen) onSavePIN() {
	p1, p2 := s.pin1.Text, s.pin2.Text
	switch {
	case p1 != p2:
		s.show("The two PINs differ. Type them again.", true)
		return
	case officer.ValidatePIN(p1) != nil:
		s.show("The PIN must be 6 to 32 digits.", true)
		return
	}
	s.pin1.SetText("")
	s.pin2.SetText("")
	s.panel(nil)
	s.do("has a new PIN (any lock is lifted)", func(ctx context.Context, id string) error {
		return s.admin.ResetPIN(ctx, s.actor, id, p1)
	})
}

func (s *officerScreen) onResetTOTP() {
	if s.totpB.Disabled() {
		return
	}
	s.panel(s.totpBox)
	s.focus(s.confirmB)
}

func (s *officerScreen) onConfirmTOTP() {
	r, ok := s.current()
	if !ok {
		return
	}
	s.panel(nil)
	s.async(func() {
		uri, err := s.admin.ResetTOTP(context.Background(), s.actor, r.ID)
		uiDo(func() {
			if err != nil {
				logFailure(nil, "officer change refused", err)
				s.show(adminMessage(err), true)
				return
			}
			s.uri.SetText(uri)
			s.panel(s.uriBox)
			s.show("Officer "+r.ID+" has a new authenticator secret.", false)
		})
	})
}

// close forgets the URI on screen and closes the screen.
func (s *officerScreen) close() {
	s.uri.SetText("")
	s.panel(nil)
	if s.onClose != nil {
		s.onClose()
	}
}

func (s *officerScreen) show(msg string, warn bool) {
	s.message.SetText(msg)
	s.message.Importance = widget.MediumImportance
	if warn {
		s.message.Importance = widget.DangerImportance
	}
	s.message.Show()
	s.message.Refresh()
}

// openOfficerWindow shows the officer screen in its own window, so the booth
// keeps its size and state; it returns the window (tests close it).
func openOfficerWindow(admin *officer.Admin, actor string, async func(func())) (fyne.Window, *officerScreen) {
	w := fyne.CurrentApp().NewWindow("Veriport — officers")
	s := newOfficerScreen(admin, actor, w.Close)
	if async != nil {
		s.async = async
	}
	w.SetContent(s.build())
	s.shortcuts(w.Canvas())
	w.Resize(fyne.NewSize(760, 560))
	w.Show()
	w.Canvas().Focus(s.list)
	s.refresh()
	return w, s
}
