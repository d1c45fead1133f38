package ui

import (
	"testing"
)

// headerMatchesForm fails unless the manual check's policy line says what
// the exemption rules conclude from the facts now on the form, or "not
// assessed" when the form gives no nationality or its zone is not read.
func headerMatchesForm(t *testing.T, f *wfFixture, when string) {
	t.Helper()
	m := f.ws.manual
	want := "Exemption: not assessed yet."
	tr, err := m.form.traveler()
	if err != nil {
		t.Fatalf("%s: form facts: %v", when, err)
	}
	zone := m.form.mrz1.Text + "\n" + m.form.mrz2.Text
	if read := zone == "\n" || zone == m.form.read1; read && tr.Nationality != "" { // a zone typed but not read concludes nothing
		d, err := f.ws.decideTraveler(tr)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		want = d.Sentence
	}
	if m.policy.Text != want {
		t.Errorf("%s: MRZ line 1 %q, nationality %q: the header says %q, want %q",
			when, m.form.mrz1.Text, tr.Nationality, m.policy.Text, want)
	}
}

// TestManualCheckHeaderFollowsTheMRZ: the manual check's policy line
// always concludes from the document now in the form: a new zone read
// replaces the last one's conclusion, an edited zone leaves none, and a
// check cancelled (Esc) and opened again shows the facts it concludes
// from (the opt-out's, for a traveler who asked for one) or none at all.
func TestManualCheckHeaderFollowsTheMRZ(t *testing.T) {
	f := newWF(t, noMatch)
	f.login(testPIN, f.code(), true)
	m := f.ws.manual

	// A NO MATCH checked by hand: one passport read, then another.
	f.key(keyCapture)
	f.decided("NO MATCH")
	f.key(keyManualCheck)
	headerMatchesForm(t, f, "opened")
	f.typeInto(m.form.mrz1, mrzFRA1)
	f.typeInto(m.form.mrz2, mrzFRA2)
	f.enter()
	f.key(keyDecide)
	headerMatchesForm(t, f, "French passport read")
	fra := m.policy.Text
	m.form.mrz1.SetText("")
	m.form.mrz2.SetText("")
	f.typeInto(m.form.mrz1, mrzUSA1)
	headerMatchesForm(t, f, "zone edited, not read")
	f.typeInto(m.form.mrz2, mrzUSA2)
	f.enter()
	headerMatchesForm(t, f, "U.S. passport read after the French one")
	if m.policy.Text == fra {
		t.Errorf("the French passport's conclusion stays over the U.S. one: %q", fra)
	}
	f.key(keyBack) // Esc: cancelled
	f.key(keyManualCheck)
	headerMatchesForm(t, f, "reopened after Esc")
	f.key(keyBack)

	// A refused opt-out: the check opens on the opt-out's document and
	// conclusion, and again after Esc.
	f2 := newWF(t, noMatch)
	f2.login(testPIN, f2.code(), true)
	f2.key(keyOptOut)
	o := f2.ws.optOut.form
	f2.typeInto(o.mrz1, mrzFRA1)
	f2.typeInto(o.mrz2, mrzFRA2)
	f2.enter()
	f2.key(keyDecide)
	f2.decided("PHOTO MAY BE REQUIRED")
	f2.key(keyManualCheck)
	headerMatchesForm(t, f2, "opened after the refused opt-out")
	if f2.ws.manual.form.mrz1.Text != mrzFRA1 {
		t.Errorf("the opt-out's document is not in the check: %q", f2.ws.manual.form.mrz1.Text)
	}
	f2.key(keyBack)
	f2.key(keyManualCheck)
	headerMatchesForm(t, f2, "reopened after Esc")
}
