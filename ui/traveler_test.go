package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"veriport/booth"
	"veriport/config"
	"veriport/encounter"
	"veriport/quality"
	"veriport/traveler"
)

// A MATCH that carries everything the traveler must never see.
var travelerMatch = booth.Decision{Outcome: encounter.OutcomeMatch, Subject: "T-0007", Category: encounter.CategoryInScope,
	Distance: 0.3123, Margin: 0.2, Name: "Jane Quinn TRAVELER", Seat: "14C"}

// travelerStates are the outcomes the traveler's screen is kept for.
var travelerStates = []struct {
	name  string
	state booth.State
	mode  travelerMode
}{
	{"idle", booth.State{Phase: booth.PhaseReady, Armed: true, Traveler: 1}, travelerIdle},
	{"match", booth.State{Phase: booth.PhaseDecided, Traveler: 1, Decision: &travelerMatch}, travelerProceed},
	{"no_match", booth.State{Phase: booth.PhaseDecided, Traveler: 1,
		Decision: &booth.Decision{Outcome: encounter.OutcomeNoMatch, Distance: 0.7123, Name: "Jane Quinn TRAVELER"}}, travelerSeeOfficer},
	{"opt_out", booth.State{Phase: booth.PhaseOptedOut, Traveler: 1}, travelerOptedOut},
}

// newTravelerWindow shows a traveler's screen alone in a test window.
func newTravelerWindow(t *testing.T, size fyne.Size) (fyne.Window, *travelerScreen) {
	t.Helper()
	a := test.NewApp()
	t.Cleanup(a.Quit)
	w := a.NewWindow("Veriport — traveler")
	ts := newTravelerScreen(traveler.Default(), encounter.SeedRuleSet, config.Quality{}, nil)
	w.SetContent(ts.build())
	w.Resize(size)
	return w, ts
}

// travelerTexts is every text drawn on the screen, and every image.
func travelerTexts(o fyne.CanvasObject) (texts []string, images []*canvas.Image) {
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *canvas.Text:
			texts = append(texts, v.Text)
		case *canvas.Image:
			images = append(images, v)
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return texts, images
}

// noTravelerData fails when the screen shows a name, a score, a subject,
// a seat or any image but a pictogram and the mirrored live view.
func noTravelerData(t *testing.T, ts *travelerScreen, what string) {
	t.Helper()
	texts, images := travelerTexts(ts.root)
	all := strings.Join(texts, "|")
	for _, bad := range []string{"Jane", "Quinn", "TRAVELER", "T-0007", "14C", "0.31", "0.71", "0.2", "MATCH"} {
		if strings.Contains(all, bad) {
			t.Errorf("%s: the traveler's screen shows %q: %s", what, bad, all)
		}
	}
	for _, img := range images {
		if img == ts.liveImg {
			continue
		}
		if img.Resource == nil || !strings.HasPrefix(img.Resource.Name(), "traveler-") {
			name := "<nil>"
			if img.Resource != nil {
				name = img.Resource.Name()
			}
			t.Errorf("%s: an image that is not a pictogram on the traveler's screen: %s (image %v)", what, name, img.Image != nil)
		}
	}
}

// TestTravelerGoldens keeps the markup of the traveler's screen for each
// outcome (MATCH, NO MATCH, opt-out, idle) in every language at 1280x800
// and 1920x1080; none shows a name, a score or a gallery image.
func TestTravelerGoldens(t *testing.T) {
	type golden struct {
		lang, state string
		size        fyne.Size
	}
	var gs []golden
	for _, l := range traveler.Default() {
		for _, st := range travelerStates {
			for _, size := range []fyne.Size{fyne.NewSize(1280, 800), fyne.NewSize(1920, 1080)} {
				gs = append(gs, golden{l.Code, st.name, size})
			}
		}
	}
	for _, g := range gs {
		name := fmt.Sprintf("traveler_%s_%s_%.0fx%.0f", g.state, g.lang, g.size.Width, g.size.Height)
		t.Run(name, func(t *testing.T) {
			w, ts := newTravelerWindow(t, g.size)
			ts.setLanguage(traveler.Default().ByCode(g.lang))
			for _, st := range travelerStates {
				if st.name == g.state {
					ts.setState(st.state)
					ts.setLanguage(traveler.Default().ByCode(g.lang)) // a new traveler starts in English
					if ts.view.mode != st.mode {
						t.Fatalf("mode %d, want %d", ts.view.mode, st.mode)
					}
				}
			}
			w.Resize(g.size.AddWidthHeight(1, 1))
			w.Resize(g.size)
			noTravelerData(t, ts, name)
			test.AssertRendersToMarkup(t, name+".xml", w.Canvas())
		})
	}
}

// TestTravelerNoticeAlwaysShown: the notice of the right to decline, in
// the screen's language, on the idle screen and on every other one.
func TestTravelerNoticeAlwaysShown(t *testing.T) {
	_, ts := newTravelerWindow(t, fyne.NewSize(1280, 800))
	for _, l := range traveler.Default() {
		n, ok := l.Notice(encounter.SeedRuleSet)
		if !ok {
			t.Fatalf("%s: no notice", l.Code)
		}
		for _, st := range travelerStates {
			ts.setState(st.state)
			ts.setLanguage(l)
			if !ts.notice.Visible() || ts.notice.text != n.Text || ts.noticeT.text != n.Title {
				t.Errorf("%s %s: notice %q shown=%v", l.Code, st.name, ts.notice.text, ts.notice.Visible())
			}
			texts, _ := travelerTexts(ts.notice)
			if got := strings.Join(texts, ""); !strings.Contains(got, "12") {
				t.Errorf("%s %s: the drawn notice does not say 12 hours: %q", l.Code, st.name, got)
			}
		}
		ts.setState(travelerStates[0].state)
		ts.setLanguage(l)
		if !ts.idleTitle.Visible() || ts.idleTitle.text != l.Text(traveler.KeyIdleTitle) {
			t.Errorf("%s: idle screen not shown", l.Code)
		}
	}
}

// TestTravelerArabicRightToLeft: Arabic lines are drawn from the right:
// the first word read is the rightmost, each line ends at the right edge,
// and the number 12 stands left of the word before it.
func TestTravelerArabicRightToLeft(t *testing.T) {
	w, ts := newTravelerWindow(t, fyne.NewSize(1280, 800))
	ts.setState(travelerStates[0].state)
	ts.setLanguage(traveler.Default().ByCode("ar"))
	w.Resize(fyne.NewSize(1280, 800))
	objs := test.WidgetRenderer(ts.notice).Objects()
	if len(objs) == 0 {
		t.Fatal("no text drawn")
	}
	first := objs[0].(*canvas.Text) // the first line's leftmost piece
	var firstWord, twelve, before *canvas.Text
	right := float32(0)
	for _, o := range objs {
		c := o.(*canvas.Text)
		if c.Position().Y != first.Position().Y {
			continue
		}
		right = max(right, c.Position().X+c.Size().Width)
		if strings.HasPrefix(c.Text, "يحق") {
			firstWord = c
		}
	}
	if firstWord == nil {
		t.Fatalf("the first line does not hold the first word: %q", first.Text)
	}
	if firstWord.Position().X+firstWord.Size().Width < right-0.5 {
		t.Errorf("the first word read is not the rightmost: at %v, line ends at %v", firstWord.Position().X, right)
	}
	if d := ts.notice.Size().Width - right; d > 0.5 || d < -0.5 {
		t.Errorf("the line does not end at the right edge: %v short", d)
	}
	for _, o := range objs {
		c := o.(*canvas.Text)
		switch {
		case c.Text == "12":
			twelve = c
		case c.Text == "خلال":
			before = c
		}
	}
	if twelve == nil || before == nil {
		t.Fatal("no 12 or no word before it drawn")
	}
	if twelve.Position().Y == before.Position().Y && twelve.Position().X >= before.Position().X {
		t.Errorf("12 drawn right of the word before it: %v >= %v", twelve.Position().X, before.Position().X)
	}
	// English is drawn from the left.
	ts.setLanguage(traveler.Default().English())
	w.Resize(fyne.NewSize(1281, 800))
	if o := test.WidgetRenderer(ts.notice).Objects()[0]; o.Position().X != 0 {
		t.Errorf("English notice starts at %v, not the left edge", o.Position().X)
	}
}

// TestTravelerViewOf: the screen for each phase; a result is never shown
// to the next traveler.
func TestTravelerViewOf(t *testing.T) {
	face := travelerLive{face: true, guidance: quality.SayCloser}
	steady := travelerLive{face: true, state: quality.CaptureSteady, run: 1, of: 3}
	conflict := travelerMatch
	conflict.Category = encounter.CategoryUSCitizen
	for _, c := range []struct {
		name string
		s    booth.State
		live travelerLive
		want travelerView
	}{
		{"logged out", booth.State{Phase: booth.PhaseLoggedOut}, face, travelerView{mode: travelerIdle}},
		{"no gallery", booth.State{Phase: booth.PhaseReady}, face, travelerView{mode: travelerIdle}},
		{"nobody", booth.State{Phase: booth.PhaseReady, Armed: true}, travelerLive{}, travelerView{mode: travelerIdle}},
		{"closer", booth.State{Phase: booth.PhaseReady, Armed: true}, face, travelerView{travelerGuide, traveler.KeyCloser, 0}},
		{"countdown", booth.State{Phase: booth.PhaseReady, Armed: true}, steady, travelerView{travelerCountdown, traveler.KeyCountdown, 2}},
		{"deciding", booth.State{Phase: booth.PhaseDeciding}, face, travelerView{travelerChecking, traveler.KeyChecking, 0}},
		{"match", booth.State{Phase: booth.PhaseDecided, Decision: &travelerMatch}, face, travelerView{travelerProceed, traveler.KeyProceed, 0}},
		{"match, document says citizen", booth.State{Phase: booth.PhaseDecided, Decision: &conflict,
			Policy: &encounter.Decision{Category: encounter.CategoryInScope}}, face, travelerView{travelerSeeOfficer, traveler.KeySeeOfficer, 0}},
		{"match, next traveler in view", booth.State{Phase: booth.PhaseDecided, Decision: &travelerMatch, NextInView: true}, face, travelerView{mode: travelerIdle}},
		{"no match", booth.State{Phase: booth.PhaseDecided, Decision: &noMatch}, face, travelerView{travelerSeeOfficer, traveler.KeySeeOfficer, 0}},
		{"opted out", booth.State{Phase: booth.PhaseOptedOut}, face, travelerView{travelerOptedOut, traveler.KeyOptOut, 0}},
		{"manual check", booth.State{Phase: booth.PhaseManual}, face, travelerView{travelerSeeOfficer, traveler.KeySeeOfficer, 0}},
		{"verified", booth.State{Phase: booth.PhaseConcluded, Concluded: &encounter.ManualResult{Verified: true}}, face, travelerView{travelerProceed, traveler.KeyProceed, 0}},
		{"referred", booth.State{Phase: booth.PhaseConcluded, Concluded: &encounter.ManualResult{}}, face, travelerView{travelerSeeOfficer, traveler.KeySeeOfficer, 0}},
	} {
		if got := travelerViewOf(c.s, c.live); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

// TestTravelerClearsOnNextAndLogout drives the booth: the MATCH shows
// "please proceed" in the language chosen, Next clears it (idle, English
// again), and a logout clears the next one.
func TestTravelerClearsOnNextAndLogout(t *testing.T) {
	f := newWF(t, travelerMatch)
	f.login(testPIN, f.code(), true)
	ts := f.ws.trav
	ts.setLanguage(traveler.Default().ByCode("ar"))
	f.key(keyCapture)
	f.decided("MATCH")
	if ts.screen.view.mode != travelerProceed || !ts.screen.outText.Visible() || ts.screen.outText.text != "شكرًا لك، تفضّل بالمرور" {
		t.Fatalf("after MATCH: mode %d, %q", ts.screen.view.mode, ts.screen.outText.text)
	}
	noTravelerData(t, ts.screen, "MATCH")
	f.key(keyNext)
	if ts.screen.view.mode != travelerIdle || ts.screen.outText.Visible() || ts.screen.lang.Code != "en" {
		t.Fatalf("after Next: mode %d, outcome shown %v, language %s", ts.screen.view.mode, ts.screen.outText.Visible(), ts.screen.lang.Code)
	}
	f.key(keyCapture)
	f.decided("MATCH")
	if ts.screen.view.mode != travelerProceed {
		t.Fatalf("second MATCH not shown: %d", ts.screen.view.mode)
	}
	f.ws.logout("test", "")
	if ts.screen.view.mode != travelerIdle || ts.screen.outText.Visible() || !ts.screen.notice.Visible() {
		t.Fatalf("after logout: mode %d", ts.screen.view.mode)
	}
	// Idle before and after: the logout still brings the booth's language
	// back, on screen and not only in the state.
	f.clock.add(31 * time.Second) // a fresh code: a code is good once
	f.login(testPIN, f.code(), true)
	ts.setLanguage(traveler.Default().ByCode("zh"))
	if ts.screen.idleTitle.text != "照片身份核验" {
		t.Fatalf("idle in Chinese: %q", ts.screen.idleTitle.text)
	}
	f.ws.logout("test", "")
	if en := traveler.Default().English(); ts.screen.idleTitle.text != en.Text(traveler.KeyIdleTitle) || ts.screen.lang.Code != "en" {
		t.Fatalf("after an idle logout the screen still reads %q", ts.screen.idleTitle.text)
	}
}

// TestTravelerLanguageFromNationalityAndKeys: a nationality typed (or
// read from the MRZ) in the opt-out form sets the language; the
// traveler's key steps to the next one; the officer's picker chooses one.
func TestTravelerLanguageFromNationalityAndKeys(t *testing.T) {
	f := newWF(t, noMatch)
	f.login(testPIN, f.code(), true)
	ts := f.ws.trav
	f.key(keyOptOut)
	f.typeInto(f.ws.optOut.form.nationality, "SAU")
	if ts.screen.lang.Code != "ar" {
		t.Fatalf("nationality SAU: language %s", ts.screen.lang.Code)
	}
	ts.onTravelerKey(&fyne.KeyEvent{Name: travelerLangKey})
	if ts.screen.lang.Code == "ar" {
		t.Fatal("the traveler's key did not change the language")
	}
	f.key(keyTravelerLang)
	if ts.picker == nil {
		t.Fatal("no picker")
	}
	list := f.win.Canvas().Focused().(*pickerList)
	list.Select(5)
	if ts.screen.lang.Code != ts.screen.langs[5].Code || ts.picker == nil {
		t.Fatalf("picker: %s, open %v", ts.screen.lang.Code, ts.picker != nil)
	}
	list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if ts.picker != nil || f.win.Canvas().Focused() != nil {
		t.Fatal("Enter did not close the picker")
	}
}

// TestTravelerOneScreenAndTwoWindows: with one screen the officer shows
// the traveler's screen in place of the booth and back (Alt+W, Esc); with
// a traveler display it has its own window, which the test driver drives
// too.
func TestTravelerOneScreenAndTwoWindows(t *testing.T) {
	f := newWF(t, travelerMatch)
	f.login(testPIN, f.code(), true)
	booth := f.win.Content()
	f.key(keyTravelerScreen)
	if f.win.Content() != f.ws.trav.root {
		t.Fatal("Alt+W did not show the traveler's screen")
	}
	f.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.win.Content() != booth {
		t.Fatal("Esc did not bring the booth back")
	}

	a := test.NewApp()
	t.Cleanup(a.Quit)
	two := newWF(t, travelerMatch)
	_ = two
	w := a.NewWindow("Veriport")
	ws := newWorkstation(w, Workflow{Auth: two.ws.wf.Auth, Policy: two.ws.wf.Policy, Recorder: two.rec, Station: "B7",
		Now: two.clock.now, TravelerDisplay: 2, Grab: two.ws.wf.Grab}, nil)
	ws.async = func(fn func()) { fn() }
	w.SetContent(ws.build())
	if ws.trav.win == nil || ws.trav.win.Content() != ws.trav.root {
		t.Fatal("no traveler window")
	}
	ws.trav.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyL})
	if ws.trav.screen.lang.Code == "en" {
		t.Error("the traveler's key on the traveler's window did nothing")
	}
}
