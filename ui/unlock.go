package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"veriport/officer"
)

// supervisorUnlock lets a supervisor unlock a locked officer at the booth,
// from the login screen: the supervisor's own id, PIN and code (checked as
// a login, so failures count towards the supervisor's lock) and the id of
// the officer to unlock. The unlock goes on the audit chain under the
// supervisor's id.
type supervisorUnlock struct {
	admin *officer.Admin
	async func(func())
	done  func(officerID, supervisorID string) // back on the login screen

	target *escEntry
	id     *escEntry
	pin    *escEntry
	code   *escEntry
	submit *widget.Button
	errMsg *widget.Label
	dlg    dialog.Dialog
	busy   bool
}

func newSupervisorUnlock(admin *officer.Admin, async func(func()), done func(officerID, supervisorID string)) *supervisorUnlock {
	return &supervisorUnlock{admin: admin, async: async, done: done}
}

func (u *supervisorUnlock) build() fyne.CanvasObject {
	cancel := func() {
		if u.dlg != nil {
			u.dlg.Hide()
		}
	}
	u.target, u.id, u.pin, u.code = newEscEntry(cancel), newEscEntry(cancel), newEscEntry(cancel), newEscEntry(cancel)
	u.target.SetPlaceHolder("id of the locked officer")
	u.id.SetPlaceHolder("your supervisor id")
	u.pin.Password = true
	u.pin.SetPlaceHolder("your PIN")
	u.code.SetPlaceHolder("6-digit code from your authenticator")
	order := []*escEntry{u.target, u.id, u.pin, u.code}
	for i, e := range order {
		if i+1 < len(order) {
			next := order[i+1]
			e.OnSubmitted = func(string) { u.focus(next) }
		}
	}
	u.code.OnSubmitted = func(string) { u.onSubmit() }
	u.submit = widget.NewButton("Unlock  [Enter]", u.onSubmit)
	u.submit.Importance = widget.HighImportance
	u.errMsg = widget.NewLabel("")
	u.errMsg.Importance = widget.DangerImportance
	u.errMsg.Wrapping = fyne.TextWrapWord
	u.errMsg.Hide()
	form := widget.NewForm(
		widget.NewFormItem("Officer to unlock", u.target),
		widget.NewFormItem("Supervisor id", u.id),
		widget.NewFormItem("Supervisor PIN", u.pin),
		widget.NewFormItem("Supervisor code", u.code),
	)
	intro := widget.NewLabel("A supervisor lifts the lock now instead of waiting for it to end. " +
		"The unlock is recorded under the supervisor's id.")
	intro.Wrapping = fyne.TextWrapWord
	return container.NewVBox(intro, form, u.submit, u.errMsg)
}

// open shows the form over win, with the officer id filled in when known.
func (u *supervisorUnlock) open(win fyne.Window, officerID string) {
	content := u.build()
	u.target.SetText(officerID)
	u.dlg = dialog.NewCustom("Supervisor unlock", "Cancel  [Esc]", content, win)
	u.dlg.Resize(fyne.NewSize(min(520, win.Canvas().Size().Width*0.9), 0))
	u.dlg.Show()
	if officerID == "" {
		win.Canvas().Focus(u.target)
	} else {
		win.Canvas().Focus(u.id)
	}
}

func (u *supervisorUnlock) focus(e *escEntry) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
		c.Focus(e)
	}
}

// onSubmit checks the supervisor and unlocks, off the UI thread.
func (u *supervisorUnlock) onSubmit() {
	if u.busy {
		return
	}
	target, id, pin, code := u.target.Text, u.id.Text, u.pin.Text, u.code.Text
	if target == "" || id == "" || pin == "" || code == "" {
		u.showError("Enter the officer to unlock, and your supervisor id, PIN and code.")
		return
	}
	u.busy = true
	u.submit.Disable()
	u.async(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := u.admin.Supervisor(ctx, id, pin, code)
		if err == nil {
			err = u.admin.Unlock(ctx, id, target)
		}
		uiDo(func() { u.applied(target, id, err) })
	})
}

func (u *supervisorUnlock) applied(target, id string, err error) {
	u.busy = false
	u.submit.Enable()
	u.pin.SetText("")
	u.code.SetText("")
	if err != nil {
		logFailure(nil, "unlock refused", err)
		msg := adminMessage(err)
		var le *officer.LoginError
		if errors.As(err, &le) {
			msg = loginMessage(err)
		}
		u.showError(msg)
		return
	}
	u.dlg.Hide()
	u.done(target, id)
}

func (u *supervisorUnlock) showError(msg string) {
	u.errMsg.SetText(msg)
	u.errMsg.Show()
}

// escEntry is a text field of a dialog: Escape cancels the dialog (a
// focused field would otherwise keep the key to itself).
type escEntry struct {
	widget.Entry
	cancel func()
}

func newEscEntry(cancel func()) *escEntry {
	e := &escEntry{cancel: cancel}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey implements fyne.Focusable.
func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		e.cancel()
		return
	}
	e.Entry.TypedKey(k)
}
