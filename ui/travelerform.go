package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"veriport/encounter"
)

// travelerForm is the part of the opt-out and manual-check screens where the
// officer types or scans the passport's MRZ and confirms the facts the
// exemption policy needs: nationality, date of birth, visa class, lawful
// permanent residence and admission flags. Reading the MRZ fills nationality
// and date of birth; every wrong check digit is flagged at its position.
type travelerForm struct {
	now   func() time.Time
	touch func()

	mrz1, mrz2   *keyEntry
	mark1, mark2 *widget.Label // carets under the wrong characters
	mrzErrors    *widget.Label
	mrzWarnings  *widget.Label // read, but worth comparing with the data page
	parsed       *widget.Label
	nationality  *keyEntry
	birth        *keyEntry
	visa         *keyEntry
	usCitizen    *widget.Check // citizenship, whatever passport is shown
	lpr          *widget.Check
	flags        map[encounter.Flag]*widget.Check
	read         *widget.Button

	// onRead, when set, hears every zone read (nil when it could not be
	// parsed at all).
	onRead func(*encounter.MRZ)
	mrz    *encounter.MRZ // the last zone read without errors
	mrzErr error          // the last zone's problems
	read1  string         // the zone last read (line 1 + line 2); "" when none
	zone   *encounter.MRZ // the last zone read, even with errors

	// onStale, when set, hears that a zone already read was edited.
	onStale func()
}

// flagLabels are the admission facts the officer can confirm, in order.
var flagLabels = []struct {
	flag  encounter.Flag
	label string
}{
	{encounter.FlagBVisitorWithoutVisa, "Canadian admitted as a B visitor without a visa, I-94 or I-95"},
	{encounter.FlagAttendant, "Attendant, servant or personal employee (C-3)"},
	{encounter.FlagTaiwanOfficial, "Taiwan official or immediate family (E-1)"},
	{encounter.FlagSecretaryExempted, "Exempted by the Secretaries"},
}

func newTravelerForm(now func() time.Time, touch func()) *travelerForm {
	return &travelerForm{now: now, touch: touch}
}

func mono(e *keyEntry) *keyEntry {
	e.TextStyle = fyne.TextStyle{Monospace: true}
	return e
}

func (f *travelerForm) build() fyne.CanvasObject {
	f.mrz1 = mono(newKeyEntry())
	f.mrz1.SetPlaceHolder("MRZ line 1: P<UTO...  (44 characters)")
	f.mrz2 = mono(newKeyEntry())
	f.mrz2.SetPlaceHolder("MRZ line 2  (44 characters), Enter reads the zone")
	f.mrz1.OnChanged = f.onLine1Changed
	f.mrz2.OnChanged = func(string) { f.touch(); f.staleRead() }
	f.mrz1.OnSubmitted = func(string) { f.focus(f.mrz2) }
	f.mrz2.OnSubmitted = func(string) { f.onReadMRZ() }
	f.mark1, f.mark2 = markLabel(), markLabel()
	f.mrzErrors = widget.NewLabel("")
	f.mrzErrors.Importance = widget.DangerImportance
	f.mrzErrors.Wrapping = fyne.TextWrapWord
	f.mrzErrors.Hide()
	f.mrzWarnings = widget.NewLabel("")
	f.mrzWarnings.Importance = widget.WarningImportance
	f.mrzWarnings.Wrapping = fyne.TextWrapWord
	f.mrzWarnings.Hide()
	f.parsed = widget.NewLabel("")
	f.parsed.Wrapping = fyne.TextWrapWord
	f.parsed.Hide()
	f.read = widget.NewButton("Read MRZ  [Enter]", f.onReadMRZ)

	f.nationality = newKeyEntry()
	f.nationality.SetPlaceHolder("three letters, e.g. USA, CAN, FRA")
	f.birth = newKeyEntry()
	f.birth.SetPlaceHolder("YYYY-MM-DD (blank if unknown)")
	f.visa = newKeyEntry()
	f.visa.SetPlaceHolder("visa class, e.g. B-2, A-1 (blank if none)")
	for _, e := range []*keyEntry{f.nationality, f.birth, f.visa} {
		e.OnChanged = func(string) { f.touch() }
	}
	f.usCitizen = widget.NewCheck("U.S. citizen (also a dual national showing another passport)", func(bool) { f.touch() })
	f.lpr = widget.NewCheck("Lawful permanent resident", func(bool) { f.touch() })
	f.flags = map[encounter.Flag]*widget.Check{}
	flagBox := container.NewVBox(wrappedCheck(f.usCitizen), wrappedCheck(f.lpr))
	for _, fl := range flagLabels {
		c := widget.NewCheck(fl.label, func(bool) { f.touch() })
		f.flags[fl.flag] = c
		flagBox.Add(wrappedCheck(c))
	}
	zone := mrzSized(container.NewVBox(f.mrz1, f.mark1, f.mrz2, f.mark2))
	mrzBox := container.NewVBox(zone, f.read, f.mrzErrors, f.mrzWarnings, f.parsed)
	facts := widget.NewForm(
		widget.NewFormItem("Nationality", f.nationality),
		widget.NewFormItem("Date of birth", f.birth),
		widget.NewFormItem("Visa class", f.visa),
	)
	return container.NewVBox(widget.NewCard("", "Passport machine-readable zone", mrzBox),
		widget.NewCard("", "Traveler facts", container.NewVBox(facts, flagBox)))
}

func markLabel() *widget.Label {
	l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true, Bold: true})
	l.Importance = widget.DangerImportance
	l.Truncation = fyne.TextTruncateEllipsis // under a zone wider than the panel
	l.Hide()
	return l
}

func (f *travelerForm) focus(o fyne.Focusable) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(f.mrz1); c != nil {
		c.Focus(o)
	}
}

// onLine1Changed splits a scanned zone that arrived as one run of 88
// characters (a single-line field drops the scanner's line break).
func (f *travelerForm) onLine1Changed(s string) {
	f.touch()
	f.staleRead()
	s = strings.TrimSpace(s)
	if len(s) == 2*encounter.TD3LineLength && f.mrz2.Text == "" {
		f.mrz1.SetText(s[:encounter.TD3LineLength])
		f.mrz2.SetText(s[encounter.TD3LineLength:])
	}
}

// reset empties the form.
func (f *travelerForm) reset() {
	for _, e := range []*keyEntry{f.mrz1, f.mrz2, f.nationality, f.birth, f.visa} {
		e.SetText("")
	}
	f.usCitizen.SetChecked(false)
	f.lpr.SetChecked(false)
	for _, c := range f.flags {
		c.SetChecked(false)
	}
	f.mark1.Hide()
	f.mark2.Hide()
	f.mrzErrors.Hide()
	f.mrzWarnings.Hide()
	f.parsed.Hide()
	f.mrz, f.mrzErr, f.zone, f.read1 = nil, nil, nil, ""
}

// staleRead hides the last reading once the zone is edited: no old parse
// or error stays under a different zone.
func (f *travelerForm) staleRead() {
	if f.read1 == "" || f.read1 == f.mrz1.Text+"\n"+f.mrz2.Text {
		return
	}
	f.mark1.Hide()
	f.mark2.Hide()
	f.mrzErrors.Hide()
	f.parsed.Hide()
	f.mrz, f.mrzErr, f.zone, f.read1 = nil, nil, nil, ""
	if f.onStale != nil {
		f.onStale()
	}
}

// readIfTyped reads the zone when one is typed but not read as it stands.
func (f *travelerForm) readIfTyped() {
	if z := f.mrz1.Text + "\n" + f.mrz2.Text; z != "\n" && z != f.read1 {
		f.onReadMRZ()
	}
}

// documentProblems lists what the zone read failed: each wrong check digit
// or field, and an expired document. Empty when the zone passed or none was
// typed.
func (f *travelerForm) documentProblems() []string {
	var out []string
	var fes encounter.MRZErrors
	var fe *encounter.FieldError
	switch {
	case errors.As(f.mrzErr, &fes):
		for _, e := range fes {
			out = append(out, e.Error())
		}
	case errors.As(f.mrzErr, &fe):
		out = append(out, fe.Error())
	case f.mrzErr != nil:
		out = append(out, mrzUnread(f.mrzErr))
	}
	if f.zone != nil && f.zone.Expired(f.now()) {
		out = append(out, "expired on "+f.zone.ExpiryDate.Format(time.DateOnly))
	}
	return out
}

// onReadMRZ parses the zone, shows its fields and flags every problem at
// its position; the facts take nationality and date of birth from it.
func (f *travelerForm) onReadMRZ() {
	f.touch()
	f.read1 = f.mrz1.Text + "\n" + f.mrz2.Text
	m, err := encounter.ParseMRZ(f.read1, f.now())
	f.mrz, f.mrzErr, f.zone = nil, err, m
	f.showMarks(err)
	f.mrzWarnings.Hide()
	if m != nil {
		if w := m.Warnings(); len(w) > 0 {
			f.mrzWarnings.SetText("Check: " + strings.Join(w, "\nCheck: "))
			f.mrzWarnings.Show()
		}
		f.parsed.SetText(mrzSummary(m, f.now()))
		f.parsed.Show()
		f.nationality.SetText(m.Nationality)
		f.birth.SetText("")
		if m.BirthDateKnown() {
			f.birth.SetText(m.BirthDate.Format(time.DateOnly))
		}
	} else {
		f.parsed.Hide()
	}
	if err == nil {
		f.mrz = m
	}
	if f.onRead != nil {
		f.onRead(m)
	}
}

// showMarks draws carets under each wrong character and lists the problems.
func (f *travelerForm) showMarks(err error) {
	marks := [2][]byte{[]byte(strings.Repeat(" ", encounter.TD3LineLength)),
		[]byte(strings.Repeat(" ", encounter.TD3LineLength))}
	var msgs []string
	var fes encounter.MRZErrors
	var fe *encounter.FieldError
	switch {
	case errors.As(err, &fes):
	case errors.As(err, &fe):
		fes = encounter.MRZErrors{fe}
	case err != nil:
		msgs = append(msgs, mrzUnread(err))
	}
	used := [2]bool{}
	for _, e := range fes {
		msgs = append(msgs, e.Error())
		if e.Line >= 1 && e.Line <= 2 && e.Column >= 1 && e.Column <= encounter.TD3LineLength {
			marks[e.Line-1][e.Column-1] = '^'
			used[e.Line-1] = true
		}
	}
	for i, l := range []*widget.Label{f.mark1, f.mark2} {
		l.SetText(strings.TrimRight(string(marks[i]), " "))
		l.Hidden = !used[i]
		l.Refresh()
	}
	f.mrzErrors.SetText(strings.Join(msgs, "\n"))
	f.mrzErrors.Hidden = len(msgs) == 0
	f.mrzErrors.Refresh()
}

// mrzSummary is what the officer compares with the document and the holder.
func mrzSummary(m *encounter.MRZ, now time.Time) string {
	date := func(t time.Time) string {
		if t.IsZero() {
			return "unknown"
		}
		return t.Format(time.DateOnly)
	}
	expiry := date(m.ExpiryDate)
	if m.Expired(now) {
		expiry += "  — EXPIRED"
	}
	sex := m.Sex
	if sex == "" {
		sex = "unspecified"
	}
	if m.Surname == "" {
		return fmt.Sprintf("Name (one name only): %s\nDocument: %s issued by %s, expires %s\nNationality: %s   Born: %s   Sex: %s",
			m.GivenNames, m.DocumentNumber, m.IssuingState, expiry, m.Nationality, date(m.BirthDate), sex)
	}
	return fmt.Sprintf("Name: %s, %s\nDocument: %s issued by %s, expires %s\nNationality: %s   Born: %s   Sex: %s",
		m.Surname, m.GivenNames, m.DocumentNumber, m.IssuingState, expiry, m.Nationality, date(m.BirthDate), sex)
}

// traveler returns the policy input from the facts as typed.
func (f *travelerForm) traveler() (encounter.Traveler, error) {
	t := encounter.Traveler{
		Nationality: strings.ToUpper(strings.TrimSpace(f.nationality.Text)),
		VisaClass:   strings.TrimSpace(f.visa.Text),
		USCitizen:   f.usCitizen.Checked,
		LPR:         f.lpr.Checked,
	}
	if s := strings.TrimSpace(f.birth.Text); s != "" {
		b, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return t, formError(fmt.Sprintf("Date of birth %q: write it as YYYY-MM-DD.", s))
		}
		t.BirthDate = b
	}
	for _, fl := range flagLabels {
		if f.flags[fl.flag].Checked {
			t.Flags = append(t.Flags, fl.flag)
		}
	}
	return t, nil
}

// errNoNationality means the rules cannot be applied yet.
const errNoNationality = formError("Enter the nationality (three letters) or read the MRZ to apply the exemption rules.")

// copyFrom carries the facts and zone typed on another form over.
func (f *travelerForm) copyFrom(o *travelerForm) {
	for _, p := range [][2]*keyEntry{{f.mrz1, o.mrz1}, {f.mrz2, o.mrz2}, {f.nationality, o.nationality},
		{f.birth, o.birth}, {f.visa, o.visa}} {
		p[0].SetText(p[1].Text)
	}
	f.usCitizen.SetChecked(o.usCitizen.Checked)
	f.lpr.SetChecked(o.lpr.Checked)
	for fl, c := range f.flags {
		c.SetChecked(o.flags[fl].Checked)
	}
	if o.mrz1.Text != "" || o.mrz2.Text != "" {
		f.onReadMRZ()
		f.nationality.SetText(o.nationality.Text) // the officer's reading wins
		f.birth.SetText(o.birth.Text)
	}
}
