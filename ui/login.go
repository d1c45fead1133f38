package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"veriport/officer"
)

// loginScreen asks for officer id, PIN and TOTP code. Enter in any field
// submits; the check runs off the UI thread (argon2id takes a moment) and
// the result comes back through fyne.Do.
type loginScreen struct {
	auth      *officer.Authenticator
	demoHint  func() string // "DEMO: code 123456" in the demo profile; nil otherwise
	onLogin   func(*officer.Session)
	onRefused func(id string, err error) // audit a refused login
	touch     func()
	async     func(func()) // runs the check off the UI thread
	onUnlock  func()       // a supervisor unlocks a locked officer; nil hides it

	id     *keyEntry
	pin    *keyEntry
	code   *keyEntry
	submit *widget.Button
	errMsg *widget.Label
	hint   *widget.Label
	unlock *widget.Button // shown when the account is locked
	notice *widget.Label  // why the last session ended (idle logout)
	busy   bool
	tried  string // officer id of the attempt in progress
	box    fyne.CanvasObject
}

func newLoginScreen(auth *officer.Authenticator, demoHint func() string, onLogin func(*officer.Session), touch func()) *loginScreen {
	return &loginScreen{auth: auth, demoHint: demoHint, onLogin: onLogin, touch: touch, async: func(f func()) { go f() }}
}

func (l *loginScreen) build() fyne.CanvasObject {
	l.id = newKeyEntry()
	l.id.SetPlaceHolder("officer id")
	l.pin = newKeyEntry()
	l.pin.Password = true
	l.pin.SetPlaceHolder("PIN")
	l.code = newKeyEntry()
	l.code.SetPlaceHolder("6-digit code from the authenticator")
	for _, e := range []*keyEntry{l.id, l.pin, l.code} {
		e.OnSubmitted = func(string) { l.onSubmit() }
		e.OnChanged = func(string) { l.touch() }
	}
	l.submit = widget.NewButton("Log in  [Enter]", l.onSubmit)
	l.submit.Importance = widget.HighImportance
	l.errMsg = widget.NewLabel("")
	l.errMsg.Importance = widget.DangerImportance
	l.errMsg.Wrapping = fyne.TextWrapWord
	l.errMsg.Hide()
	l.notice = widget.NewLabel("")
	l.notice.Wrapping = fyne.TextWrapWord
	l.notice.Hide()
	l.hint = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true, Monospace: true})
	l.hint.Importance = widget.WarningImportance
	l.hint.Hide()
	form := widget.NewForm(
		widget.NewFormItem("Officer id", l.id),
		widget.NewFormItem("PIN", l.pin),
		widget.NewFormItem("Code", l.code),
	)
	title := widget.NewLabelWithStyle("Veriport — officer login", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	title.Wrapping = fyne.TextWrapWord // large text: two lines, never past the panel
	l.unlock = widget.NewButton(keyLabel("Supervisor unlock", keyUnlock), func() {
		if l.onUnlock != nil {
			l.onUnlock()
		}
	})
	l.unlock.Hide()
	card := container.NewVBox(title, l.notice, form, l.submit, l.errMsg, l.unlock, l.hint)
	// At most 460 wide, narrower when the panel is (large text), and
	// scrolled rather than pushed over the status bar when it is taller.
	l.box = container.NewVScroll(container.New(maxWidthLayout{460}, card))
	return container.NewStack(l.box)
}

// reset clears the fields for a new login and shows why the last session
// ended, if it did.
func (l *loginScreen) reset(notice string) {
	l.id.SetText("")
	l.pin.SetText("")
	l.code.SetText("")
	l.errMsg.Hide()
	l.unlock.Hide()
	l.notice.SetText(notice)
	l.notice.Hidden = notice == ""
	l.notice.Refresh()
	l.refreshHint()
}

// refreshHint shows the demo officer's current code, in the demo profile only.
func (l *loginScreen) refreshHint() {
	if l.demoHint == nil {
		l.hint.Hide()
		return
	}
	l.hint.SetText(l.demoHint())
	l.hint.Show()
}

// focus puts the cursor in the first field.
func (l *loginScreen) focus(c fyne.Canvas) { c.Focus(l.id) }

// onSubmit checks the credentials in the background.
func (l *loginScreen) onSubmit() {
	l.touch()
	if l.busy {
		return
	}
	id, pin, code := l.id.Text, l.pin.Text, l.code.Text
	l.tried = id
	if id == "" || pin == "" || code == "" {
		l.showError("Enter your officer id, PIN and the code from your authenticator.")
		return
	}
	l.busy = true
	l.submit.Disable()
	l.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := l.auth.Login(ctx, id, pin, code)
		uiDo(func() { l.applyLogin(s, err) })
	})
}

// applyLogin shows the outcome of a login attempt. UI thread.
func (l *loginScreen) applyLogin(s *officer.Session, err error) {
	l.busy = false
	l.submit.Enable()
	l.pin.SetText("")
	l.code.SetText("")
	if err != nil {
		l.showError(loginMessage(err))
		if errors.Is(err, officer.ErrLocked) && l.onUnlock != nil {
			l.unlock.Show()
		}
		if l.onRefused != nil {
			l.onRefused(l.tried, err)
		}
		return
	}
	l.errMsg.Hide()
	l.onLogin(s)
}

func (l *loginScreen) showError(msg string) {
	l.errMsg.SetText(msg)
	l.errMsg.Show()
}

// loginMessage is the sentence for a refused login: it never says which
// factor was wrong, but says plainly when the account is locked.
func loginMessage(err error) string {
	var le *officer.LoginError
	switch {
	case errors.As(err, &le) && !le.LockedUntil().IsZero():
		return "Account locked after repeated failures. Try again after " +
			le.LockedUntil().Local().Format("15:04") + " or ask a supervisor."
	case errors.Is(err, officer.ErrBadCredentials):
		return "Officer id, PIN or code not accepted. Check them and try again."
	}
	logFailure(nil, "login failed", err)
	return loginFailure
}

// maxWidthLayout centres its objects at most w wide (the space's width when
// narrower), at their minimum height for that width.
type maxWidthLayout struct{ w float32 }

// Layout implements fyne.Layout.
func (l maxWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := fyne.Min(l.w, size.Width)
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, o.MinSize().Height))
		h := o.MinSize().Height // wrapped text is taller once narrower
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos((size.Width-w)/2, fyne.Max(0, (size.Height-h)/2)))
	}
}

// MinSize implements fyne.Layout: never wider than w.
func (l maxWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return fyne.NewSize(fyne.Min(m.Width, l.w), m.Height)
}
