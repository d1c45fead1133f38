package ui

import (
	"context"
	"errors"
	"image"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"veriport/booth"
	"veriport/encounter"
	"veriport/gallery"
	"veriport/officer"
	"veriport/quality"
	"veriport/record"
)

var (
	matchT7   = booth.Decision{Outcome: encounter.OutcomeMatch, Subject: "T-0007", Category: encounter.CategoryInScope, Distance: 0.31, Margin: 0.2}
	noMatch   = booth.Decision{Outcome: encounter.OutcomeNoMatch, Distance: 0.71}
	ambiguous = booth.Decision{Outcome: encounter.OutcomeAmbiguous, Distance: 0.45, Margin: 0.01}
)

func TestLoginRightCredentialsOpensTheBooth(t *testing.T) {
	f := newWF(t, matchT7)
	if f.win.Canvas().Focused() != f.ws.login.id {
		t.Error("focus is not on the officer id field")
	}
	if f.ws.login.hint.Visible() {
		t.Error("DEMO code hint shown outside the demo profile")
	}
	f.login(testPIN, f.code(), true)
	if got := f.ws.booth.officer.Text; got != "Officer: "+testOfficer {
		t.Errorf("officer label %q", got)
	}
	if got := f.ws.booth.count.Text; got != "Travelers this shift: 0" {
		t.Errorf("count %q", got)
	}
	if got := f.ws.booth.flight.Text; !strings.Contains(got, "VP123") || !strings.Contains(got, "3 travelers") {
		t.Errorf("flight label %q", got)
	}
	if a := f.rec.Audits(); len(a) != 1 || a[0].Kind != booth.AuditLogin || a[0].Actor != testOfficer {
		t.Errorf("audit %+v", a)
	}
	for _, b := range []*widget.Button{f.ws.booth.capture, f.ws.booth.optOut, f.ws.booth.manual, f.ws.booth.next} {
		if !strings.Contains(b.Text, "[Alt+") {
			t.Errorf("button %q does not show its shortcut", b.Text)
		}
	}
}

func TestLoginWrongPINIsRefused(t *testing.T) {
	f := newWF(t, matchT7)
	f.login("000000", f.code(), false)
	if got := f.ws.login.errMsg.Text; !strings.Contains(got, "not accepted") || strings.Contains(got, "PIN is wrong") {
		t.Errorf("error %q", got)
	}
	if f.ws.showing() != screenLogin || f.ws.login.pin.Text != "" {
		t.Error("still logged out, PIN field cleared")
	}
}

func TestLoginWrongTOTPIsRefused(t *testing.T) {
	f := newWF(t, matchT7)
	good := f.code()
	bad := []byte(good)
	bad[5] = '0' + (bad[5]-'0'+5)%10
	f.login(testPIN, string(bad), false)
	if got := f.ws.login.errMsg.Text; !strings.Contains(got, "not accepted") {
		t.Errorf("error %q", got)
	}
	f.typeInto(f.ws.login.id, "")
	f.ws.login.reset("")
	f.enter()
	if got := f.ws.login.errMsg.Text; !strings.Contains(got, "Enter your officer id") {
		t.Errorf("empty form: %q", got)
	}
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	f := newWF(t, matchT7)
	for i := 0; i < 4; i++ {
		f.ws.login.reset("")
		f.login("111111", f.code(), false)
		if strings.Contains(f.ws.login.errMsg.Text, "locked") {
			t.Fatalf("locked after %d failures", i+1)
		}
	}
	f.ws.login.reset("")
	f.login("111111", f.code(), false)
	if got := f.ws.login.errMsg.Text; !strings.Contains(got, "locked") || !strings.Contains(got, "Try again after") {
		t.Fatalf("fifth failure: %q", got)
	}
	if a := f.rec.Audits(); len(a) != 5 || a[4].Kind != booth.AuditLogin || a[4].Actor != testOfficer ||
		!strings.Contains(a[4].Detail, "locked") || !strings.Contains(a[3].Detail, "refused") {
		t.Errorf("refused logins on the audit chain: %+v", a)
	}
	f.clock.add(31 * time.Second) // a fresh code: the right credentials are still refused while locked
	f.ws.login.reset("")
	f.login(testPIN, f.code(), false)
	if !strings.Contains(f.ws.login.errMsg.Text, "locked") {
		t.Errorf("right credentials while locked: %q", f.ws.login.errMsg.Text)
	}
	f.clock.add(16 * time.Minute)
	f.ws.login.reset("")
	f.login(testPIN, f.code(), true)
}

func TestLoginIdleLogoutReturnsToLogin(t *testing.T) {
	f := newWF(t, matchT7)
	f.login(testPIN, f.code(), true)
	f.clock.add(14 * time.Minute)
	f.ws.checkIdle(f.clock.now())
	if f.ws.showing() != screenBooth {
		t.Fatal("logged out before the idle period")
	}
	f.key(keyNext) // input restarts the period
	f.clock.add(14 * time.Minute)
	f.ws.checkIdle(f.clock.now())
	if f.ws.showing() != screenBooth {
		t.Fatal("input did not restart the idle period")
	}
	f.clock.add(61 * time.Second)
	f.ws.checkIdle(f.clock.now())
	if f.ws.showing() != screenLogin || !strings.Contains(f.ws.login.notice.Text, "without input") {
		t.Fatalf("screen %d notice %q", f.ws.showing(), f.ws.login.notice.Text)
	}
	if a := f.rec.Audits(); a[len(a)-1].Kind != booth.AuditLogout || !strings.Contains(a[len(a)-1].Detail, "idle") {
		t.Errorf("audit %+v", a)
	}
	if f.win.Canvas().Focused() != f.ws.login.id {
		t.Error("focus not on the officer id after logout")
	}
}

func TestLoginDemoHintOnlyInDemoMode(t *testing.T) {
	f := newWF(t, matchT7)
	f.ws.login.demoHint = func() string { return "DEMO: code 123456" }
	f.ws.login.reset("")
	if !f.ws.login.hint.Visible() || f.ws.login.hint.Text != "DEMO: code 123456" {
		t.Errorf("hint %q visible %v", f.ws.login.hint.Text, f.ws.login.hint.Visible())
	}
}

func TestMatchShowsGreenBannerAndRecords(t *testing.T) {
	f := newWF(t, matchT7)
	f.login(testPIN, f.code(), true)
	f.key(keyCapture)
	f.decided("MATCH")
	b := f.ws.booth
	if b.bannerTitle.Importance != widget.SuccessImportance || !strings.Contains(b.bannerText.Text, "T-0007") ||
		!strings.Contains(b.bannerText.Text, "in-scope traveler") {
		t.Errorf("banner %q %q importance %v", b.bannerTitle.Text, b.bannerText.Text, b.bannerTitle.Importance)
	}
	f.key(keyNext)
	rs := f.rec.Records()
	if len(rs) != 1 {
		t.Fatalf("records: %d", len(rs))
	}
	r := rs[0]
	if r.Outcome != "match" || r.Result != encounter.ResultCleared || r.TravelerID != "T-0007" ||
		r.Category != encounter.CategoryInScope || r.OfficerID != testOfficer || r.Flight != "VP123" ||
		r.Station != "B7" || f.rec.PhotoSize(r.ID) == 0 || r.StartedAt.IsZero() || r.DecidedAt.IsZero() {
		t.Errorf("record %+v", r)
	}
	if b.count.Text != "Travelers this shift: 1" || b.bannerTitle.Text != "Ready" {
		t.Errorf("after next: %q %q", b.count.Text, b.bannerTitle.Text)
	}
}

func TestManualCheckAfterNoMatchVerified(t *testing.T) {
	f := newWF(t, noMatch)
	f.login(testPIN, f.code(), true)
	f.key(keyCapture)
	f.decided("NO MATCH")
	b := f.ws.booth
	if b.bannerTitle.Importance != widget.DangerImportance || b.manual.Importance != widget.WarningImportance ||
		!strings.Contains(b.bannerText.Text, "[Alt+M]") {
		t.Errorf("no-match banner %q %v", b.bannerText.Text, b.bannerTitle.Importance)
	}
	f.key(keyNext)
	// On the record since the decision was shown, not yet finished.
	if rs := f.rec.Records(); !strings.Contains(b.message.Text, "manual check") || len(rs) != 1 || rs[0].Result != "" {
		t.Fatalf("next without the manual check: %q", b.message.Text)
	}
	f.key(keyManualCheck)
	if f.ws.showing() != screenManual || !strings.HasPrefix(f.ws.manual.why.Text, "NO MATCH") {
		t.Fatalf("screen %d why %q", f.ws.showing(), f.ws.manual.why.Text)
	}
	m := f.ws.manual
	f.typeInto(m.form.mrz1, mrzFRA1)
	f.typeInto(m.form.mrz2, mrzFRA2)
	f.enter()
	if m.form.mrzErrors.Visible() || !strings.Contains(m.form.parsed.Text, "MARTIN") ||
		m.form.nationality.Text != "FRA" || m.form.birth.Text != "1985-03-10" {
		t.Fatalf("parsed %q errors %q", m.form.parsed.Text, m.form.mrzErrors.Text)
	}
	f.key(keyVerified)
	if rs := f.rec.Records(); !strings.Contains(m.errMsg.Text, "attestation") || len(rs) != 1 || rs[0].Result != "" {
		t.Fatal("verified without the attestation")
	}
	m.attest.SetChecked(true)
	f.key(keyVerified)
	if f.ws.showing() != screenBooth {
		t.Fatalf("still on screen %d: %q", f.ws.showing(), m.errMsg.Text)
	}
	r := f.rec.Records()[0]
	if r.Outcome != "no-match" || r.Result != encounter.ResultVerified || r.Category != encounter.CategoryInScope ||
		r.ManualAt.IsZero() || r.VerifiedAt.IsZero() || r.TravelerID != "" || r.RulesetUsed != "seed" {
		t.Errorf("record %+v", r)
	}
	if b.bannerTitle.Text != "VERIFIED" || !strings.Contains(b.message.Text, "Recorded") || b.count.Text != "Travelers this shift: 1" {
		t.Errorf("booth after: %q %q %q", b.bannerTitle.Text, b.message.Text, b.count.Text)
	}
}

func TestManualCheckAfterAmbiguousReferred(t *testing.T) {
	f := newWF(t, ambiguous)
	f.login(testPIN, f.code(), true)
	f.key(keyCapture)
	f.decided("AMBIGUOUS")
	if f.ws.booth.bannerTitle.Importance != widget.DangerImportance {
		t.Error("ambiguous banner not red")
	}
	f.key(keyManualCheck)
	m := f.ws.manual
	f.key(keyRefer)
	if !strings.Contains(m.errMsg.Text, "reason") {
		t.Fatalf("refer without a reason: %q", m.errMsg.Text)
	}
	m.referral.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight}) // first code
	if m.referral.SelectedIndex() != 0 {
		t.Fatalf("referral %d", m.referral.SelectedIndex())
	}
	f.key(keyRefer)
	rs := f.rec.Records()
	if len(rs) != 1 {
		t.Fatalf("records %d (%q)", len(rs), m.errMsg.Text)
	}
	if r := rs[0]; r.Outcome != "ambiguous" || r.Result != encounter.ResultReferred ||
		r.Referral != encounter.ReferDocumentMismatch || r.Category != "" {
		t.Errorf("record %+v", r)
	}
}

func TestOptOutUSCitizenGoesToManualCheckWithoutPhoto(t *testing.T) {
	f := newWF(t, matchT7)
	f.login(testPIN, f.code(), true)
	f.key(keyOptOut)
	if f.ws.showing() != screenOptOut {
		t.Fatal("opt-out screen not shown")
	}
	o := f.ws.optOut
	f.key(keyDecide)
	if !strings.Contains(o.errMsg.Text, "nationality") {
		t.Errorf("no nationality: %q", o.errMsg.Text)
	}
	f.typeInto(o.form.mrz1, mrzUSA1)
	f.typeInto(o.form.mrz2, mrzUSA2)
	f.enter()
	f.key(keyDecide)
	if f.ws.showing() != screenManual {
		t.Fatalf("screen %d, error %q", f.ws.showing(), o.errMsg.Text)
	}
	m := f.ws.manual
	if !strings.Contains(m.why.Text, "Opt-out accepted") || !strings.Contains(m.policy.Text, "U.S. citizen") ||
		m.form.nationality.Text != "USA" || !strings.Contains(m.form.parsed.Text, "SMITH") {
		t.Errorf("manual check after opt-out: why %q policy %q", m.why.Text, m.policy.Text)
	}
	m.attest.SetChecked(true)
	f.key(keyVerified)
	r := f.rec.Records()[0]
	if r.Outcome != booth.OutcomeOptOut || r.Category != encounter.CategoryUSCitizen || r.Result != encounter.ResultVerified ||
		f.rec.PhotoSize(r.ID) != 0 || !r.CapturedAt.IsZero() || f.grabs != 0 {
		t.Errorf("opt-out record %+v, grabs %d", r, f.grabs)
	}
}

func TestOptOutInScopeAlienIsToldThePhotoIsRequired(t *testing.T) {
	f := newWF(t, matchT7)
	f.login(testPIN, f.code(), true)
	f.key(keyOptOut)
	o := f.ws.optOut
	f.typeInto(o.form.nationality, "FRA")
	f.typeInto(o.form.birth, "1985-03-10")
	f.typeInto(o.form.visa, "B-2")
	f.key(keyDecide)
	b := f.ws.booth
	if f.ws.showing() != screenBooth || b.bannerTitle.Text != "PHOTO MAY BE REQUIRED" ||
		b.bannerTitle.Importance != widget.HighImportance || !strings.Contains(b.bannerText.Text, "photo may be required") {
		t.Fatalf("screen %d banner %q %q", f.ws.showing(), b.bannerTitle.Text, b.bannerText.Text)
	}
	if a := f.rec.Audits(); a[len(a)-1].Kind != booth.AuditOptOut {
		t.Errorf("refused opt-out not audited: %+v", a)
	}
	// the officer can still route to the manual check
	f.key(keyManualCheck)
	if f.ws.showing() != screenManual || !strings.Contains(f.ws.manual.why.Text, "declined the required photo") {
		t.Fatalf("manual route: screen %d %q", f.ws.showing(), f.ws.manual.why.Text)
	}
	m := f.ws.manual
	m.referral.SetSelectedIndex(4) // required photo refused
	f.key(keyRefer)
	r := f.rec.Records()[0]
	if r.Outcome != booth.OutcomeOptOut || r.Referral != encounter.ReferPhotoRefused || r.Category != encounter.CategoryInScope {
		t.Errorf("record %+v", r)
	}
}

func TestMRZWrongCheckDigitFlaggedAtItsPosition(t *testing.T) {
	f := newWF(t, noMatch)
	f.login(testPIN, f.code(), true)
	f.key(keyManualCheck)
	m := f.ws.manual
	bad := []byte(mrzFRA2)
	bad[9] = '0' + (bad[9]-'0'+1)%10 // document number check digit, column 10
	f.typeInto(m.form.mrz1, mrzFRA1)
	f.typeInto(m.form.mrz2, string(bad))
	f.enter()
	if !m.form.mark2.Visible() || m.form.mark1.Visible() {
		t.Fatalf("marks: line1 %v line2 %v", m.form.mark1.Visible(), m.form.mark2.Visible())
	}
	if got := m.form.mark2.Text; got != strings.Repeat(" ", 9)+"^" && got != strings.Repeat(" ", 9)+"^"+strings.Repeat(" ", 33)+"^" {
		t.Errorf("caret line %q", got)
	}
	if got := m.form.mrzErrors.Text; !strings.Contains(got, "line 2 column 10 (document number)") {
		t.Errorf("errors %q", got)
	}
	test.AssertRendersToMarkup(t, "manualcheck_mrz_flagged.xml", f.win.Canvas())
	// a corrected zone clears the marks
	m.form.mrz2.SetText(mrzFRA2)
	f.win.Canvas().Focus(m.form.mrz2)
	f.enter()
	if m.form.mark2.Visible() || m.form.mrzErrors.Visible() {
		t.Errorf("marks stay after correction: %q", m.form.mrzErrors.Text)
	}
}

func TestMRZScannedAsOneRunIsSplit(t *testing.T) {
	f := newWF(t, noMatch)
	f.login(testPIN, f.code(), true)
	f.key(keyManualCheck)
	m := f.ws.manual
	f.typeInto(m.form.mrz1, mrzFRA1+mrzFRA2)
	if m.form.mrz1.Text != mrzFRA1 || m.form.mrz2.Text != mrzFRA2 {
		t.Errorf("split: %q / %q", m.form.mrz1.Text, m.form.mrz2.Text)
	}
}

func TestKeyboardOnlyFullEncounter(t *testing.T) {
	f := newWF(t, noMatch)
	c := f.win.Canvas()
	// login: the cursor starts in the officer id; Tab between fields, Enter submits
	f.typeKeys(testOfficer)
	test.FocusNext(c)
	f.typeKeys(testPIN)
	test.FocusNext(c)
	f.typeKeys(f.code())
	f.enter()
	f.wait("the booth", func() bool { return f.ws.showing() == screenBooth })
	f.key(keyCapture)
	f.decided("NO MATCH")
	f.key(keyManualCheck)
	if c.Focused() != f.ws.manual.form.mrz1 {
		t.Fatal("focus not in the MRZ after opening the manual check")
	}
	f.typeKeys(mrzFRA1)
	f.enter() // to line 2
	f.typeKeys(mrzFRA2)
	f.enter() // read the zone
	f.key(keyDecide)
	if !strings.Contains(f.ws.manual.policy.Text, "In-scope") {
		t.Errorf("policy %q", f.ws.manual.policy.Text)
	}
	for i := 0; i < 40 && c.Focused() != fyne.Focusable(f.ws.manual.attest); i++ {
		test.FocusNext(c)
	}
	if c.Focused() != fyne.Focusable(f.ws.manual.attest) {
		t.Fatal("attestation not reachable with Tab")
	}
	f.typeKeys(" ")
	f.key(keyVerified)
	if f.ws.showing() != screenBooth || len(f.rec.Records()) != 1 || f.rec.Records()[0].Result != encounter.ResultVerified {
		t.Fatalf("screen %d records %+v (%q)", f.ws.showing(), f.rec.Records(), f.ws.manual.errMsg.Text)
	}
	// next traveler: a match cleared with Alt+N; log out with Alt+L
	f.ws.setGallery("VP123", "", nil)
	f.key(keyCapture)
	f.wait("the no-gallery message", func() bool { return strings.Contains(f.ws.booth.message.Text, "No flight gallery loaded") })
	f.key(keyLogout)
	if f.ws.showing() != screenLogin {
		t.Error("Alt+L did not log out")
	}
}

func TestKeyboardHighContrastToggle(t *testing.T) {
	f := newWF(t, matchT7)
	base := theme.DefaultTheme().Size(theme.SizeNameText)
	f.key(keyHighContrast)
	th := fyne.CurrentApp().Settings().Theme()
	if th.Size(theme.SizeNameText) <= base*1.5 || th.Color(theme.ColorNameBackground, theme.VariantLight) != hcBlack {
		t.Errorf("high contrast: text %v", th.Size(theme.SizeNameText))
	}
	if !fyne.CurrentApp().Preferences().Bool(PrefHighContrast) {
		t.Error("choice not kept")
	}
	f.key(keyHighContrast)
	th = fyne.CurrentApp().Settings().Theme()
	if th.Size(theme.SizeNameText) != base {
		t.Errorf("back to normal: %v", th.Size(theme.SizeNameText))
	}
	if th.Color(theme.ColorNameFocus, theme.VariantLight) != focusRing {
		t.Error("focus colour not strengthened")
	}
}

func TestKeyboardPickTheFlightThenMatch(t *testing.T) {
	f := newWF(t, noMatch)
	now := f.clock.now()
	fl := gallery.Flight{Carrier: "ZZ", Number: "420", Date: now.Format(time.DateOnly), Origin: "IAD",
		Destination: "LHR", Departure: now.Add(6 * time.Hour)}
	rec := &gallery.Record{Key: fl.Key(), Flight: fl, Good: true, Entries: 420, IssuedAt: now.Add(-time.Hour),
		ExpiresAt: now.Add(20 * time.Hour), StoredAt: now.Add(-time.Hour)}
	svc := &fakeFlights{rows: []gallery.Status{{Flight: fl, Record: rec}}}
	var loaded []string
	f.ws.wf.Flights = svc
	f.ws.wf.UseGallery = func(_ context.Context, s gallery.Status) (booth.Decider, error) {
		loaded = append(loaded, s.Flight.Key())
		return booth.DeciderFunc(func(context.Context, image.Image) (booth.Decision, error) { return matchT7, nil }), nil
	}
	f.win.SetContent(f.ws.build()) // rebuild with the picker
	f.ws.begin()
	f.ws.setGallery("", "", nil)
	f.login(testPIN, f.code(), true)
	if !strings.Contains(f.ws.booth.flight.Text, "No flight loaded") || !f.ws.booth.flightB.Visible() {
		t.Fatalf("flight label %q", f.ws.booth.flight.Text)
	}
	f.key(keyFlight)
	if f.ws.showing() != screenFlights {
		t.Fatal("Alt+F did not open the flight picker")
	}
	c := f.win.Canvas()
	if c.Focused() != fyne.Focusable(f.ws.flights.date) {
		t.Fatal("the date is not focused on the flight picker")
	}
	// The picker looks up the next date with flights as it opens; let that
	// lookup land first, then Enter looks the date up again and the list
	// must have that answer (the refresh button comes back with it) before
	// a flight is picked, or a late answer would clear the selection.
	waitFor(t, "the first lookup", func() bool { return f.ws.flights.list.Length() == 1 })
	f.enter() // list the flights of the date shown (today)
	waitFor(t, "the flight list", func() bool {
		return f.ws.flights.list.Length() == 1 && !f.ws.flights.refresh.Disabled()
	})
	if c.Focused() != fyne.Focusable(f.ws.flights.list) {
		t.Fatal("Enter in the date did not move to the list")
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace}) // select the first flight
	if c.Focused() != fyne.Focusable(f.ws.flights.use) {
		t.Fatal("selecting a flight did not move to Use this gallery")
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if f.ws.showing() != screenBooth || len(loaded) != 1 || !strings.Contains(f.ws.booth.flight.Text, "ZZ420") {
		t.Fatalf("screen %d loaded %v label %q", f.ws.showing(), loaded, f.ws.booth.flight.Text)
	}
	f.key(keyCapture)
	f.decided("MATCH")
	f.key(keyNext)
	if r := f.rec.Records()[0]; r.Flight != "ZZ420" || r.Outcome != "match" {
		t.Errorf("record %+v", r)
	}
	// Esc from the focused flight list goes back to the booth.
	f.key(keyFlight)
	c.Focus(f.ws.flights.list)
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.ws.showing() != screenBooth {
		t.Errorf("Esc on the flight list left screen %d, want the booth", f.ws.showing())
	}
}

func TestMatchByAutoCaptureOnlyWhenTheBoothWaits(t *testing.T) {
	f := newWF(t, matchT7)
	ctx := context.Background()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	good := quality.QualityReport{Faces: 1, Score: 0.9, Box: image.Rect(1, 1, 6, 6)}
	if _, err := f.ws.station.Capture(ctx, f.clock.now(), img, quality.QualityReport{}); !errors.Is(err, booth.ErrNoShift) {
		t.Fatalf("capture while logged out: %v", err) // the gate refuses it
	}
	for range 10 { // frames offered to the auto-capture: dropped
		f.ws.station.Observe(ctx, f.clock.now(), img, good)
	}
	if f.ws.showing() != screenLogin || len(f.rec.Records()) != 0 {
		t.Fatal("a photo delivered while logged out changed the booth")
	}
	f.login(testPIN, f.code(), true)
	if _, err := f.ws.station.Capture(ctx, f.clock.now(), img, quality.QualityReport{}); err != nil {
		t.Fatal(err)
	}
	f.decided("MATCH")
	if _, err := f.ws.station.Capture(ctx, f.clock.now(), img, quality.QualityReport{}); !errors.Is(err, booth.ErrPhase) {
		t.Errorf("capture over a decision: %v", err)
	}
	for range 10 { // decided: dropped, the banner stays
		f.ws.station.Observe(ctx, f.clock.now(), img, good)
	}
	if f.ws.booth.bannerTitle.Text != "MATCH" || f.ws.booth.message.Visible() {
		t.Errorf("second auto-capture changed the booth: %q %q", f.ws.booth.bannerTitle.Text, f.ws.booth.message.Text)
	}
	f.key(keyNext)
	if n := len(f.rec.Records()); n != 1 {
		t.Errorf("records %d", n)
	}
}

func TestMatchBoothScreenMarkup(t *testing.T) {
	f := newWF(t, matchT7)
	f.login(testPIN, f.code(), true)
	f.key(keyCapture)
	f.decided("MATCH")
	test.AssertRendersToMarkup(t, "booth_match.xml", f.win.Canvas())
}

func TestLoginSupervisorOpensTheShiftReportOfficerDoesNot(t *testing.T) {
	f := newWF(t, matchT7)
	st, err := record.Open(context.Background(), filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f.ws.wf.Reports = &ReportDeps{DB: st.DB}
	f.win.SetContent(f.ws.build())
	f.ws.begin()
	f.login(testPIN, f.code(), true) // an officer
	if f.ws.booth.reportsB.Visible() {
		t.Error("officer sees the shift report button")
	}
	f.key(keyReports)
	if f.ws.showing() != screenBooth {
		t.Fatal("officer opened the shift report")
	}
	f.key(keyLogout)
	if _, err := f.ws.wf.Auth.Enroll(context.Background(), "s.chen", "Supervisor Chen", officer.RoleSupervisor, testPIN); err != nil {
		t.Fatal(err)
	}
	acct, _ := f.store.Account(context.Background(), "s.chen")
	code, _ := officer.TOTPCode(acct.TOTPSecret, f.clock.now())
	f.ws.login.reset("")
	f.typeInto(f.ws.login.id, "s.chen")
	f.typeInto(f.ws.login.pin, testPIN)
	f.typeInto(f.ws.login.code, code)
	f.enter()
	if !f.ws.booth.reportsB.Visible() {
		t.Fatal("supervisor does not see the shift report button")
	}
	f.key(keyReports)
	if f.ws.reportWin == nil || f.ws.station.State().Phase != booth.PhaseAway {
		t.Fatalf("no report window: phase %s", f.ws.station.State().Phase)
	}
	f.key(keyBack)
	if f.ws.showing() != screenBooth || f.ws.reportWin != nil || f.ws.station.State().Phase != booth.PhaseReady {
		t.Errorf("Alt+B did not leave the report: phase %s", f.ws.station.State().Phase)
	}
}
