package ui

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"veriport/booth"
	"veriport/encounter"
)

// firstScroll is the first scroll container in o's tree, or nil.
func firstScroll(o fyne.CanvasObject) *container.Scroll {
	switch v := o.(type) {
	case *container.Scroll:
		return v
	case *fyne.Container:
		for _, c := range v.Objects {
			if s := firstScroll(c); s != nil {
				return s
			}
		}
	}
	return nil
}

// children are o's children: a container's objects, a scroll's content,
// a widget's rendered objects.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch v := o.(type) {
	case *container.Scroll:
		return []fyne.CanvasObject{v.Content}
	case *fyne.Container:
		return v.Objects
	case fyne.Widget:
		return test.WidgetRenderer(v).Objects()
	}
	return nil
}

// pathTo is the chain of objects from tree down to o, nil when o is not in it.
func pathTo(tree, o fyne.CanvasObject) []fyne.CanvasObject {
	if tree == o {
		return []fyne.CanvasObject{o}
	}
	for _, c := range children(tree) {
		if p := pathTo(c, o); p != nil {
			return append([]fyne.CanvasObject{tree}, p...)
		}
	}
	return nil
}

// onScreen reports whether o is drawn wholly in sight: shown, inside the
// window's canvas and inside the visible part of every scroll above it.
func onScreen(f *liveWF, o fyne.CanvasObject) (fyne.Position, bool) {
	d := fyne.CurrentApp().Driver()
	pos := d.AbsolutePositionForObject(o)
	size := f.win.Canvas().Size()
	if pos.Y < 0 || pos.X < 0 || pos.Y+o.Size().Height > size.Height+0.5 || pos.X+o.Size().Width > size.Width+0.5 {
		return pos, false
	}
	path := pathTo(f.win.Canvas().Content(), o)
	if path == nil {
		return pos, false
	}
	for _, p := range path {
		if !p.Visible() {
			return pos, false
		}
		if s, ok := p.(*container.Scroll); ok {
			sp := d.AbsolutePositionForObject(s)
			if pos.Y < sp.Y-0.5 || pos.Y+o.Size().Height > sp.Y+s.Size().Height+0.5 ||
				pos.X < sp.X-0.5 || pos.X+o.Size().Width > sp.X+s.Size().Width+0.5 {
				return pos, false
			}
		}
	}
	return pos, true
}

// TestBannerAlwaysInView: the officer scrolls the booth panel down to the
// capture checks, then a MATCH arrives: its banner is on screen, at
// 1024x700 in both themes.
func TestBannerAlwaysInView(t *testing.T) {
	size := fyne.NewSize(1024, 700)
	for _, high := range []bool{false, true} {
		t.Run(fmt.Sprintf("high=%v", high), func(t *testing.T) {
			f := newLiveWF(t, matchT7, size)
			f.ui(func() {
				if high {
					f.ws.onToggleTheme()
				}
			})
			f.loginUI()
			f.ui(func() {
				s := firstScroll(f.ws.views[screenBooth])
				if s == nil {
					t.Fatal("the booth panel does not scroll")
				}
				s.ScrollToBottom()
				f.key(keyCapture)
			})
			waitFor(t, "MATCH", func() bool { return f.ws.booth.bannerTitle.Text == "MATCH" })
			f.ui(func() {
				if pos, ok := onScreen(f, f.ws.booth.bannerTitle); !ok {
					t.Errorf("the MATCH banner is out of sight at %v (window %v)", pos, size)
				}
			})
		})
	}
}

// TestLiveNoCaptureAfterManualVerified walks the live window: an opted-out
// U.S. citizen's manual check is verified; the booth shows VERIFIED and the
// camera takes nothing while the traveler stays, before Next nor after it;
// only once the face has left does it take the next traveler.
func TestLiveNoCaptureAfterManualVerified(t *testing.T) {
	f := newLiveWF(t, matchT7, fyne.NewSize(1280, 800))
	f.loginUI()
	f.kind.Store(kindGood) // the traveler stands in front of the camera throughout
	f.ui(func() {
		f.key(keyOptOut)
		f.typeInto(f.ws.optOut.form.mrz1, mrzUSA1)
		f.typeInto(f.ws.optOut.form.mrz2, mrzUSA2)
		f.enter()
		f.key(keyDecide)
	})
	waitFor(t, "the manual check", func() bool { return f.ws.showing() == screenManual })
	f.ui(func() {
		f.ws.manual.attest.SetChecked(true)
		f.key(keyVerified)
	})
	waitFor(t, "VERIFIED", func() bool { return f.ws.booth.bannerTitle.Text == "VERIFIED" })
	f.goodFrames()
	if n := f.mw.captures.Load(); n != 0 {
		t.Fatalf("%d photos of the verified traveler before Next", n)
	}
	f.ui(func() { f.key(keyNext) })
	waitFor(t, "Ready", func() bool { return f.ws.booth.bannerTitle.Text == "Ready" })
	f.goodFrames()
	if n := f.mw.captures.Load(); n != 0 {
		t.Fatalf("%d photos of the verified traveler after Next, still in view", n)
	}
	f.kind.Store(kindEmpty) // the traveler walks on
	time.Sleep(1500 * time.Millisecond)
	f.goodFrames() // the next traveler
	waitFor(t, "MATCH of the next traveler", func() bool { return f.ws.booth.bannerTitle.Text == "MATCH" })
	if n := f.mw.captures.Load(); n != 1 {
		t.Fatalf("%d photos, want 1 of the next traveler", n)
	}
}

// TestManualCheckFits1024HighContrast: in the large-text high-contrast
// theme at 1024x700 the manual check shows both MRZ lines whole (no
// sideways scroll), the attestation, the referral reason and the Verified,
// Refer and Cancel buttons without scrolling, the override with its reason
// when a failed document asks for it; the mouse wheel over an MRZ line
// scrolls the form.
func TestManualCheckFits1024HighContrast(t *testing.T) {
	size := fyne.NewSize(1024, 700)
	f := newLiveWF(t, noMatch, size)
	f.ui(func() { f.ws.onToggleTheme() })
	f.loginUI()
	f.ui(func() { f.key(keyManualCheck) })
	waitFor(t, "the manual check", func() bool { return f.ws.showing() == screenManual })
	layoutCheck(t, f, size, "manual check")
	m := f.ws.manual
	inSight := func(when string, objs map[string]fyne.CanvasObject) {
		for name, o := range objs {
			if pos, ok := onScreen(f, o); !ok {
				t.Errorf("%s: %s out of sight at %v size %v", when, name, pos, o.Size())
			}
		}
	}
	f.ui(func() {
		inSight("opened", map[string]fyne.CanvasObject{"MRZ line 1": m.form.mrz1, "MRZ line 2": m.form.mrz2,
			"attestation": m.attest, "referral reason": m.referral, "Verified": m.verifyB, "Refer": m.referB,
			"Cancel": m.backB})
	})
	bad := mrzFRA2[:9] + string('0'+(mrzFRA2[9]-'0'+1)%10) + mrzFRA2[10:] // wrong check digit
	f.ui(func() {
		f.typeInto(m.form.mrz1, mrzFRA1)
		f.typeInto(m.form.mrz2, bad)
		f.enter()
		m.attest.SetChecked(true)
		f.key(keyVerified) // refused: the override is asked for
	})
	f.ui(func() {
		inSight("override asked", map[string]fyne.CanvasObject{"attestation": m.attest, "override": m.override,
			"override reason": m.overrideReason, "Verified": m.verifyB, "Refer": m.referB, "why": m.errMsg})
		m.scroll.ScrollToTop()
		for i, e := range []*keyEntry{m.form.mrz1, m.form.mrz2} {
			need := fyne.MeasureText(e.Text, mrzTheme{}.Size(theme.SizeNameText), fyne.TextStyle{Monospace: true}).Width
			if e.Size().Width < need+8 {
				t.Errorf("MRZ line %d: %.0f px wide for a %.0f px zone line: it scrolls sideways", i+1, e.Size().Width, need)
			}
		}
		if m.scroll.Content.MinSize().Height <= m.scroll.Size().Height {
			return // the whole form fits: nothing to scroll
		}
		d := fyne.CurrentApp().Driver()
		at := d.AbsolutePositionForObject(m.form.mrz2).Add(fyne.NewPos(20, 5))
		test.Scroll(f.win.Canvas(), at, 0, -40)
		if m.scroll.Offset.Y <= 0 {
			t.Error("the mouse wheel over an MRZ line does not scroll the form")
		}
	})
}

// TestOutcomeColoursDistinct: NO MATCH, OPT-OUT ACCEPTED, PHOTO MAY BE
// REQUIRED, MATCH — CHECK THE DOCUMENT and MATCH each have their own banner
// colour, in the standard and the high-contrast theme, and none is the
// plain Ready banner.
func TestOutcomeColoursDistinct(t *testing.T) {
	f := newWF(t, matchT7)
	b := f.ws.booth
	inScope := &encounter.Decision{Category: encounter.CategoryInScope}
	usCitizen := booth.Decision{Outcome: encounter.OutcomeMatch, Subject: "T-1", Category: encounter.CategoryUSCitizen}
	banners := []struct {
		name string
		show func()
	}{
		{"MATCH", func() { b.showDecision(matchT7, nil) }},
		{"NO MATCH", func() { b.showDecision(noMatch, nil) }},
		{"OPT-OUT ACCEPTED", b.showOptedOut},
		{"PHOTO MAY BE REQUIRED", func() { b.showOptOutRefused("The photo may be required.") }},
		{"MATCH — CHECK THE DOCUMENT", func() { b.showDecision(usCitizen, inScope) }},
		{"Ready", b.showReady},
	}
	for _, high := range []bool{false, true} {
		if f.ws.theme.high != high {
			f.ws.onToggleTheme()
		}
		seen := map[color.NRGBA]string{}
		for _, bn := range banners {
			bn.show()
			if b.bannerTitle.Text != bn.name {
				t.Fatalf("showed %q for %s", b.bannerTitle.Text, bn.name)
			}
			r, g, bl, a := b.bannerBg.FillColor.RGBA()
			c := color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(bl >> 8), A: uint8(a >> 8)}
			if other, ok := seen[c]; ok {
				t.Errorf("high=%v: %s has the colour of %s (%v)", high, bn.name, other, c)
			}
			seen[c] = bn.name
		}
	}
}

// TestLogoutWithOpenEncounterWarns: Log out with a NO MATCH whose manual
// check is not done warns and stays; a second Log out logs out (the
// encounter stays on the record unfinished). With nothing open, one Log
// out is enough.
func TestLogoutWithOpenEncounterWarns(t *testing.T) {
	f := newWF(t, noMatch)
	f.login(testPIN, f.code(), true)
	f.key(keyCapture)
	f.decided("NO MATCH")
	f.key(keyLogout)
	if f.ws.showing() != screenBooth || f.ws.station.Shift() == nil {
		t.Fatal("logged out over an unfinished NO MATCH without a warning")
	}
	if msg := f.ws.booth.message.Text; !f.ws.booth.message.Visible() || !strings.Contains(msg, "not finished") ||
		!strings.Contains(msg, "NO MATCH") {
		t.Fatalf("warning %q", msg)
	}
	f.key(keyLogout)
	if f.ws.showing() != screenLogin {
		t.Fatal("the second Log out did not log out")
	}
	if rs := f.rec.Records(); len(rs) != 1 || rs[0].Outcome != "no-match" || rs[0].Result != "" {
		t.Fatalf("records %+v: want the NO MATCH on the record, unfinished", rs)
	}
	f.clock.add(30 * time.Second)
	f.login(testPIN, f.code(), true)
	f.key(keyLogout)
	if f.ws.showing() != screenLogin {
		t.Fatal("Log out with nothing open asked twice")
	}
}
