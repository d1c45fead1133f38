package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"veriport/booth"
	"veriport/encounter"
)

// outcomeGolden is one outcome on screen: the decision the gallery gives
// and the officer's steps that bring the banner up.
type outcomeGolden struct {
	name   string
	banner string
	decide booth.Decision
	steps  func(f *liveWF)
}

// optOutAs opens the opt-out form and decides it for a traveler of nat.
func optOutAs(f *liveWF, nat string) {
	f.ui(func() {
		f.key(keyOptOut)
		f.typeInto(f.ws.optOut.form.nationality, nat)
		f.typeInto(f.ws.optOut.form.birth, "1985-03-10")
		f.key(keyDecide)
	})
}

var outcomeGoldens = []outcomeGolden{
	{"no_match", "NO MATCH", noMatch, func(f *liveWF) { f.ui(func() { f.key(keyCapture) }) }},
	{"ambiguous", "AMBIGUOUS", ambiguous, func(f *liveWF) { f.ui(func() { f.key(keyCapture) }) }},
	{"check_document", "MATCH — CHECK THE DOCUMENT",
		booth.Decision{Outcome: encounter.OutcomeMatch, Subject: "T-0009", Category: encounter.CategoryUSCitizen, Distance: 0.3},
		func(f *liveWF) { optOutAs(f, "FRA"); f.ui(func() { f.key(keyCapture) }) }},
	{"photo_may_be_required", "PHOTO MAY BE REQUIRED", matchT7, func(f *liveWF) { optOutAs(f, "FRA") }},
	{"opt_out_accepted", "OPT-OUT ACCEPTED", matchT7, func(f *liveWF) {
		optOutAs(f, "USA")
		f.ui(func() { f.key(keyBack) }) // the manual check left for later
	}},
	{"verified", "VERIFIED", noMatch, func(f *liveWF) {
		f.ui(func() { f.key(keyCapture) })
		waitFor(f.t, "NO MATCH", func() bool { return f.ws.booth.bannerTitle.Text == "NO MATCH" })
		f.ui(func() {
			f.key(keyManualCheck)
			f.ws.manual.attest.SetChecked(true)
			f.key(keyVerified)
		})
	}},
	{"referred", "REFERRED", noMatch, func(f *liveWF) {
		f.ui(func() { f.key(keyCapture) })
		waitFor(f.t, "NO MATCH", func() bool { return f.ws.booth.bannerTitle.Text == "NO MATCH" })
		f.ui(func() {
			f.key(keyManualCheck)
			f.ws.manual.referral.SetSelectedIndex(0)
			f.key(keyRefer)
		})
	}},
}

// TestBoothOutcomeGoldens keeps the markup of the whole booth window with
// each outcome's banner on screen (MATCH has TestBoothGoldens), at
// 1024x700 and 1280x800, in the standard and the high-contrast theme.
func TestBoothOutcomeGoldens(t *testing.T) {
	for _, o := range outcomeGoldens {
		for _, size := range []fyne.Size{fyne.NewSize(1024, 700), fyne.NewSize(1280, 800)} {
			for _, high := range []bool{false, true} {
				theme := map[bool]string{false: "standard", true: "high_contrast"}[high]
				name := fmt.Sprintf("booth_%s_%.0fx%.0f_%s", o.name, size.Width, size.Height, theme)
				t.Run(name, func(t *testing.T) {
					f := newLiveWF(t, o.decide, fyne.NewSize(-size.Width, size.Height))
					if high {
						f.ui(f.ws.onToggleTheme)
					}
					f.loginUI()
					o.steps(f)
					waitFor(t, o.banner, func() bool { return f.ws.booth.bannerTitle.Text == o.banner })
					layoutCheck(t, f, size, name)
					f.ui(func() {
						for range 3 { // wrapped labels settle over a few layouts
							f.win.Resize(size.AddWidthHeight(1, 1))
							f.win.Resize(size)
						}
						test.AssertRendersToMarkup(t, name+".xml", f.win.Canvas())
					})
				})
			}
		}
	}
}
