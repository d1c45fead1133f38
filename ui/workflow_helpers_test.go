package ui

import (
	"context"
	"fmt"
	"image"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"veriport/booth"
	"veriport/encounter"
	"veriport/officer"
)

// testClock is a settable clock shared by the authenticator and the shift.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const (
	testOfficer = "o.reyes"
	testPIN     = "482916"
)

// wfFixture is a workstation on the Fyne test driver with an enrolled
// officer, a fake decision source and an in-memory recorder.
type wfFixture struct {
	t      *testing.T
	app    fyne.App
	win    fyne.Window
	ws     *workstation
	rec    *booth.MemoryRecorder
	clock  *testClock
	secret string
	grabs  int
	store  *officer.MemoryStore
}

// enrolOfficer gives the fixture an officer store with the test officer
// enrolled (fast hash parameters) and its authenticator on the fixture's
// clock; f.store and f.secret are set.
func (f *wfFixture) enrolOfficer() *officer.Authenticator {
	f.t.Helper()
	f.store = officer.NewMemoryStore()
	auth, err := officer.NewAuthenticator(f.store, officer.DefaultPolicy, officer.WithClock(f.clock.now),
		officer.WithHashParams(officer.HashParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}))
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := auth.Enroll(context.Background(), testOfficer, "Officer Reyes", officer.RoleOfficer, testPIN); err != nil {
		f.t.Fatal(err)
	}
	acct, _ := f.store.Account(context.Background(), testOfficer)
	f.secret = acct.TOTPSecret
	return auth
}

func newWF(t *testing.T, decide booth.Decision) *wfFixture {
	t.Helper()
	f := &wfFixture{t: t, app: test.NewApp(), rec: &booth.MemoryRecorder{},
		clock: &testClock{t: time.Date(2026, 5, 4, 9, 0, 7, 0, time.UTC)}}
	t.Cleanup(f.app.Quit)
	auth := f.enrolOfficer()
	policy, err := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	if err != nil {
		t.Fatal(err)
	}
	f.win = f.app.NewWindow("Veriport")
	f.ws = newWorkstation(f.win, Workflow{Auth: auth, Policy: policy, Recorder: f.rec, Station: "B7",
		IdleLogout: 15 * time.Minute, Now: f.clock.now,
		Grab: func() (image.Image, error) {
			f.grabs++
			return image.NewRGBA(image.Rect(0, 0, 32, 24)), nil
		}}, nil)
	f.ws.async = func(fn func()) { fn() } // the test driver has no UI thread: no goroutines
	f.win.SetContent(f.ws.build())
	f.win.Resize(fyne.NewSize(1100, 900))
	f.ws.begin()
	f.ws.setGallery("VP123", "Gallery: VP123 2026-05-04 AAA-BBB, 3 travelers (fresh)",
		booth.DeciderFunc(func(context.Context, image.Image) (booth.Decision, error) { return decide, nil }))
	return f
}

// code is the officer's TOTP code now.
func (f *wfFixture) code() string {
	c, err := officer.TOTPCode(f.secret, f.clock.now())
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// wait polls cond until it holds or five seconds pass.
func (f *wfFixture) wait(what string, cond func() bool) {
	f.t.Helper()
	waitFor(f.t, what, cond)
}

// key sends a shortcut the way the desktop driver does: to the focused
// widget when it handles shortcuts, else to the canvas.
func (f *wfFixture) key(s *desktop.CustomShortcut) {
	c := f.win.Canvas()
	if h, ok := c.Focused().(fyne.Shortcutable); ok {
		h.TypedShortcut(s)
		return
	}
	c.(fyne.Shortcutable).TypedShortcut(s)
}

// enter presses Return on the focused widget.
func (f *wfFixture) enter() {
	f.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// typeInto focuses e and types s.
func (f *wfFixture) typeInto(e *keyEntry, s string) {
	f.win.Canvas().Focus(e)
	test.Type(e, s)
}

// login logs the officer in with the given PIN and code, waiting for the
// answer; ok says whether the booth should show.
func (f *wfFixture) login(pin, code string, ok bool) {
	f.t.Helper()
	f.typeInto(f.ws.login.id, testOfficer)
	f.typeInto(f.ws.login.pin, pin)
	f.typeInto(f.ws.login.code, code)
	f.enter()
	if ok {
		f.wait("the booth screen", func() bool { return f.ws.showing() == screenBooth })
		return
	}
	f.wait("the login error", func() bool { return !f.ws.login.busy && f.ws.login.errMsg.Visible() })
}

// decided waits for a decision banner.
func (f *wfFixture) decided(title string) {
	f.t.Helper()
	f.wait("banner "+title, func() bool { return f.ws.booth.bannerTitle.Text == title })
}

// mrzLine2 builds a TD3 line 2 with correct check digits.
func mrzLine2(number, nat, birth, sex, expiry, personal string) string {
	pad := func(s string, n int) string { return s + strings.Repeat("<", n-len(s)) }
	number, personal = pad(number, 9), pad(personal, 14)
	cd := func(s string) string { return fmt.Sprint(encounter.CheckDigit(s)) }
	pcd := cd(personal)
	if strings.Trim(personal, "<") == "" {
		pcd = "<"
	}
	l := number + cd(number) + nat + birth + cd(birth) + sex + expiry + cd(expiry) + personal + pcd
	return l + cd(l[0:10]+l[13:20]+l[21:43])
}

// Specimen-like zones: a French passport (in-scope) and a U.S. one.
var (
	mrzFRA1 = "P<FRAMARTIN<<CLAIRE<<<<<<<<<<<<<<<<<<<<<<<<<"
	mrzFRA2 = mrzLine2("X4RTBPFW4", "FRA", "850310", "F", "330101", "")
	mrzUSA1 = "P<USASMITH<<JOHN<<<<<<<<<<<<<<<<<<<<<<<<<<<<"
	mrzUSA2 = mrzLine2("561234987", "USA", "700102", "M", "310505", "")
)

// typeKeys types s into whatever has the focus, as the keyboard would.
func (f *wfFixture) typeKeys(s string) {
	f.t.Helper()
	foc := f.win.Canvas().Focused()
	if foc == nil {
		f.t.Fatalf("typing %q with nothing focused", s)
	}
	for _, r := range s {
		foc.TypedRune(r)
	}
}
