package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"veriport/encounter"
)

// A U.S. citizen presenting a French passport answers "U.S. citizen" on the
// form and may opt out: the passport shown does not decide citizenship.
func TestOptOutDualNational(t *testing.T) {
	f := newWF(t, matchT7)
	f.login(testPIN, f.code(), true)
	f.key(keyOptOut)
	o := f.ws.optOut
	f.typeInto(o.form.mrz1, mrzFRA1)
	f.typeInto(o.form.mrz2, mrzFRA2)
	f.enter()
	test.Tap(o.form.usCitizen)
	f.key(keyDecide)
	if f.ws.showing() != screenManual {
		t.Fatalf("dual national not let to opt out: screen %d, banner %q", f.ws.showing(), f.ws.booth.bannerText.Text)
	}
	m := f.ws.manual
	if !strings.Contains(m.policy.Text, "U.S. citizen") || !m.form.usCitizen.Checked || m.form.nationality.Text != "FRA" {
		t.Errorf("manual check after a dual national's opt-out: policy %q, citizen %v, nationality %q",
			m.policy.Text, m.form.usCitizen.Checked, m.form.nationality.Text)
	}
}

// An in-scope traveler's refused opt-out says the photo may be required and
// offers the manual check as the alternative. A Canadian holding a visa (E-2
// here) is not covered by the Canadian B-visitor exemption; "B-2" typed as
// the class of admission would be (encounter.TestCanadianB2AdmissionExempt).
func TestOptOutInScopeOffersAlternative(t *testing.T) {
	f := newWF(t, matchT7)
	f.login(testPIN, f.code(), true)
	f.key(keyOptOut)
	o := f.ws.optOut
	f.typeInto(o.form.nationality, "CAN")
	f.typeInto(o.form.visa, "E-2")
	test.Tap(o.form.flags[encounter.FlagBVisitorWithoutVisa])
	f.key(keyDecide)
	b := f.ws.booth
	if f.ws.showing() != screenBooth || !strings.Contains(b.bannerText.Text, "may be required") ||
		!strings.Contains(b.bannerText.Text, "[Alt+M]") || b.bannerTitle.Text == "PHOTO REQUIRED" {
		t.Errorf("screen %d banner %q / %q", f.ws.showing(), b.bannerTitle.Text, b.bannerText.Text)
	}
	if !strings.Contains(flagLabelOf(encounter.FlagBVisitorWithoutVisa), "I-94") ||
		!strings.Contains(flagLabelOf(encounter.FlagBVisitorWithoutVisa), "I-95") {
		t.Errorf("B-visitor label %q", flagLabelOf(encounter.FlagBVisitorWithoutVisa))
	}
}

// Zones that are read but look wrong show a warning next to the zone.
func TestOptOutFormShowsMRZWarnings(t *testing.T) {
	f := newWF(t, matchT7)
	f.login(testPIN, f.code(), true)
	f.key(keyOptOut)
	o := f.ws.optOut
	f.typeInto(o.form.mrz1, "P<FRA<<CLAIRE"+strings.Repeat("<", 44-13))
	f.typeInto(o.form.mrz2, mrzFRA2)
	f.enter()
	if o.form.mrzErrors.Visible() || !o.form.mrzWarnings.Visible() ||
		o.form.mrzWarnings.Importance != widget.WarningImportance || !strings.Contains(o.form.mrzWarnings.Text, "one name") {
		t.Errorf("errors %q (visible %v), warnings %q (visible %v)", o.form.mrzErrors.Text, o.form.mrzErrors.Visible(),
			o.form.mrzWarnings.Text, o.form.mrzWarnings.Visible())
	}
	if o.form.nationality.Text != "FRA" {
		t.Errorf("zone with a warning not used: nationality %q", o.form.nationality.Text)
	}
}

func flagLabelOf(fl encounter.Flag) string {
	for _, l := range flagLabels {
		if l.flag == fl {
			return l.label
		}
	}
	return ""
}
