package encounter

import (
	"testing"
	"time"
)

// TestCanadianB2AdmissionExempt: a Canadian admitted as a B visitor with
// "B-2" (or "B2", "B-1/B-2") typed in the visa field is exempt: B-2 is the
// class of admission the exemption describes, not a visa. A Canadian who
// holds a real visa class (E-2) is not exempt by that rule.
func TestCanadianB2AdmissionExempt(t *testing.T) {
	p := seedPolicy(t)
	adult := day(1980, 5, 5)
	for _, v := range []string{"", "B-2", "b2", "B-1", "B-1/B-2", "B1/B2"} {
		d, err := p.Decide(Traveler{Nationality: "CAN", BirthDate: adult, VisaClass: v,
			Flags: []Flag{FlagBVisitorWithoutVisa}}, encounterDay)
		if err != nil {
			t.Fatal(err)
		}
		if d.Category != CategoryExempt || d.Reason != "canadian-b-visitor" {
			t.Errorf("Canadian B visitor, visa field %q: %s %q (%s)", v, d.Category, d.Reason, d.Sentence)
		}
	}
	d, err := p.Decide(Traveler{Nationality: "CAN", BirthDate: adult, VisaClass: "E-2",
		Flags: []Flag{FlagBVisitorWithoutVisa}}, encounterDay)
	if err != nil || d.Category != CategoryInScope {
		t.Errorf("Canadian holding an E-2 visa: %s %v, want in-scope", d.Category, err)
	}
}

// TestDualCanadianExempt: citizenship, not the passport shown, decides: a
// dual Canadian citizen presenting a French passport, for whom the officer
// ticked "Canadian admitted as a B visitor without a visa", is exempt as a
// Canadian would be. Without the box, a French passport is in-scope.
func TestDualCanadianExempt(t *testing.T) {
	p := seedPolicy(t)
	tr := Traveler{Nationality: "FRA", BirthDate: day(1980, 5, 5), Flags: []Flag{FlagBVisitorWithoutVisa}}
	d, err := p.Decide(tr, encounterDay)
	if err != nil {
		t.Fatal(err)
	}
	if d.Category != CategoryExempt || d.Reason != "canadian-b-visitor" {
		t.Errorf("dual Canadian on a FRA passport, box ticked: %s %q (%s)", d.Category, d.Reason, d.Sentence)
	}
	tr.Flags = nil
	if d, _ := p.Decide(tr, encounterDay); d.Category != CategoryInScope {
		t.Errorf("FRA passport without the box: %s", d.Category)
	}
}

// TestMRZNationalityD: German passports carry the nationality "D" (ICAO
// 9303 Part 3); it is Germany (DEU), not "not a three-letter code", from
// the zone and typed by hand alike.
func TestMRZNationalityD(t *testing.T) {
	p := seedPolicy(t)
	for _, nat := range []string{"D", "D<<", "d"} {
		d, err := p.Decide(Traveler{Nationality: nat, BirthDate: day(1980, 5, 5)}, encounterDay)
		if err != nil {
			t.Errorf("nationality %q refused: %v", nat, err)
			continue
		}
		if d.Category != CategoryInScope {
			t.Errorf("nationality %q: %s", nat, d.Category)
		}
	}
	m := &MRZ{Nationality: "D", BirthDate: day(1980, 5, 5)}
	if got := m.Traveler().Nationality; got != "DEU" {
		t.Errorf("MRZ nationality D gives %q, want DEU", got)
	}
	if got := NormaliseNationality("D<<"); got != "DEU" {
		t.Errorf("NormaliseNationality(D<<) = %q", got)
	}
}

// TestAgeBoundaryPortTimezone: the day that decides an age exemption is the
// port's ([workflow] port_timezone), whatever zone the workstation's clock
// runs in. At 23:30 on 24 Nov in New York (04:30 UTC on the 25th, the
// traveler's 14th birthday) the traveler is still 13 there: exempt.
func TestAgeBoundaryPortTimezone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tz database")
	}
	p := seedPolicy(t)
	p.SetPortZone(ny)
	now := time.Date(2026, 11, 25, 4, 30, 0, 0, time.UTC) // the workstation runs on UTC
	tr := Traveler{Nationality: "GBR", BirthDate: day(2012, 11, 25)}
	d, err := p.Decide(tr, now)
	if err != nil {
		t.Fatal(err)
	}
	if d.Age != 13 || d.Reason != ReasonYoungerThan {
		t.Errorf("at the port it is 24 Nov: age %d reason %q, want 13 and exempt (%s)", d.Age, d.Reason, d.Sentence)
	}
	// Without a port zone the encounter's own zone (the clock's) decides.
	q := seedPolicy(t)
	if d, _ := q.Decide(tr, now); d.Age != 14 {
		t.Errorf("no port zone: age %d, want 14 (UTC day)", d.Age)
	}
}

// TestVisaClassLeadingZero: "A-01" is A-1 (diplomatic), as "a1" is.
func TestVisaClassLeadingZero(t *testing.T) {
	for in, want := range map[string]string{"A-01": "A-1", "a01": "A-1", "NATO-06": "NATO-6", "G 4": "G-4",
		"B1/B2": "B-1/B-2", "b-1/b-2": "B-1/B-2"} {
		if got := NormaliseVisaClass(in); got != want {
			t.Errorf("NormaliseVisaClass(%q) = %q, want %q", in, got, want)
		}
	}
}
