package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"veriport/officer"
)

const (
	testSupervisor = "s.kim"
	supervisorPIN  = "731902"
)

// withAdmin enrols a supervisor and gives the workstation officer
// administration; it returns the supervisor's TOTP secret.
func withAdmin(f *wfFixture) string {
	f.t.Helper()
	ctx := context.Background()
	if _, err := f.ws.wf.Auth.Enroll(ctx, testSupervisor, "Supervisor Kim", officer.RoleSupervisor, supervisorPIN); err != nil {
		f.t.Fatal(err)
	}
	acct, _ := f.store.Account(ctx, testSupervisor)
	f.ws.wf.Officers = officer.NewAdmin(f.ws.wf.Auth, f.store, f.rec.Audit)
	f.ws.adminShortcuts()
	return acct.TOTPSecret
}

func totp(t *testing.T, secret string, f *wfFixture) string {
	c, err := officer.TOTPCode(secret, f.clock.now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// An officer who locked the account with wrong PINs is unlocked at the
// booth by a supervisor from the login screen, and can log in at once.
func TestSupervisorUnlocksOfficer(t *testing.T) {
	f := newWF(t, matchT7)
	supSecret := withAdmin(f)
	for i := 0; i < officer.DefaultPolicy.MaxFailures; i++ {
		f.ws.login.id.SetText("")
		f.login("000000", f.code(), false)
	}
	l := f.ws.login
	if !strings.Contains(l.errMsg.Text, "locked") || !l.unlock.Visible() {
		t.Fatalf("after %d failures: error %q, unlock shown %v", officer.DefaultPolicy.MaxFailures, l.errMsg.Text, l.unlock.Visible())
	}
	// A supervisor steps in: Alt+U, the locked officer's id is filled in.
	f.key(keyUnlock)
	overlay := f.win.Canvas().Overlays().Top()
	if overlay == nil {
		t.Fatal("no unlock dialog")
	}
	u := findUnlock(t, f)
	// Escape cancels; Alt+U opens it again.
	u.id.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape did not cancel the unlock")
	}
	f.key(keyUnlock)
	u = findUnlock(t, f)
	if u.target.Text != testOfficer {
		t.Errorf("officer to unlock %q, want %q", u.target.Text, testOfficer)
	}
	// An officer's credentials do not unlock.
	typeEsc(f, u.id, testOfficer)
	typeEsc(f, u.pin, testPIN)
	typeEsc(f, u.code, f.code())
	f.enter()
	if !u.errMsg.Visible() {
		t.Fatal("an officer's (locked) credentials unlocked")
	}
	u.id.SetText("")
	typeEsc(f, u.id, testSupervisor)
	typeEsc(f, u.pin, supervisorPIN)
	typeEsc(f, u.code, totp(t, supSecret, f))
	f.enter()
	if f.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("dialog still open: %q", u.errMsg.Text)
	}
	if !strings.Contains(l.notice.Text, "unlocked") {
		t.Errorf("login notice %q", l.notice.Text)
	}
	audits := f.rec.Audits()
	last := audits[len(audits)-1]
	if last.Kind != officer.AuditUnlocked || last.Actor != testSupervisor || last.Subject != testOfficer {
		t.Errorf("audit %+v", last)
	}
	f.clock.add(officer.TOTPPeriod)
	f.ws.login.id.SetText("")
	f.login(testPIN, f.code(), true)
}

// findUnlock returns the supervisor unlock on the window's top overlay.
func findUnlock(t *testing.T, f *wfFixture) *supervisorUnlock {
	t.Helper()
	u := f.ws.admin.unlock
	if u == nil {
		t.Fatal("no supervisor unlock open")
	}
	return u
}

// The officer screen opens with Alt+A for a supervisor only; from it the
// supervisor disables and re-enables an officer and resets the PIN, all
// by keyboard.
func TestOfficerScreenSupervisorOnly(t *testing.T) {
	f := newWF(t, matchT7)
	supSecret := withAdmin(f)
	f.login(testPIN, f.code(), true)
	f.key(keyOfficers)
	if f.ws.admin.win != nil {
		t.Fatal("an officer opened the officer screen")
	}
	f.key(keyLogout)
	f.clock.add(officer.TOTPPeriod)
	w, s := openOfficerScreen(t, f, supSecret)
	// Keyboard: Space selects the first row, o.reyes (ids sort o.reyes, s.kim).
	s.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if r, ok := s.current(); !ok || r.ID != testOfficer {
		t.Fatalf("selected %+v", r)
	}
	press := func(sc fyne.Shortcut) { w.Canvas().(fyne.Shortcutable).TypedShortcut(sc) }
	press(keyToggle)
	if acct, err := f.store.Account(context.Background(), testOfficer); err == nil {
		t.Errorf("officer still active after disable: %+v", acct.ID)
	}
	if !strings.Contains(s.rowText(0), "disabled") || !strings.Contains(s.toggleB.Text, "Enable") {
		t.Errorf("row %q, toggle %q", s.rowText(0), s.toggleB.Text)
	}
	press(keyToggle)
	if _, err := f.store.Account(context.Background(), testOfficer); err != nil {
		t.Errorf("officer not re-enabled: %v", err)
	}
	press(keyResetPIN)
	if w.Canvas().Focused() != s.pin1 {
		t.Error("New PIN does not put the cursor in the PIN field")
	}
	test.Type(s.pin1, "246802")
	test.Type(s.pin2, "246802")
	s.pin2.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !strings.Contains(s.message.Text, "new PIN") {
		t.Errorf("message %q", s.message.Text)
	}
	press(keyResetTOTP)
	if w.Canvas().Focused() != s.confirmB {
		t.Error("the TOTP confirmation does not have the focus")
	}
	test.Tap(s.confirmB)
	if !s.uriBox.Visible() || !strings.HasPrefix(s.uri.Text, "otpauth://totp/") {
		t.Errorf("new URI not shown: %q", s.uri.Text)
	}
	// Logging out closes the screen; the URI is gone.
	f.key(keyLogout)
	if f.ws.admin.win != nil || s.uri.Text != "" {
		t.Error("officer screen stays open after logout")
	}
	kinds := []string{}
	for _, a := range f.rec.Audits() {
		if a.Subject == testOfficer && a.Actor == testSupervisor {
			kinds = append(kinds, a.Kind)
		}
	}
	if got := strings.Join(kinds, " "); got != "officer-disabled officer-enabled officer-pin-reset officer-totp-reset" {
		t.Errorf("audits %s", got)
	}
}

// typeEsc focuses a dialog field and types s.
func typeEsc(f *wfFixture, e *escEntry, s string) {
	f.win.Canvas().Focus(e)
	test.Type(e, s)
}

// Esc closes the officer window while its list has the focus (the list
// would otherwise take the key and drop it).
func TestOfficerScreenEscFromList(t *testing.T) {
	f := newWF(t, matchT7)
	supSecret := withAdmin(f)
	_, s := openOfficerScreen(t, f, supSecret)
	s.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.ws.admin.win != nil {
		t.Fatal("Esc with the list focused left the officer window open")
	}
}

// openOfficerScreen logs the supervisor in and opens the officer screen
// (Alt+A) with its two officers listed and the list focused.
func openOfficerScreen(t *testing.T, f *wfFixture, supSecret string) (fyne.Window, *officerScreen) {
	t.Helper()
	f.typeInto(f.ws.login.id, testSupervisor)
	f.typeInto(f.ws.login.pin, supervisorPIN)
	f.typeInto(f.ws.login.code, totp(t, supSecret, f))
	f.enter()
	f.wait("the booth", func() bool { return f.ws.showing() == screenBooth })
	f.key(keyOfficers)
	w := f.ws.admin.win
	if w == nil {
		t.Fatal("supervisor: no officer screen")
	}
	s := f.ws.admin.screen
	f.wait("two officers listed", func() bool { return len(s.rows) == 2 })
	if w.Canvas().Focused() != s.list {
		t.Fatal("the list does not have the focus")
	}
	return w, s
}
