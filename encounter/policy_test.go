package encounter

import (
	"errors"
	"strings"
	"testing"
	"time"

	"veriport/config"
)

var encounterDay = time.Date(2026, 11, 25, 9, 15, 0, 0, time.UTC)

// adult is 40 on encounterDay: no age exemption.
var adult = day(1986, 3, 2)

func seedPolicy(t *testing.T) *Policy {
	t.Helper()
	p, err := NewPolicy(DefaultRules(), "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPolicyEveryClass(t *testing.T) {
	flags := func(f ...Flag) []Flag { return f }
	cases := []struct {
		name     string
		tr       Traveler
		category Category
		reason   Reason
		optOut   bool
	}{
		{"U.S. citizen", Traveler{Nationality: "USA", BirthDate: adult}, CategoryUSCitizen, "", true},
		{"U.S. citizen lowercase code", Traveler{Nationality: " usa", BirthDate: adult}, CategoryUSCitizen, "", true},
		{"U.S. citizen aged 5", Traveler{Nationality: "USA", BirthDate: day(2021, 1, 1)}, CategoryUSCitizen, "", true},
		{"Canadian B visitor without visa", Traveler{Nationality: "CAN", BirthDate: adult, Flags: flags(FlagBVisitorWithoutVisa)}, CategoryExempt, "canadian-b-visitor", true},
		{"Canadian without the B-visitor flag", Traveler{Nationality: "CAN", BirthDate: adult}, CategoryInScope, "", false},
		// The box is the officer's word that the traveler is a Canadian
		// admitted as a B visitor: a dual national's MEX passport does not
		// void it (citizenship decides, not the passport; issue 25).
		{"B visitor flag on a dual Canadian's MEX passport", Traveler{Nationality: "MEX", BirthDate: adult, Flags: flags(FlagBVisitorWithoutVisa)}, CategoryExempt, "canadian-b-visitor", true},
		{"A-1", Traveler{Nationality: "FRA", BirthDate: adult, VisaClass: "A-1"}, CategoryExempt, "diplomatic-visa", true},
		{"A-2 typed a2", Traveler{Nationality: "FRA", BirthDate: adult, VisaClass: "a2"}, CategoryExempt, "diplomatic-visa", true},
		{"A-3 is not exempt", Traveler{Nationality: "FRA", BirthDate: adult, VisaClass: "A-3"}, CategoryInScope, "", false},
		{"C-3", Traveler{Nationality: "KEN", BirthDate: adult, VisaClass: "C-3"}, CategoryExempt, "c3-visa", true},
		{"C-3 attendant", Traveler{Nationality: "KEN", BirthDate: adult, VisaClass: "C-3", Flags: flags(FlagAttendant)}, CategoryInScope, "", false},
		{"C-1 is not exempt", Traveler{Nationality: "KEN", BirthDate: adult, VisaClass: "C-1"}, CategoryInScope, "", false},
		{"G-1", Traveler{Nationality: "BRA", BirthDate: adult, VisaClass: "G-1"}, CategoryExempt, "diplomatic-visa", true},
		{"G-2", Traveler{Nationality: "BRA", BirthDate: adult, VisaClass: "G-2"}, CategoryExempt, "diplomatic-visa", true},
		{"G-3", Traveler{Nationality: "BRA", BirthDate: adult, VisaClass: "G-3"}, CategoryExempt, "diplomatic-visa", true},
		{"G-4", Traveler{Nationality: "BRA", BirthDate: adult, VisaClass: "G 4"}, CategoryExempt, "diplomatic-visa", true},
		{"G-5 is not exempt", Traveler{Nationality: "BRA", BirthDate: adult, VisaClass: "G-5"}, CategoryInScope, "", false},
		{"NATO-1", Traveler{Nationality: "DEU", BirthDate: adult, VisaClass: "NATO-1"}, CategoryExempt, "diplomatic-visa", true},
		{"NATO-2", Traveler{Nationality: "DEU", BirthDate: adult, VisaClass: "NATO-2"}, CategoryExempt, "diplomatic-visa", true},
		{"NATO-3", Traveler{Nationality: "DEU", BirthDate: adult, VisaClass: "nato3"}, CategoryExempt, "diplomatic-visa", true},
		{"NATO-4", Traveler{Nationality: "DEU", BirthDate: adult, VisaClass: "NATO-4"}, CategoryExempt, "diplomatic-visa", true},
		{"NATO-5", Traveler{Nationality: "DEU", BirthDate: adult, VisaClass: "NATO-5"}, CategoryExempt, "diplomatic-visa", true},
		{"NATO-6", Traveler{Nationality: "DEU", BirthDate: adult, VisaClass: "NATO 6"}, CategoryExempt, "diplomatic-visa", true},
		{"NATO-7 is not exempt", Traveler{Nationality: "DEU", BirthDate: adult, VisaClass: "NATO-7"}, CategoryInScope, "", false},
		{"Taiwan official E-1", Traveler{Nationality: "TWN", BirthDate: adult, VisaClass: "E-1", Flags: flags(FlagTaiwanOfficial)}, CategoryExempt, "taiwan-e1", true},
		{"E-1 without the official flag", Traveler{Nationality: "TWN", BirthDate: adult, VisaClass: "E-1"}, CategoryInScope, "", false},
		{"official flag without E-1", Traveler{Nationality: "TWN", BirthDate: adult, VisaClass: "E-2", Flags: flags(FlagTaiwanOfficial)}, CategoryInScope, "", false},
		{"exempted by the Secretaries", Traveler{Nationality: "GBR", BirthDate: adult, VisaClass: "B-2", Flags: flags(FlagSecretaryExempted)}, CategoryExempt, "secretaries", true},
		{"B-2 visitor", Traveler{Nationality: "GBR", BirthDate: adult, VisaClass: "B-2"}, CategoryInScope, "", false},
		{"no visa", Traveler{Nationality: "GBR", BirthDate: adult}, CategoryInScope, "", false},
		{"lawful permanent resident", Traveler{Nationality: "IND", BirthDate: adult, LPR: true}, CategoryLPR, "", false},
		{"LPR aged 10 is exempt by age", Traveler{Nationality: "IND", BirthDate: day(2016, 1, 1), LPR: true}, CategoryExempt, ReasonYoungerThan, true},
		{"birth date unknown", Traveler{Nationality: "GBR"}, CategoryInScope, "", false},
	}
	p := seedPolicy(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := p.Decide(c.tr, encounterDay)
			if err != nil {
				t.Fatal(err)
			}
			if d.Category != c.category || d.Reason != c.reason || d.MayOptOut != c.optOut {
				t.Errorf("got %s/%s opt-out=%v, want %s/%s opt-out=%v (%s)",
					d.Category, d.Reason, d.MayOptOut, c.category, c.reason, c.optOut, d.Sentence)
			}
			if d.RuleSet != SeedRuleSet || d.Sentence == "" {
				t.Errorf("rule set %q, sentence %q", d.RuleSet, d.Sentence)
			}
			if wantWord := map[bool]string{true: "may opt out", false: "photo may be required"}[c.optOut]; !strings.Contains(d.Sentence, wantWord) {
				t.Errorf("sentence %q lacks %q", d.Sentence, wantWord)
			}
		})
	}
}

func TestPolicyAgeOnTheDay(t *testing.T) {
	p := seedPolicy(t)
	cases := []struct {
		name   string
		birth  time.Time
		day    time.Time
		age    int
		reason Reason
	}{
		{"13, turns 14 tomorrow", day(2012, 11, 26), encounterDay, 13, ReasonYoungerThan},
		{"14 today: birthday is the encounter day", day(2012, 11, 25), encounterDay, 14, ""},
		{"14 and a day", day(2012, 11, 24), encounterDay, 14, ""},
		{"79 on the day", day(1947, 6, 1), encounterDay, 79, ""},
		{"79, turns 80 tomorrow", day(1946, 11, 26), encounterDay, 79, ""},
		{"80 today: birthday is the encounter day", day(1946, 11, 25), encounterDay, 80, ReasonOlderThan},
		{"80", day(1946, 1, 1), encounterDay, 80, ReasonOlderThan},
		{"newborn", day(2026, 11, 25), encounterDay, 0, ReasonYoungerThan},
		{"leap-day birth, common year, 28 Feb: still 13", day(2012, 2, 29), day(2026, 2, 28), 13, ReasonYoungerThan},
		{"leap-day birth, common year, 1 Mar: 14", day(2012, 2, 29), day(2026, 3, 1), 14, ""},
		{"leap-day birth, leap year, 29 Feb: 80", day(1948, 2, 29), day(2028, 2, 29), 80, ReasonOlderThan},
		{"leap-day birth, leap year, 28 Feb: 79", day(1948, 2, 29), day(2028, 2, 28), 79, ""},
		{"late evening in another zone counts its own day", day(2012, 11, 25),
			time.Date(2026, 11, 24, 23, 30, 0, 0, time.FixedZone("EST", -5*3600)), 13, ReasonYoungerThan},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := p.Decide(Traveler{Nationality: "GBR", BirthDate: c.birth, VisaClass: "B-2"}, c.day)
			if err != nil {
				t.Fatal(err)
			}
			if d.Age != c.age || d.Reason != c.reason {
				t.Errorf("age %d reason %q, want %d %q (%s)", d.Age, d.Reason, c.age, c.reason, d.Sentence)
			}
			if (c.reason != "") != (d.Category == CategoryExempt && d.MayOptOut) {
				t.Errorf("category %s opt-out %v", d.Category, d.MayOptOut)
			}
		})
	}
}

func TestPolicyBadInput(t *testing.T) {
	p := seedPolicy(t)
	for name, tr := range map[string]Traveler{
		"no nationality":       {},
		"two-letter code":      {Nationality: "US"},
		"digits":               {Nationality: "U5A"},
		"born after encounter": {Nationality: "GBR", BirthDate: day(2027, 1, 1)},
	} {
		if _, err := p.Decide(tr, encounterDay); !errors.Is(err, ErrTraveler) {
			t.Errorf("%s: error %v, want ErrTraveler", name, err)
		}
	}
}

func TestPolicyRuleSetChoice(t *testing.T) {
	rules := DefaultRules()
	if len(rules) != 2 || rules[0].ID != SeedRuleSet || rules[1].ID != "final-rule-2025" {
		t.Fatalf("shipped rule sets %v", rules.ids())
	}
	if !rules[1].EffectiveFrom.Equal(day(2025, 12, 26)) {
		t.Errorf("final rule effective %v", rules[1].EffectiveFrom)
	}
	tr := Traveler{Nationality: "GBR", BirthDate: adult}
	inForce, err := NewPolicy(rules, InForce)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		day  time.Time
		want string
	}{{day(2025, 12, 25), SeedRuleSet}, {day(2025, 12, 26), "final-rule-2025"}, {encounterDay, "final-rule-2025"}} {
		d, err := inForce.Decide(tr, c.day)
		if err != nil || d.RuleSet != c.want {
			t.Errorf("in force on %v: %q %v, want %q", c.day, d.RuleSet, err, c.want)
		}
	}
	if _, err := inForce.Decide(tr, day(2000, 1, 1)); !errors.Is(err, ErrRules) {
		t.Errorf("no rule set before the seed's: %v", err)
	}
	seed := seedPolicy(t)
	if d, _ := seed.Decide(tr, encounterDay); d.RuleSet != SeedRuleSet {
		t.Errorf("default choice applied %q after the final rule's day; the seed set must stay the default", d.RuleSet)
	}
	if _, err := NewPolicy(rules, "no-such-set"); !errors.Is(err, ErrRules) || !strings.Contains(err.Error(), "final-rule-2025") {
		t.Errorf("unknown choice: %v", err)
	}
}

func TestLoadRulesRefusesBadData(t *testing.T) {
	head := "[[ruleset]]\nid = \"x\"\neffective_from = 2020-01-01\ncitizen_nationality = \"USA\"\nexempt_younger_than = 14\nexempt_older_than = 79\n"
	for name, doc := range map[string]string{
		"not toml":         "[[ruleset",
		"empty":            "",
		"no id":            strings.Replace(head, "id = \"x\"", "", 1),
		"no date":          strings.Replace(head, "effective_from = 2020-01-01", "", 1),
		"ages reversed":    strings.Replace(head, "= 79", "= 10", 1),
		"unknown flag":     head + "[[ruleset.exemption]]\nreason = \"r\"\ntext = \"t\"\nrequires = \"vip\"\n",
		"no condition":     head + "[[ruleset.exemption]]\nreason = \"r\"\ntext = \"t\"\n",
		"duplicate id":     head + head,
		"reserved id":      strings.Replace(head, "\"x\"", "\"in-force\"", 1),
		"bad citizen code": strings.Replace(head, "\"USA\"", "\"US\"", 1),
	} {
		if _, err := LoadRules(strings.NewReader(doc)); !errors.Is(err, ErrRules) {
			t.Errorf("%s: error %v, want ErrRules", name, err)
		}
	}
}

func TestNormaliseVisaClass(t *testing.T) {
	for in, want := range map[string]string{"a1": "A-1", "NATO 6": "NATO-6", " g-4 ": "G-4", "": "", "E-1": "E-1"} {
		if got := NormaliseVisaClass(in); got != want {
			t.Errorf("NormaliseVisaClass(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConfiguredChoiceIsKnown(t *testing.T) {
	p, err := NewPolicy(DefaultRules(), config.Default().Workflow.PolicyRules)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := p.Decide(Traveler{Nationality: "USA"}, encounterDay); err != nil || d.RuleSet != SeedRuleSet {
		t.Errorf("default configuration applies %q (%v), want the seed set", d.RuleSet, err)
	}
}

func TestPolicyFromMRZ(t *testing.T) {
	// A U.S. passport zone and the ICAO specimen (nationality UTO) aged 52.
	us := "P<USAHOLDER<<PAT<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n" + line2("X12345678", "USA", "121126", "<", "301231", "")
	m, err := ParseMRZ(us, encounterDay)
	if err != nil {
		t.Fatal(err)
	}
	p := seedPolicy(t)
	if d, _ := p.Decide(m.Traveler(), encounterDay); d.Category != CategoryUSCitizen || d.Age != 13 || !d.MayOptOut {
		t.Errorf("U.S. passport: %+v", d)
	}
	m, err = ParseMRZ(specimen1+"\n"+specimen2, encounterDay)
	if err != nil {
		t.Fatal(err)
	}
	tr := m.Traveler()
	tr.VisaClass = "B-2"
	if d, _ := p.Decide(tr, encounterDay); d.Category != CategoryInScope || d.Age != 52 || d.MayOptOut {
		t.Errorf("specimen: %+v", d)
	}
	tr.VisaClass = "G-4"
	if d, _ := p.Decide(tr, encounterDay); d.Category != CategoryExempt || !d.MayOptOut {
		t.Errorf("specimen with G-4: %+v", d)
	}
}

func FuzzLoadRules(f *testing.F) {
	f.Add(embeddedRules)
	f.Add("[[ruleset]]\nid = \"x\"\neffective_from = 2020-01-01\ncitizen_nationality = \"USA\"\nexempt_older_than = 79\n")
	f.Add("[[ruleset]]\n[[ruleset.exemption]]\nvisa_classes = [\"\"]\n")
	f.Fuzz(func(t *testing.T, doc string) {
		rules, err := LoadRules(strings.NewReader(doc))
		if err != nil {
			if !errors.Is(err, ErrRules) {
				t.Fatalf("error %v does not wrap ErrRules", err)
			}
			return
		}
		p, err := NewPolicy(rules, InForce)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range []Traveler{{Nationality: "USA"}, {Nationality: "CAN", BirthDate: adult, VisaClass: "c3", Flags: knownFlags}} {
			d, err := p.Decide(tr, encounterDay)
			if err == nil && (d.Category == "" || d.Sentence == "") {
				t.Fatalf("empty decision %+v", d)
			}
		}
	})
}
