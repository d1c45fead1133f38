package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"veriport/booth"
	"veriport/encounter"
)

// manualCheckScreen is the manual document check: the MRZ typed or scanned
// (two lines of 44, monospace) with every wrong check digit flagged at its
// position, the exemption decision from nationality, date of birth and visa
// class, the officer's attestation, and the outcome: verified, or referred
// with a reason code.
type manualCheckScreen struct {
	decide   func(encounter.Traveler) (encounter.Decision, error)
	complete func(encounter.ManualResult, *booth.Override)
	touch    func()
	scroll   *container.Scroll

	why      *widget.Label // why the traveler is here
	form     *travelerForm
	rulesB   *widget.Button
	policy   *widget.Label
	attest   *widget.Check
	referral *widget.Select
	verifyB  *widget.Button
	referB   *widget.Button
	errMsg   *widget.Label
	backB    *widget.Button
	back     func()
	// overrideBox holds the override and its reason: shown once the
	// document failed a check digit or is expired, required to verify.
	overrideBox    *fyne.Container
	override       *widget.Check
	overrideReason *keyEntry
	// manifest says whether the document's holder is on the flight's
	// manifest; lookup finds it (nil: no lookup).
	manifest *widget.Label
	lookup   func(surname, given string) (flight, seat string, found, known bool)
}

func newManualCheckScreen(now func() time.Time, decide func(encounter.Traveler) (encounter.Decision, error),
	complete func(encounter.ManualResult, *booth.Override), touch func()) *manualCheckScreen {
	return &manualCheckScreen{decide: decide, complete: complete, touch: touch, form: newTravelerForm(now, touch)}
}

func (m *manualCheckScreen) build() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Manual document check", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText // one line, also in large text: room for the form
	title.Truncation = fyne.TextTruncateEllipsis
	m.why = widget.NewLabel("")
	m.why.Wrapping = fyne.TextWrapWord
	m.rulesB = widget.NewButton(keyLabel("Apply the exemption rules", keyDecide), m.onRules)
	m.policy = widget.NewLabel("Exemption: not assessed yet.")
	m.policy.Wrapping = fyne.TextWrapWord
	m.attest = widget.NewCheck(keyLabel("I attest that the document belongs to the holder", keyAttest), func(bool) { m.touch() })
	labels := make([]string, len(encounter.ReferralCodes))
	for i, r := range encounter.ReferralCodes {
		labels[i] = r.Label
	}
	m.referral = widget.NewSelect(labels, func(string) { m.touch() })
	m.referral.PlaceHolder = "Referral reason (←/→)"
	m.verifyB = widget.NewButton(keyLabel("Verified", keyVerified), m.onVerified)
	m.verifyB.Importance = widget.SuccessImportance
	m.referB = widget.NewButton(keyLabel("Refer", keyRefer), m.onRefer)
	m.referB.Importance = widget.WarningImportance
	m.errMsg = widget.NewLabel("")
	m.errMsg.Importance = widget.DangerImportance
	m.errMsg.Wrapping = fyne.TextWrapWord
	m.errMsg.Hide()
	m.override = widget.NewCheck("Verify despite the failed document check (override)", func(bool) { m.touch() })
	m.overrideReason = newKeyEntry()
	m.overrideReason.SetPlaceHolder("Reason for the override (recorded)")
	m.overrideReason.OnChanged = func(string) { m.touch() }
	m.overrideBox = container.NewVBox(wrappedCheck(m.override), m.overrideReason)
	m.overrideBox.Hide()
	m.backB = widget.NewButton("Cancel  [Esc]", m.back) // Alt+B as well

	m.manifest = widget.NewLabel("")
	m.manifest.Wrapping = fyne.TextWrapWord
	m.manifest.Hide()
	m.form.onRead = m.onRead
	m.form.onStale = m.onStale
	rules := container.NewVBox(m.rulesB, m.policy)
	body := container.NewVBox(m.form.build(), m.manifest, rules)
	var scrolled fyne.CanvasObject
	m.scroll, scrolled = wheelScroll(body)
	// The title, why and any error stay at the top and the whole
	// conclusion (attestation, override, referral reason, the buttons) at
	// the bottom: always in view whatever the scroll, also in large text
	// at 1024x700; the document and facts scroll between them.
	top := container.NewVBox(title, m.why, m.errMsg)
	verify := container.NewGridWithColumns(2, m.verifyB, m.backB)
	refer := container.NewBorder(nil, nil, nil, m.referB, m.referral)
	bottom := container.NewVBox(widget.NewSeparator(), wrappedCheck(m.attest), m.overrideBox, verify, refer)
	return container.NewBorder(top, bottom, nil, nil, scrolled)
}

// reset prepares the screen for a traveler, saying why they are here, and
// carries over facts already typed (from the opt-out screen), if any; the
// policy line concludes from those facts, or says none is drawn yet.
func (m *manualCheckScreen) reset(why string, from *travelerForm) {
	m.form.reset()
	if from != nil {
		m.form.copyFrom(from)
	}
	m.why.SetText(why)
	m.attest.SetChecked(false)
	m.override.SetChecked(false)
	m.overrideReason.SetText("")
	m.overrideBox.Hide()
	m.referral.ClearSelected()
	m.errMsg.Hide()
	m.manifest.Hide()
	if from != nil && m.form.read1 != "" {
		m.showManifest(m.form.zone)
	}
	m.syncPolicy()
	m.scroll.ScrollToTop()
}

// onRead answers a zone read: the manifest lookup and the policy line
// follow the document now in the form.
func (m *manualCheckScreen) onRead(z *encounter.MRZ) {
	m.showManifest(z)
	m.syncPolicy()
}

// onStale answers an edit of a zone already read: its manifest line and
// conclusion go until the new zone is read.
func (m *manualCheckScreen) onStale() {
	m.manifest.Hide()
	m.showPolicy(nil)
}

// syncPolicy shows what the exemption rules conclude from the facts on the
// form, or "not assessed yet" when a zone is typed but not read or no
// nationality is given: never the conclusion of another document.
func (m *manualCheckScreen) syncPolicy() {
	if z := m.form.mrz1.Text + "\n" + m.form.mrz2.Text; z != "\n" && z != m.form.read1 {
		m.showPolicy(nil)
		return
	}
	t, err := m.form.traveler()
	if err != nil || t.Nationality == "" {
		m.showPolicy(nil)
		return
	}
	d, err := m.decide(t)
	if err != nil {
		m.showPolicy(nil)
		return
	}
	m.showPolicy(&d)
}

// showManifest says whether the zone's holder is on the loaded flight's
// manifest, under the zone; a new zone replaces the old answer.
func (m *manualCheckScreen) showManifest(z *encounter.MRZ) {
	if z == nil || m.lookup == nil {
		m.manifest.Hide()
		return
	}
	flight, seat, found, known := m.lookup(z.Surname, z.GivenNames)
	switch {
	case !known:
		m.manifest.Hide()
		return
	case found && seat != "":
		m.manifest.SetText("On " + flight + ", seat " + seat + ".")
		m.manifest.Importance = widget.SuccessImportance
	case found:
		m.manifest.SetText("On " + flight + "'s manifest.")
		m.manifest.Importance = widget.SuccessImportance
	default:
		m.manifest.SetText("Not on " + flight + "'s manifest: check the boarding pass and flight.")
		m.manifest.Importance = widget.WarningImportance
	}
	m.manifest.Show()
	m.manifest.Refresh()
}

// focus puts the cursor in the MRZ's first line.
func (m *manualCheckScreen) focus(c fyne.Canvas) { c.Focus(m.form.mrz1) }

// showPolicy shows d's conclusion, or "not assessed yet" when d is nil.
func (m *manualCheckScreen) showPolicy(d *encounter.Decision) {
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
		m.showError(formText(err))
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
	m.form.readIfTyped()
	var o *booth.Override
	if problems := m.form.documentProblems(); len(problems) > 0 {
		m.overrideBox.Show()
		switch {
		case !m.override.Checked:
			m.showError("The document failed: " + strings.Join(problems, "; ") +
				". To verify anyway tick the override and give the reason; otherwise refer the traveler.")
			return
		case strings.TrimSpace(m.overrideReason.Text) == "":
			m.showError("Give the reason for the override.")
			m.focusOn(m.overrideReason)
			return
		}
		o = &booth.Override{Problems: problems, Reason: strings.TrimSpace(m.overrideReason.Text)}
	}
	d, err := m.policyFromForm()
	if err != nil && err != errNoNationality {
		m.showError(formText(err))
		return
	}
	m.complete(encounter.ManualResult{Verified: true, Attested: true, Policy: d}, o)
}

// focusOn moves the cursor to o.
func (m *manualCheckScreen) focusOn(o fyne.Focusable) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(m.why); c != nil {
		c.Focus(o)
	}
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
		m.showError(formText(err))
		return
	}
	m.complete(encounter.ManualResult{Referral: encounter.ReferralCodes[i].Code, Policy: d}, nil)
}

func (m *manualCheckScreen) showError(msg string) {
	m.errMsg.SetText(msg)
	m.errMsg.Show()
	m.errMsg.Refresh()
}
