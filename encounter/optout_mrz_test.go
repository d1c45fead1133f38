package encounter

import (
	"errors"
	"strings"
	"testing"
)

// A dual national presenting a foreign passport is a U.S. citizen: the
// citizenship answer decides, not the nationality of the passport shown.
func TestOptOutDualNational(t *testing.T) {
	p := seedPolicy(t)
	d, err := p.Decide(Traveler{Nationality: "FRA", BirthDate: adult, USCitizen: true}, encounterDay)
	if err != nil {
		t.Fatal(err)
	}
	if d.Category != CategoryUSCitizen || !d.MayOptOut || !strings.Contains(d.Sentence, "U.S. citizen") {
		t.Errorf("dual national on a French passport: %+v", d)
	}
	// Without the citizenship answer the same passport is in scope.
	if d, _ := p.Decide(Traveler{Nationality: "FRA", BirthDate: adult}, encounterDay); d.Category != CategoryInScope {
		t.Errorf("French passport, not a U.S. citizen: %+v", d)
	}
}

// The Canadian B-visitor exemption covers only Canadians not required to
// present a visa: a visa class voids it, whatever the flag says. (B-1 and
// B-2 typed in the visa field are the class of admission the exemption
// describes, not a visa: TestCanadianB2AdmissionExempt.)
func TestCanadianWithVisaNotExempt(t *testing.T) {
	p := seedPolicy(t)
	flag := []Flag{FlagBVisitorWithoutVisa}
	d, err := p.Decide(Traveler{Nationality: "CAN", BirthDate: adult, VisaClass: "E-2", Flags: flag}, encounterDay)
	if err != nil {
		t.Fatal(err)
	}
	if d.Category != CategoryInScope || d.MayOptOut {
		t.Errorf("Canadian with visa E-2 and the flag: %+v", d)
	}
	if !strings.Contains(d.Sentence, "visa") {
		t.Errorf("the officer is not told why the flag did not apply: %q", d.Sentence)
	}
	d, _ = p.Decide(Traveler{Nationality: "CAN", BirthDate: adult, Flags: flag}, encounterDay)
	if d.Category != CategoryExempt || d.Reason != "canadian-b-visitor" {
		t.Errorf("Canadian without visa, with the flag: %+v", d)
	}
	for _, id := range []string{"seed", "final-rule-2025"} {
		rs, _ := DefaultRules().ByID(id)
		for _, e := range rs.Exemptions {
			if e.Reason == "canadian-b-visitor" && (!e.WithoutVisa || !strings.Contains(e.Text, "I-95")) {
				t.Errorf("rule set %s: Canadian exemption %+v must require no visa and name the I-95", id, e)
			}
		}
	}
}

// In-scope travelers "may be required" to provide the photo and are offered
// the alternative route; the rules never say "required, nothing else".
func TestInScopeWordingMayBeRequired(t *testing.T) {
	d, err := seedPolicy(t).Decide(Traveler{Nationality: "FRA", BirthDate: adult, VisaClass: "B-2"}, encounterDay)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Sentence, "may be required") || !strings.Contains(d.Sentence, "manual") ||
		strings.Contains(d.Sentence, "the photo is required") {
		t.Errorf("in-scope sentence %q", d.Sentence)
	}
}

// Sex X is printed on some data pages, but ICAO 9303 allows only F, M and
// < in the zone.
func TestMRZSexXRefused(t *testing.T) {
	_, err := ParseMRZ(specimen1+"\n"+line2("L898902C3", "UTO", "740812", "X", "320415", ""), today)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != FieldSex || fe.Column != 21 || !errors.Is(err, ErrMRZField) {
		t.Fatalf("sex X: %v", err)
	}
	if !strings.Contains(err.Error(), "<") {
		t.Errorf("message does not say what to use instead: %v", err)
	}
}

// An expiry date before the date of birth is read but flagged for the
// officer to check against the document.
func TestMRZExpiryBeforeBirthWarns(t *testing.T) {
	m, err := ParseMRZ(specimen1+"\n"+line2("L898902C3", "UTO", "990101", "F", "770101", ""), today)
	if err != nil {
		t.Fatal(err)
	}
	w := m.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "expiry") || !strings.Contains(w[0], "birth") {
		t.Errorf("warnings %q", w)
	}
	m, _ = ParseMRZ(specimen1+"\n"+specimen2, today)
	if w := m.Warnings(); len(w) != 0 {
		t.Errorf("specimen warns: %q", w)
	}
}

// Some passports carry a single name in the given-name position
// ("P<UTO<<ANNA..."): the zone is read, with a warning, not refused.
func TestMRZSingleNameInGivenPositionWarns(t *testing.T) {
	l1 := "P<UTO<<ANNA" + strings.Repeat("<", 44-11)
	m, err := ParseMRZ(l1+"\n"+specimen2, today)
	if err != nil {
		t.Fatalf("single given name refused: %v", err)
	}
	if m.Surname != "" || m.GivenNames != "ANNA" {
		t.Errorf("name read as %q %q", m.Surname, m.GivenNames)
	}
	if w := m.Warnings(); len(w) != 1 || !strings.Contains(w[0], "one name") {
		t.Errorf("warnings %q", w)
	}
	// No name at all is still refused.
	if _, err := ParseMRZ("P<UTO"+strings.Repeat("<", 39)+"\n"+specimen2, today); !errors.Is(err, ErrMRZField) {
		t.Errorf("empty name accepted: %v", err)
	}
}

// A date with letters gets a format error at the date, not a check-digit
// error computed from the letters.
func TestMRZNonNumericDateFormatError(t *testing.T) {
	for _, c := range []struct {
		name  string
		l2    string
		col   int
		field Field
	}{
		{"birth", setAt(specimen2, 16, 'O', false), 14, FieldBirthDate},
		{"expiry", setAt(specimen2, 23, 'I', false), 22, FieldExpiryDate},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseMRZ(specimen1+"\n"+c.l2, today)
			if !errors.Is(err, ErrMRZField) {
				t.Fatalf("error %v", err)
			}
			if errors.Is(err, ErrMRZCheckDigit) {
				t.Errorf("check-digit error computed from letters: %v", err)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != c.field || !strings.Contains(err.Error(), "YYMMDD") {
				t.Errorf("error %v", err)
			}
		})
	}
}
