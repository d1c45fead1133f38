package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"veriport/encounter"
)

// manualCheckScreen is the manual document check: the MRZ typed or scanned
// (two lines of 44, monospace) with every wrong check digit flagged at its
// position, the exemption decision from nationality, date of birth and visa
// class, the officer's attestation, and the outcome: verified, or referred
// with a reason code.
type manualCheckScreen struct {
	decide   func(encounter.Traveler) (encounter.Decision, error)
	complete func(encounter.ManualResult)
	touch    func()

	why      *widget.Label // why the traveler is here
	form     *travelerForm
	rulesB   *widget.Button
	policy   *widget.Label
	attest   *widget.Check
	referral *widget.Select
	verifyB  *widget.Button
	referB   *widget.Button
	errMsg   *widget.Label
	decision *encounter.Decision // the last policy decision shown
}

func newManualCheckScreen(now func() time.Time, decide func(encounter.Traveler) (encounter.Decision, error),
	complete func(encounter.ManualResult), touch func()) *manualCheckScreen {
	return &manualCheckScreen{decide: decide, complete: complete, touch: touch, form: newTravelerForm(now, touch)}
}

func (m *manualCheckScreen) build() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Manual document check", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	m.why = widget.NewLabel("")
	m.why.Wrapping = fyne.TextWrapWord
	m.rulesB = widget.NewButton(keyLabel("Apply the exemption rules", keyDecide), m.onRules)
	m.policy = widget.NewLabel("Exemption: not assessed yet.")
	m.policy.Wrapping = fyne.TextWrapWord
	m.attest = widget.NewCheck("I attest that the document belongs to the holder", func(bool) { m.touch() })
	labels := make([]string, len(encounter.ReferralCodes))
	for i, r := range encounter.ReferralCodes {
		labels[i] = r.Label
	}
	m.referral = widget.NewSelect(labels, func(string) { m.touch() })
	m.referral.PlaceHolder = "Reason for a referral (←/→ to choose)"
	m.verifyB = widget.NewButton(keyLabel("Verified", keyVerified), m.onVerified)
	m.verifyB.Importance = widget.SuccessImportance
	m.referB = widget.NewButton(keyLabel("Refer", keyRefer), m.onRefer)
	m.referB.Importance = widget.WarningImportance
	m.errMsg = widget.NewLabel("")
	m.errMsg.Importance = widget.DangerImportance
	m.errMsg.Wrapping = fyne.TextWrapWord
	m.errMsg.Hide()

	conclude := widget.NewCard("", "Conclusion", container.NewVBox(m.rulesB, m.policy, m.attest,
		m.referral, container.NewGridWithColumns(2, m.verifyB, m.referB), m.errMsg))
	body := container.NewVBox(m.form.build(), conclude)
	return container.NewBorder(container.NewVBox(title, m.why), nil, nil, nil, container.NewVScroll(body))
}

// reset prepares the screen for a traveler, saying why they are here, and
// carries over facts already typed (from the opt-out screen), if any.
func (m *manualCheckScreen) reset(why string, from *travelerForm, d *encounter.Decision) {
	m.form.reset()
	if from != nil {
		m.form.copyFrom(from)
	}
	m.why.SetText(why)
	m.attest.SetChecked(false)
	m.referral.ClearSelected()
	m.errMsg.Hide()
	m.showPolicy(d)
}

// focus puts the cursor in the MRZ's first line.
func (m *manualCheckScreen) focus(c fyne.Canvas) { c.Focus(m.form.mrz1) }

func (m *manualCheckScreen) showPolicy(d *encounter.Decision) {
	m.decision = d
	if d == nil {
		m.policy.SetText("Exemption: not assessed yet.")
		m.policy.Importance = widget.MediumImportance
	} else {
		m.policy.SetText(d.Sentence)
		m.policy.Importance = widget.MediumImportance
		if d.Category == encounter.CategoryInScope || d.Category == encounter.CategoryLPR {
			m.policy.Importance = widget.WarningImportance
		}
	}
	m.policy.Refresh()
}

// onRules applies the exemption rules to the facts as typed.
func (m *manualCheckScreen) onRules() {
	m.touch()
	if _, err := m.policyFromForm(); err != nil {
		m.showError(err.Error())
		return
	}
	m.errMsg.Hide()
}

// policyFromForm decides the facts on the form, or returns nil when no
// nationality is given (the rules cannot be applied).
func (m *manualCheckScreen) policyFromForm() (*encounter.Decision, error) {
	t, err := m.form.traveler()
	if err != nil {
		return nil, err
	}
	if t.Nationality == "" {
		return nil, errNoNationality
	}
	d, err := m.decide(t)
	if err != nil {
		return nil, err
	}
	m.showPolicy(&d)
	return &d, nil
}

// onVerified concludes: the document belongs to the holder.
func (m *manualCheckScreen) onVerified() {
	m.touch()
	if !m.attest.Checked {
		m.showError("Tick the attestation that the document belongs to the holder, or refer the traveler.")
		return
	}
	d, err := m.policyFromForm()
	if err != nil && err != errNoNationality {
		m.showError(err.Error())
		return
	}
	m.complete(encounter.ManualResult{Verified: true, Attested: true, Policy: d})
}

// onRefer concludes with a referral and its reason.
func (m *manualCheckScreen) onRefer() {
	m.touch()
	i := m.referral.SelectedIndex()
	if i < 0 {
		m.showError("Choose the reason for the referral.")
		return
	}
	d, err := m.policyFromForm()
	if err != nil && err != errNoNationality {
		m.showError(err.Error())
		return
	}
	m.complete(encounter.ManualResult{Referral: encounter.ReferralCodes[i].Code, Policy: d})
}

func (m *manualCheckScreen) showError(msg string) {
	m.errMsg.SetText(msg)
	m.errMsg.Show()
}
