package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"veriport/encounter"
)

// optOutScreen records that the traveler declines the photo: the officer
// types the traveler's facts or reads the MRZ, and the policy decides. U.S.
// citizens and exempt aliens go to the manual check without a photo;
// in-scope aliens are told the photo may be required, with the manual check
// as the alternative.
type optOutScreen struct {
	decide func(encounter.Traveler) // the workstation applies the policy
	back   func()
	touch  func()

	form    *travelerForm
	errMsg  *widget.Label
	decideB *widget.Button
	backB   *widget.Button
}

func newOptOutScreen(now func() time.Time, decide func(encounter.Traveler), back, touch func()) *optOutScreen {
	return &optOutScreen{decide: decide, back: back, touch: touch, form: newTravelerForm(now, touch)}
}

func (o *optOutScreen) build() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Opt-out: the traveler declines the photo", fyne.TextAlignLeading,
		fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	title.Wrapping = fyne.TextWrapWord
	intro := widget.NewLabel("Record the traveler's nationality, date of birth, visa class and admission " +
		"facts, or read the passport's MRZ. The rules decide whether the traveler may opt out.")
	intro.Wrapping = fyne.TextWrapWord
	o.errMsg = widget.NewLabel("")
	o.errMsg.Importance = widget.DangerImportance
	o.errMsg.Wrapping = fyne.TextWrapWord
	o.errMsg.Hide()
	o.decideB = widget.NewButton(keyLabel("Apply the opt-out rules", keyDecide), o.onDecide)
	o.decideB.Importance = widget.HighImportance
	o.backB = widget.NewButton(keyLabel("Back to the booth", keyBack), o.back)
	top := container.NewVBox(title, intro)
	bottom := container.NewVBox(o.errMsg, o.decideB, o.backB)
	return container.NewBorder(top, bottom, nil, nil, container.NewVScroll(o.form.build()))
}

// reset empties the screen for a new traveler.
func (o *optOutScreen) reset() {
	o.form.reset()
	o.errMsg.Hide()
}

// focus puts the cursor in the MRZ's first line.
func (o *optOutScreen) focus(c fyne.Canvas) { c.Focus(o.form.mrz1) }

// onDecide hands the facts to the workstation.
func (o *optOutScreen) onDecide() {
	o.touch()
	t, err := o.form.traveler()
	if err != nil {
		o.showError(formText(err))
		return
	}
	if t.Nationality == "" {
		o.showError("Enter the nationality of the passport shown (three letters) or read the MRZ; tick U.S. citizen for a U.S. citizen on any passport.")
		return
	}
	o.errMsg.Hide()
	o.decide(t)
}

func (o *optOutScreen) showError(msg string) {
	o.errMsg.SetText(msg)
	o.errMsg.Show()
}
