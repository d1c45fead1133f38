package ui

import (
	"fmt"
	"image/color"

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
}

func newBoothScreen(a boothActions) *boothScreen { return &boothScreen{act: a} }

// build lays out the booth panel (beside the live view).
func (b *boothScreen) build() fyne.CanvasObject {
	b.bannerBg = canvas.NewRectangle(color.Transparent)
	b.bannerBg.CornerRadius = theme.InputRadiusSize()
	b.bannerTitle = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	b.bannerTitle.SizeName = theme.SizeNameHeadingText
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

	actions := container.NewGridWithColumns(2, b.capture, b.optOut, b.manual, b.next)
	panel := container.NewVBox(banner, b.message, actions, widget.NewSeparator(), b.count, b.flight, b.flightB,
		widget.NewSeparator(), b.officer, container.NewGridWithColumns(2, b.logout, b.themeBtn), b.reportsB)
	b.showReady()
	return container.NewVScroll(container.NewPadded(panel))
}

// setBanner shows the result banner in a tone: success, warning or plain.
func (b *boothScreen) setBanner(title, text string, tone widget.Importance) {
	b.tone = tone
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
	}
	b.bannerBg.FillColor = c
	b.bannerBg.Refresh()
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, bl, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(bl >> 8), A: a}
}

// showReady is the banner between travelers.
func (b *boothScreen) showReady() {
	b.setBanner("Ready", "Next traveler: capture, or opt-out / manual check.", widget.MediumImportance)
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
func (b *boothScreen) showDecision(d booth.Decision) {
	b.manual.Importance = widget.MediumImportance
	b.next.Importance = widget.MediumImportance
	switch d.Outcome {
	case encounter.OutcomeMatch:
		b.setBanner("MATCH", fmt.Sprintf("Traveler %s — %s", d.Subject, categoryText(d.Category)),
			widget.SuccessImportance)
		b.next.Importance = widget.SuccessImportance
	case encounter.OutcomeAmbiguous:
		b.setBanner("AMBIGUOUS", "Two travelers are too close to tell apart. Check the document by hand: "+
			"Manual check [Alt+M].", widget.WarningImportance)
		b.manual.Importance = widget.WarningImportance
	default:
		b.setBanner("NO MATCH", "The traveler is not recognised in this flight's gallery. Check the document "+
			"by hand: Manual check [Alt+M].", widget.WarningImportance)
		b.manual.Importance = widget.WarningImportance
	}
	b.manual.Refresh()
	b.next.Refresh()
}

// showOptOutRefused tells the officer the photo may be required and offers
// the manual check as the alternative.
func (b *boothScreen) showOptOutRefused(sentence string) {
	b.setBanner("PHOTO MAY BE REQUIRED", sentence+" Capture [Alt+C] if the traveler agrees, or Manual check [Alt+M].", widget.WarningImportance)
	b.manual.Importance = widget.WarningImportance
	b.manual.Refresh()
}

// showMessage shows a sentence under the banner; warn makes it danger-toned.
func (b *boothScreen) showMessage(msg string, warn bool) {
	b.message.SetText(msg)
	b.message.Importance = widget.MediumImportance
	if warn {
		b.message.Importance = widget.DangerImportance
	}
	b.message.Hidden = msg == ""
	b.message.Refresh()
}

// showShift updates the count, flight, gallery and officer labels.
func (b *boothScreen) showShift(s booth.Snapshot, officerID string, galleryLine string) {
	count := fmt.Sprintf("Travelers this shift: %d", s.Processed)
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
	b.officer.SetText("Officer: " + officerID)
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
