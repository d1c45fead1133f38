package ui

import (
	"context"
	"fmt"
	"image"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"veriport/booth"
	"veriport/camera"
	"veriport/config"
	"veriport/encounter"
	"veriport/officer"
	"veriport/record"
)

// liveWF is the whole window: live capture (a scripted camera whose frames
// the test makes good or empty) with the officer workflow around it.
type liveWF struct {
	*wfFixture
	mw    *mainWindow
	kind  atomic.Int32 // frame kind the camera shows
	super bool         // log in as the supervisor s.chen
}

func newLiveWF(t *testing.T, decide booth.Decision, size fyne.Size, opts ...func(*Workflow)) *liveWF {
	t.Helper()
	f := &liveWF{wfFixture: &wfFixture{t: t, app: test.NewApp(), rec: &booth.MemoryRecorder{},
		clock: &testClock{t: time.Now()}}}
	f.kind.Store(kindEmpty)
	auth := f.enrolOfficer()
	policy, _ := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	f.win = f.app.NewWindow("Veriport")
	// 12 fps: enough for auto-capture, few UI updates from the analysis
	// goroutine (the test driver runs them on that goroutine).
	scripted := scriptedSource(func(int) uint8 { return uint8(f.kind.Load()) })
	scripted.FPS = 12
	var src camera.Source = scripted
	if size.Width < 0 { // goldens: no camera, a still frame and a fixed clock
		size = fyne.NewSize(-size.Width, size.Height)
		src = nil
		f.clock.add(time.Date(2026, 5, 4, 9, 0, 7, 0, time.UTC).Sub(f.clock.now()))
	}
	q := config.DefaultQuality()
	q.StableFrames = 3
	wf := &Workflow{Auth: auth, Policy: policy, Recorder: f.rec, Station: "B7", Now: f.clock.now}
	for _, o := range opts {
		o(wf)
	}
	f.ws = newBooth(f.win, Deps{Source: src, Database: "/var/lib/veriport/veriport.db", Demo: true,
		Assessor: &fakeAssessor{}, Quality: q, Workflow: wf})
	f.mw = f.ws.mw
	f.win.SetContent(f.ws.build())
	f.win.Resize(size)
	ctx, cancel := context.WithCancel(context.Background())
	f.mw.start(ctx)
	t.Cleanup(func() { cancel(); f.mw.wait(); f.app.Quit() })
	uiDoAndWait(func() {
		f.ws.begin()
		f.ws.setGallery("VP123", "", booth.DeciderFunc(func(context.Context, image.Image) (booth.Decision, error) {
			return decide, nil
		}))
	})
	if src == nil {
		still := image.NewRGBA(image.Rect(0, 0, 64, 36))
		uiDoAndWait(func() {
			f.mw.bufs[0], f.mw.front = still, 0
			f.mw.live.Image = still
			f.mw.live.Refresh()
		})
		return f
	}
	waitFor(t, "a live frame", func() bool { return f.mw.bufs[f.mw.front] != nil })
	return f
}

// loginUI logs the officer (or the supervisor of supervisorWF) in on the
// UI thread.
func (f *liveWF) loginUI() {
	f.t.Helper()
	id := testOfficer
	if f.super {
		id = "s.chen"
	}
	acct, _ := f.store.Account(context.Background(), id)
	code, err := officer.TOTPCode(acct.TOTPSecret, f.clock.now())
	if err != nil {
		f.t.Fatal(err)
	}
	uiDoAndWait(func() {
		f.typeInto(f.ws.login.id, id)
		f.typeInto(f.ws.login.pin, testPIN)
		f.typeInto(f.ws.login.code, code)
		f.enter()
	})
	waitFor(f.t, "the booth", func() bool { return f.ws.showing() == screenBooth })
}

// goodFrames shows a steady good face for a while: auto-capture takes it
// whenever the booth lets it.
func (f *liveWF) goodFrames() {
	f.kind.Store(kindGood)
	time.Sleep(time.Second)
}

func (f *liveWF) ui(fn func()) { uiDoAndWait(fn) }

func TestNoCaptureBeforeLogin(t *testing.T) {
	f := newLiveWF(t, matchT7, fyne.NewSize(1280, 800))
	f.goodFrames()
	if n := f.mw.captures.Load(); n != 0 {
		t.Fatalf("the login screen took %d photos", n)
	}
	var text string
	f.ui(func() { text = f.mw.panel.captured.Text + f.mw.panel.state.Text })
	if strings.Contains(text, "Captured") {
		t.Fatalf("the login screen says %q", text)
	}
	f.loginUI()
	waitFor(t, "MATCH once logged in", func() bool { return f.ws.booth.bannerTitle.Text == "MATCH" })
}

func TestNoCaptureDuringOptOut(t *testing.T) {
	f := newLiveWF(t, matchT7, fyne.NewSize(1280, 800))
	f.loginUI()
	f.ui(func() { f.key(keyOptOut) })
	waitFor(t, "the opt-out form", func() bool { return f.ws.showing() == screenOptOut })
	f.goodFrames()
	if n := f.mw.captures.Load(); n != 0 {
		t.Fatalf("%d photos taken during the opt-out", n)
	}
	f.ui(func() {
		if f.ws.showing() != screenOptOut || strings.Contains(f.mw.panel.state.Text, "Captured") {
			t.Errorf("screen %d, capture panel %q", f.ws.showing(), f.mw.panel.state.Text)
		}
	})
	// An in-scope traveler is told the photo may be required: the camera
	// still takes nothing by itself; the officer's Capture takes it when
	// the traveler agrees.
	f.ui(func() {
		f.typeInto(f.ws.optOut.form.nationality, "FRA")
		f.key(keyDecide)
	})
	waitFor(t, "PHOTO MAY BE REQUIRED", func() bool { return f.ws.booth.bannerTitle.Text == "PHOTO MAY BE REQUIRED" })
	f.goodFrames()
	if n := f.mw.captures.Load(); n != 0 {
		t.Fatalf("%d photos taken by the camera after a refused opt-out", n)
	}
	f.ui(func() { f.key(keyCapture) })
	waitFor(t, "MATCH on the officer's capture", func() bool { return f.ws.booth.bannerTitle.Text == "MATCH" })
}

func TestNoCaptureDuringManualCheck(t *testing.T) {
	f := newLiveWF(t, matchT7, fyne.NewSize(1280, 800))
	f.loginUI()
	f.ui(func() { f.key(keyManualCheck) })
	waitFor(t, "the manual check", func() bool { return f.ws.showing() == screenManual })
	f.goodFrames()
	if n := f.mw.captures.Load(); n != 0 {
		t.Fatalf("%d photos taken during the manual check", n)
	}
	if f.ws.showing() != screenManual {
		t.Fatalf("screen %d", f.ws.showing())
	}
}

func TestNextTravelerClearsPreviousTraveler(t *testing.T) {
	f := newLiveWF(t, matchT7, fyne.NewSize(1280, 800))
	f.loginUI()
	f.goodFrames()
	waitFor(t, "MATCH", func() bool { return f.ws.booth.bannerTitle.Text == "MATCH" })
	f.kind.Store(kindEmpty) // the traveler walks on
	f.ui(func() { f.key(keyNext) })
	waitFor(t, "the next traveler", func() bool { return f.ws.booth.bannerTitle.Text == "Ready" })
	f.ui(func() {
		if f.mw.panel.thumb.Visible() || f.mw.panel.captured.Text != "" {
			t.Errorf("previous traveler's photo stays: thumb %v %q", f.mw.panel.thumb.Visible(), f.mw.panel.captured.Text)
		}
		if strings.Contains(f.mw.panel.state.Text, "Captured") {
			t.Errorf("capture panel says %q over an empty frame", f.mw.panel.state.Text)
		}
		if !strings.Contains(f.ws.booth.count.Text, "1") {
			t.Errorf("count %q after one traveler", f.ws.booth.count.Text)
		}
	})
}

func TestLogoutClearsTraveler(t *testing.T) {
	f := newLiveWF(t, matchT7, fyne.NewSize(1280, 800))
	f.loginUI()
	f.goodFrames()
	waitFor(t, "MATCH", func() bool { return f.ws.booth.bannerTitle.Text == "MATCH" })
	f.ui(func() { f.key(keyLogout); f.key(keyLogout) }) // the second Log out leaves the MATCH uncleared
	waitFor(t, "the login", func() bool { return f.ws.showing() == screenLogin })
	f.ui(func() {
		if f.mw.panel.thumb.Visible() || f.mw.panel.captured.Text != "" {
			t.Errorf("the login screen shows the last traveler: thumb %v %q", f.mw.panel.thumb.Visible(), f.mw.panel.captured.Text)
		}
		if f.ws.booth.bannerTitle.Text == "MATCH" {
			t.Error("MATCH banner kept for the next officer")
		}
	})
}

func TestManualCheckCancel(t *testing.T) {
	f := newWF(t, noMatch)
	f.login(testPIN, f.code(), true)
	f.key(keyCapture)
	f.decided("NO MATCH")
	audits := len(f.rec.Audits())
	f.key(keyManualCheck)
	if f.ws.showing() != screenManual || f.win.Canvas().Focused() != f.ws.manual.form.mrz1 {
		t.Fatalf("manual check not open with focus in MRZ line 1: screen %d", f.ws.showing())
	}
	f.typeKeys("P<FRA")
	f.win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.ws.showing() != screenBooth || f.ws.booth.bannerTitle.Text != "NO MATCH" {
		t.Fatalf("Esc: screen %d banner %q", f.ws.showing(), f.ws.booth.bannerTitle.Text)
	}
	a := f.rec.Audits()
	if len(a) != audits+1 || a[len(a)-1].Kind != booth.AuditManualCancelled || finished(f.rec) != 0 {
		t.Fatalf("cancel recorded as %+v, records %+v", a[audits:], f.rec.Records())
	}
	// Alt+B cancels too; the check then opens empty, at the top.
	f.key(keyManualCheck)
	if f.ws.manual.form.mrz1.Text != "" {
		t.Errorf("the cancelled check's MRZ stays: %q", f.ws.manual.form.mrz1.Text)
	}
	f.key(keyBack)
	if f.ws.showing() != screenBooth || len(f.rec.Audits()) != audits+2 {
		t.Fatalf("Alt+B: screen %d, audits %d", f.ws.showing(), len(f.rec.Audits()))
	}
	f.key(keyNext) // still unfinished: the NO MATCH needs its manual check
	if finished(f.rec) != 0 {
		t.Error("a cancelled manual check finished the traveler")
	}
}

// finished counts the encounters recorded with a result (the decision is
// recorded when it is made, the result when the traveler is finished).
func finished(rec *booth.MemoryRecorder) int {
	n := 0
	for _, r := range rec.Records() {
		if r.Result != "" {
			n++
		}
	}
	return n
}

func TestVerifiedNeedsOverrideOnFailedMRZ(t *testing.T) {
	f := newWF(t, noMatch)
	f.login(testPIN, f.code(), true)
	f.key(keyCapture)
	f.decided("NO MATCH")
	f.key(keyManualCheck)
	m := f.ws.manual
	bad := mrzFRA2[:10] + "9" + mrzFRA2[11:] // wrong check digit of the nationality run
	if bad[10] == mrzFRA2[10] {
		bad = mrzFRA2[:10] + "8" + mrzFRA2[11:]
	}
	bad = mrzFRA2[:9] + string('0'+(mrzFRA2[9]-'0'+1)%10) + mrzFRA2[10:] // wrong document-number check digit
	f.typeInto(m.form.mrz1, mrzFRA1)
	f.typeInto(m.form.mrz2, bad)
	f.enter()
	if !m.form.mrzErrors.Visible() {
		t.Fatal("no check-digit error shown")
	}
	m.attest.SetChecked(true)
	f.key(keyVerified)
	if finished(f.rec) != 0 || f.ws.showing() != screenManual {
		t.Fatal("Verified accepted on an MRZ that failed its check digit, without an override")
	}
	if !m.errMsg.Visible() || !strings.Contains(m.errMsg.Text, "override") {
		t.Errorf("no override asked for: %q", m.errMsg.Text)
	}
	m.override.SetChecked(true)
	f.key(keyVerified) // an override needs its reason
	if finished(f.rec) != 0 {
		t.Fatal("override accepted without a reason")
	}
	f.typeInto(m.overrideReason, "document number confirmed with the issuing consulate")
	f.key(keyVerified)
	if len(f.rec.Records()) != 1 || f.rec.Records()[0].Result != encounter.ResultVerified {
		t.Fatalf("records %+v (error %q)", f.rec.Records(), m.errMsg.Text)
	}
	a := f.rec.Audits()
	found := false
	for _, e := range a {
		found = found || (e.Kind == booth.AuditManualOverride && strings.Contains(e.Detail, "consulate") &&
			strings.Contains(e.Detail, "check digit") && e.Subject == f.rec.Records()[0].ID)
	}
	if !found {
		t.Errorf("the override is not on the record: %+v", a)
	}
}

// supervisorWF is a live window whose officer is a supervisor with the
// shift report.
func supervisorWF(t *testing.T, size fyne.Size) *liveWF {
	t.Helper()
	st, err := record.Open(context.Background(), t.TempDir()+"/r.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := newLiveWF(t, matchT7, size, func(w *Workflow) { w.Reports = &ReportDeps{DB: st.DB} })
	if _, err := f.ws.wf.Auth.Enroll(context.Background(), "s.chen", "Supervisor Chen", officer.RoleSupervisor, testPIN); err != nil {
		t.Fatal(err)
	}
	f.super = true
	return f
}

func TestReportKeepsWindowSize(t *testing.T) {
	size := fyne.NewSize(1280, 800)
	f := supervisorWF(t, size)
	f.loginUI()
	f.ui(func() { f.key(keyReports) })
	waitFor(t, "the report", func() bool { return f.ws.reportWin != nil || f.ws.showing() == screenReports })
	f.ui(func() {
		if w := f.win.Canvas().Content().MinSize().Width; w > size.Width {
			t.Errorf("with the report open the booth needs %.0f px on a %.0f px window", w, size.Width)
		}
		if s := f.win.Canvas().Size(); s != size {
			t.Errorf("window %v with the report open, was %v", s, size)
		}
	})
	f.ui(func() { f.ws.onBackKey() })
	waitFor(t, "the booth", func() bool { return f.ws.showing() == screenBooth })
	f.ui(func() {
		if s := f.win.Canvas().Size(); s != size {
			t.Errorf("window %v after the report, was %v", s, size)
		}
		if f.mw.live.Size().Width < 0.45*size.Width {
			t.Errorf("live view %.0f px wide after the report", f.mw.live.Size().Width)
		}
	})
}

// layoutCheck asserts the booth fits the window and the live view keeps
// at least 45% of its width, in the current theme and screen.
func layoutCheck(t *testing.T, f *liveWF, size fyne.Size, what string) {
	t.Helper()
	f.ui(func() {
		c := f.win.Canvas()
		min := c.Content().MinSize()
		if min.Width > size.Width || min.Height > size.Height {
			t.Errorf("%s: content needs %v in a %v window", what, min, size)
		}
		if s := c.Size(); s != size {
			t.Errorf("%s: window grew to %v", what, s)
		}
		if w := f.mw.live.Size().Width; w < 0.45*size.Width {
			t.Errorf("%s: live view %.0f px wide, under 45%% of %.0f", what, w, size.Width)
		}
		if h := f.mw.live.Size().Height; h < 0.4*size.Height {
			t.Errorf("%s: live view %.0f px high", what, h)
		}
		if v := f.ws.views[f.ws.showing()]; v.MinSize().Width > v.Size().Width+0.5 {
			t.Errorf("%s: the screen needs %.0f px and gets %.0f: it is cut", what, v.MinSize().Width, v.Size().Width)
		}
	})
}

func TestLayout1024x700(t *testing.T) {
	for _, size := range []fyne.Size{fyne.NewSize(1024, 700), fyne.NewSize(1280, 800)} {
		t.Run(fmt.Sprintf("%.0fx%.0f", size.Width, size.Height), func(t *testing.T) { layoutBothThemes(t, size) })
	}
}

// layoutBothThemes walks the screens in the standard theme, then in the
// large-text high-contrast one, checking the layout on each.
func layoutBothThemes(t *testing.T, size fyne.Size) {
	{
		f := supervisorWF(t, size)
		for _, high := range []bool{false, true} {
			name := fmt.Sprintf("%.0fx%.0f high=%v", size.Width, size.Height, high)
			f.ui(func() {
				if f.ws.theme.high != high {
					f.ws.onToggleTheme()
				}
			})
			layoutCheck(t, f, size, name+" login")
			if f.ws.showing() == screenLogin {
				f.loginUI()
			}
			layoutCheck(t, f, size, name+" booth")
			f.ui(func() { f.key(keyManualCheck) })
			layoutCheck(t, f, size, name+" manual check")
			f.ui(func() { f.key(keyBack); f.key(keyOptOut) })
			layoutCheck(t, f, size, name+" opt-out")
			f.ui(func() { f.key(keyBack); f.key(keyReports) })
			layoutCheck(t, f, size, name+" report")
			f.ui(func() { f.ws.onBackKey() })
			layoutCheck(t, f, size, name+" back")
		}
	}
}

// TestBoothGoldens keeps the markup of the whole booth window (live view,
// panel, banner, status) with a MATCH on screen at 1024x700 and 1280x800,
// in the standard and the large-text high-contrast theme.
func TestBoothGoldens(t *testing.T) {
	for _, size := range []fyne.Size{fyne.NewSize(1024, 700), fyne.NewSize(1280, 800)} {
		for _, high := range []bool{false, true} {
			t.Run(fmt.Sprintf("%.0fx%.0f high=%v", size.Width, size.Height, high), func(t *testing.T) { boothGolden(t, size, high) })
		}
	}
}

// boothGolden compares the booth with a MATCH on screen with its markup.
func boothGolden(t *testing.T, size fyne.Size, high bool) {
	{
		{
			f := newLiveWF(t, matchT7, fyne.NewSize(-size.Width, size.Height))
			f.ui(func() {
				if high {
					f.ws.onToggleTheme()
				}
			})
			f.loginUI()
			f.ui(func() { f.key(keyCapture) })
			waitFor(t, "MATCH", func() bool { return f.ws.booth.bannerTitle.Text == "MATCH" })
			layoutCheck(t, f, size, "golden")
			name := fmt.Sprintf("booth_match_%.0fx%.0f_%s.xml", size.Width, size.Height, map[bool]string{false: "standard", true: "high_contrast"}[high])
			f.ui(func() {
				// Lay the whole window out afresh: the markup is of a settled screen.
				for range 3 { // wrapped labels settle over a few layouts
					f.win.Resize(size.AddWidthHeight(1, 1))
					f.win.Resize(size)
				}
				test.AssertRendersToMarkup(t, name, f.win.Canvas())
			})
		}
	}
}
