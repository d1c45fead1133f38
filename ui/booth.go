package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"veriport/booth"
	"veriport/encounter"
)

// boothActions are what the booth screen's buttons ask of the workstation.
type boothActions struct {
	capture, optOut, manualCheck, next, logout, toggleTheme, flight, reports func()
}

// boothScreen is the officer's working screen beside the live view: the
// result banner, the four actions with their shortcuts, the shift count,
// and the loaded flight and gallery.
type boothScreen struct {
	act boothActions

	bannerBg    *canvas.Rectangle
	bannerTitle *widget.Label
	bannerText  *widget.Label
	message     *widget.Label // errors and hints an officer can act on
	capture     *widget.Button
	optOut      *widget.Button
	manual      *widget.Button
	next        *widget.Button
	flightB     *widget.Button
	reportsB    *widget.Button // supervisors only
	count       *widget.Label
	flight      *widget.Label
	officer     *widget.Label
	logout      *widget.Button
	themeBtn    *widget.Button
	tone        widget.Importance // banner tone
	previous    bool              // the banner's result is marked as the previous traveler's
	// flightInfo sits under the flight line: where notes about the loaded
	// gallery (its threshold, a fairness notice) go.
	flightInfo *fyne.Container
	// extra is shown under the actions: the live capture's state and checks.
	extra fyne.CanvasObject
	// scroll holds everything under the pinned banner and message.
	scroll *container.Scroll
	// cameraOffline: the live view says "Camera offline"; so does the
	// waiting banner.
	cameraOffline bool
}

func newBoothScreen(a boothActions) *boothScreen { return &boothScreen{act: a} }

// build lays out the booth panel (beside the live view).
func (b *boothScreen) build() fyne.CanvasObject {
	b.bannerBg = canvas.NewRectangle(color.Transparent)
	b.bannerBg.CornerRadius = theme.InputRadiusSize()
	b.bannerTitle = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	b.bannerTitle.SizeName = theme.SizeNameHeadingText
	b.bannerTitle.Wrapping = fyne.TextWrapWord
	b.bannerText = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{})
	b.bannerText.Wrapping = fyne.TextWrapWord
	banner := container.NewStack(b.bannerBg, container.NewVBox(b.bannerTitle, b.bannerText))
	b.message = widget.NewLabel("")
	b.message.Wrapping = fyne.TextWrapWord
	b.message.Hide()

	b.capture = widget.NewButton(keyLabel("Capture", keyCapture), b.act.capture)
	b.optOut = widget.NewButton(keyLabel("Opt-out", keyOptOut), b.act.optOut)
	b.manual = widget.NewButton(keyLabel("Manual check", keyManualCheck), b.act.manualCheck)
	b.next = widget.NewButton(keyLabel("Next traveler", keyNext), b.act.next)
	b.count = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.flightB = widget.NewButton(keyLabel("Choose flight", keyFlight), b.act.flight)
	b.flight = widget.NewLabel("")
	b.flight.Wrapping = fyne.TextWrapWord
	b.officer = widget.NewLabel("")
	b.logout = widget.NewButton(keyLabel("Log out", keyLogout), b.act.logout)
	b.reportsB = widget.NewButton(keyLabel("Shift report", keyReports), b.act.reports)
	b.reportsB.Hide()
	b.themeBtn = widget.NewButton(keyLabel("Large text, high contrast", keyHighContrast), b.act.toggleTheme)

	// One column: every caption and its shortcut fit at any width and text size.
	actions := container.NewVBox(b.capture, b.optOut, b.manual, b.next)
	b.flightInfo = container.NewVBox()
	b.count.Truncation = fyne.TextTruncateEllipsis
	b.officer.Truncation = fyne.TextTruncateEllipsis
	header := container.NewVBox(b.flight, b.flightInfo, b.flightB)
	panel := container.NewVBox(actions, widget.NewSeparator(), b.count, header,
		widget.NewSeparator(), b.officer, b.logout, b.themeBtn, b.reportsB)
	if b.extra != nil {
		panel.Add(widget.NewSeparator())
		panel.Add(b.extra)
	}
	b.showReady()
	// The result banner and the message answering the last action are
	// pinned above the rest, which scrolls: a decision arriving while the
	// officer has scrolled down to the checks is never out of sight.
	pinned := container.NewPadded(container.NewVBox(banner, b.message))
	b.scroll = container.NewVScroll(container.NewPadded(panel))
	return container.NewBorder(pinned, nil, nil, nil, b.scroll)
}

// setBanner shows the result banner in a tone, each outcome its own colour:
// success (MATCH, VERIFIED) green, danger (NO MATCH, AMBIGUOUS, REFERRED)
// red, warning (MATCH — CHECK THE DOCUMENT) amber, high (PHOTO MAY BE
// REQUIRED) blue, low (OPT-OUT ACCEPTED) grey, medium (Ready) plain.
func (b *boothScreen) setBanner(title, text string, tone widget.Importance) {
	b.tone, b.previous = tone, false
	b.bannerTitle.SetText(title)
	b.bannerTitle.Importance = tone
	b.bannerTitle.Refresh()
	b.bannerText.SetText(text)
	b.bannerText.Hidden = text == ""
	b.bannerText.Refresh()
	b.refreshBannerColour()
}

// refreshBannerColour tints the banner from the theme (it follows the
// high-contrast switch).
func (b *boothScreen) refreshBannerColour() {
	var c color.Color = color.Transparent
	v := fyne.CurrentApp().Settings().ThemeVariant()
	th := fyne.CurrentApp().Settings().Theme()
	switch b.tone {
	case widget.SuccessImportance:
		c = withAlpha(th.Color(theme.ColorNameSuccess, v), 0x50)
	case widget.WarningImportance:
		c = withAlpha(th.Color(theme.ColorNameWarning, v), 0x50)
	case widget.DangerImportance:
		c = withAlpha(th.Color(theme.ColorNameError, v), 0x50)
	case widget.HighImportance:
		c = withAlpha(th.Color(theme.ColorNamePrimary, v), 0x50)
	case widget.LowImportance:
		c = withAlpha(th.Color(theme.ColorNameForeground, v), 0x30)
	}
	b.bannerBg.FillColor = c
	b.bannerBg.Refresh()
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, bl, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(bl >> 8), A: a}
}

// setCameraOffline notes whether the camera is offline: the waiting
// banner then says so and points to the manual check.
func (b *boothScreen) setCameraOffline(off bool) {
	if b.cameraOffline == off {
		return
	}
	b.cameraOffline = off
	if t := b.bannerTitle.Text; t == "Ready" || t == bannerOffline {
		b.showReady()
	}
}

// bannerOffline is the waiting banner's title while the camera is offline.
const bannerOffline = "CAMERA OFFLINE"

// showReady is the banner between travelers.
func (b *boothScreen) showReady() {
	if b.cameraOffline {
		b.setBanner(bannerOffline, "No photo can be taken: check the next traveler's document by hand "+
			"(Manual check [Alt+M]).", widget.WarningImportance)
	} else {
		b.setBanner("Ready", "Next traveler: capture, or opt-out / manual check.", widget.MediumImportance)
	}
	b.manual.Importance = widget.MediumImportance
	b.manual.Refresh()
	b.next.Importance = widget.MediumImportance
	b.next.Refresh()
}

// showDeciding is shown between capture and decision.
func (b *boothScreen) showDeciding() {
	b.showMessage("", false)
	b.setBanner("Checking…", "Comparing the photo with the flight gallery.", widget.MediumImportance)
}

// showDecision shows MATCH in green, NO MATCH and AMBIGUOUS in amber with
// the manual check one key away.
// A MATCH whose gallery category differs from what the officer established
// from the document (policy) says both, in amber, with the manual check.
func (b *boothScreen) showDecision(d booth.Decision, policy *encounter.Decision) {
	b.manual.Importance = widget.MediumImportance
	b.next.Importance = widget.MediumImportance
	switch {
	case booth.CategoryConflict(&d, policy):
		b.setBanner("MATCH — CHECK THE DOCUMENT", fmt.Sprintf("Traveler %s: the gallery says %s, the document %s. "+
			"Manual check [Alt+M].", d.Subject, categoryText(d.Category), categoryText(policy.Category)), widget.WarningImportance)
		b.manual.Importance = widget.WarningImportance
	case d.Outcome == encounter.OutcomeMatch:
		text := fmt.Sprintf("Traveler %s — %s", d.Subject, categoryText(d.Category))
		if d.Name != "" || d.Seat != "" {
			// The manifest's name and seat beside the photo just taken: the
			// officer confirms the MATCH by eye.
			line := d.Name
			if d.Seat != "" {
				line = strings.TrimSpace(line + "   seat " + d.Seat)
			}
			text += "\n" + line
		}
		b.setBanner("MATCH", text, widget.SuccessImportance)
		b.next.Importance = widget.SuccessImportance
	case d.Outcome == encounter.OutcomeAmbiguous && d.Linked:
		b.setBanner("AMBIGUOUS", "One of two linked travelers: their gallery photos are near-identical (twins, "+
			"or one person enrolled twice). Check the document: Manual check [Alt+M].", widget.DangerImportance)
		b.manual.Importance = widget.WarningImportance
	case d.Outcome == encounter.OutcomeAmbiguous:
		b.setBanner("AMBIGUOUS", "Two travelers are too close to tell apart. Check the document by hand: "+
			"Manual check [Alt+M].", widget.DangerImportance)
		b.manual.Importance = widget.WarningImportance
	default:
		b.setBanner("NO MATCH", "The traveler is not recognised in this flight's gallery. Check the document "+
			"by hand: Manual check [Alt+M].", widget.DangerImportance)
		b.manual.Importance = widget.WarningImportance
	}
	b.manual.Refresh()
	b.next.Refresh()
}

// showOptOutRefused tells the officer the photo may be required and offers
// the manual check as the alternative.
func (b *boothScreen) showOptOutRefused(sentence string) {
	b.setBanner("PHOTO MAY BE REQUIRED", sentence+" Capture [Alt+C] if the traveler agrees, or Manual check [Alt+M].", widget.HighImportance)
	b.manual.Importance = widget.WarningImportance
	b.manual.Refresh()
}

// showOptedOut: the opt-out was accepted but its manual check was left.
func (b *boothScreen) showOptedOut() {
	b.setBanner("OPT-OUT ACCEPTED", "No photo is taken. Finish with the manual check [Alt+M].", widget.LowImportance)
	b.manual.Importance = widget.WarningImportance
	b.manual.Refresh()
}

// showConcluded shows the manual check's conclusion until Next: the
// camera takes nothing meanwhile.
func (b *boothScreen) showConcluded(r encounter.ManualResult) {
	b.manual.Importance = widget.MediumImportance
	b.manual.Refresh()
	b.next.Importance = widget.SuccessImportance
	b.next.Refresh()
	if r.Verified {
		b.setBanner("VERIFIED", "Manual check: the traveler may proceed. Next traveler [Alt+N] when they have left.",
			widget.SuccessImportance)
		return
	}
	b.setBanner("REFERRED", "Referred ("+string(r.Referral)+"): send the traveler to secondary. "+
		"Next traveler [Alt+N] when they have left.", widget.DangerImportance)
}

// bannerPrevious heads a result once the next traveler is in view.
const bannerPrevious = "PREVIOUS TRAVELER: "

// showNextInView marks the result on screen as the previous traveler's:
// its traveler has left and someone else is in front of the camera. The
// banner turns grey (no longer a green MATCH for whoever stands there) and
// the officer is told to finish it and press Next.
func (b *boothScreen) showNextInView() {
	if b.previous {
		return
	}
	title := b.bannerTitle.Text
	b.setBanner(bannerPrevious+title, b.bannerText.Text, widget.LowImportance)
	b.bannerTitle.Importance = widget.MediumImportance // grey banner, text as legible as ever
	b.bannerTitle.Refresh()
	b.previous = true
	b.message.SetText("The next traveler is in view: the result above is for the previous traveler. " +
		"Finish it, then Next traveler [Alt+N].")
	b.message.Importance = widget.WarningImportance
	b.message.TextStyle.Bold = true
	b.message.Show()
	b.message.Refresh()
}

// showMessage shows a sentence under the banner; warn makes it danger-toned.
func (b *boothScreen) showMessage(msg string, warn bool) {
	b.message.SetText(msg)
	b.message.Importance = widget.MediumImportance
	b.message.TextStyle.Bold = false
	if warn {
		b.message.Importance = widget.DangerImportance
	}
	b.message.Hidden = msg == ""
	b.message.Refresh()
}

// showShift updates the count, flight, gallery and officer labels.
func (b *boothScreen) showShift(s booth.State, galleryLine string) {
	count := fmt.Sprintf("Travelers this shift: %d", shiftCount(s))
	if s.Pending > 0 {
		count += fmt.Sprintf(" — pending %d (disk full: written when space returns; tell a supervisor)", s.Pending)
	}
	b.count.SetText(count)
	switch {
	case s.Flight == "":
		b.flight.SetText("No flight loaded: capture needs a gallery (Choose flight [Alt+F]); manual checks work.")
	case galleryLine != "":
		b.flight.SetText(galleryLine)
	case s.Gallery:
		b.flight.SetText("Flight " + s.Flight + " — gallery loaded")
	default:
		b.flight.SetText("Flight " + s.Flight + " — gallery not loaded")
	}
	b.officer.SetText("Officer: " + s.Officer)
}

// categoryText is a category as the officer reads it.
func categoryText(c encounter.Category) string {
	switch c {
	case encounter.CategoryUSCitizen:
		return "U.S. citizen"
	case encounter.CategoryExempt:
		return "exempt alien"
	case encounter.CategoryLPR:
		return "lawful permanent resident"
	case encounter.CategoryInScope:
		return "in-scope traveler"
	}
	return "category unknown"
}

// shiftCount is the travelers of the shift as the officer counts them:
// those finished, and the one whose decision is on screen (a MATCH, NO
// MATCH or AMBIGUOUS, an accepted opt-out, the manual check after a
// decision), so the count moves with the decision, not at Next. A
// concluded manual check is already among the finished.
func shiftCount(s booth.State) int {
	switch s.Phase {
	case booth.PhaseDecided, booth.PhaseOptedOut:
		return s.Processed + 1
	case booth.PhaseManual:
		if s.Decision != nil {
			return s.Processed + 1
		}
	}
	return s.Processed
}
