package ui

import (
	"context"
	"image"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"veriport/booth"
	"veriport/config"
	"veriport/encounter"
	"veriport/quality"
)

// TestMatchThroughTheLiveCapture runs the workflow inside the main window:
// Enter on the booth goes through the live capture (never on the login screen), whose delivered photo is
// decided and recorded; the capture panel's manual check opens the workflow's.
func TestMatchThroughTheLiveCapture(t *testing.T) {
	f := &wfFixture{t: t, app: test.NewApp(), rec: &booth.MemoryRecorder{},
		clock: &testClock{t: time.Now()}}
	auth := f.enrolOfficer()
	policy, _ := encounter.NewPolicy(encounter.DefaultRules(), encounter.SeedRuleSet)
	f.win = f.app.NewWindow("Veriport")
	src := scriptedSource(func(int) uint8 { return kindFar }) // never good enough for auto-capture
	f.ws = newBooth(f.win, Deps{Source: src, Database: "db", Assessor: &fakeAssessor{},
		Quality: config.DefaultQuality(), Workflow: &Workflow{Auth: auth, Policy: policy, Recorder: f.rec,
			Station: "B7", Now: f.clock.now}})
	mw := f.ws.mw
	f.win.SetContent(f.ws.build())
	f.win.Resize(fyne.NewSize(1280, 800))
	ctx, cancel := context.WithCancel(context.Background())
	mw.start(ctx)
	defer func() { cancel(); mw.wait(); f.app.Quit() }()
	var done bool
	uiDoAndWait(func() {
		f.ws.begin()
		f.ws.setGallery("VP123", "", booth.DeciderFunc(func(context.Context, image.Image) (booth.Decision, error) {
			return matchT7, nil
		}))
	})
	waitFor(t, "a live frame", func() bool { return mw.bufs[mw.front] != nil })
	enter := func() { f.win.Canvas().(test.WindowlessCanvas).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn}) }
	uiDoAndWait(func() { f.win.Canvas().Unfocus(); enter() })
	time.Sleep(100 * time.Millisecond)
	if n := mw.captures.Load(); n != 0 {
		t.Fatalf("Enter on the login screen took %d photos", n)
	}
	uiDoAndWait(func() {
		f.typeInto(f.ws.login.id, testOfficer)
		f.typeInto(f.ws.login.pin, testPIN)
		f.typeInto(f.ws.login.code, f.code())
		f.enter()
	})
	waitFor(t, "the booth", func() bool { return f.ws.showing() == screenBooth })
	uiDoAndWait(enter) // Enter on the booth captures through the live capture
	waitFor(t, "MATCH", func() bool { return f.ws.booth.bannerTitle.Text == "MATCH" })
	uiDoAndWait(func() {
		f.key(keyNext)
		done = len(f.rec.Records()) == 1 && f.rec.Records()[0].TravelerID == "T-0007" &&
			strings.Contains(f.rec.Records()[0].Quality, `"captured":true`) &&
			strings.Contains(f.rec.Records()[0].Quality, `"failed":["`+quality.MeasureInterEye+`"]`)
	})
	if !done {
		t.Fatalf("records %+v", f.rec.Records())
	}
	uiDoAndWait(func() { f.key(keyCapture) }) // the next traveler by Alt+C
	waitFor(t, "MATCH again", func() bool { return f.ws.booth.bannerTitle.Text == "MATCH" })
	uiDoAndWait(func() { f.key(keyNext) })
	waitFor(t, "two records", func() bool { return len(f.rec.Records()) == 2 })
	uiDoAndWait(func() { test.Tap(mw.panel.manual) })
	waitFor(t, "the manual check", func() bool { return f.ws.showing() == screenManual })
}
