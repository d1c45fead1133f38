package encounter

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Category is how the rules class a traveler; it also sets photo retention
// (12 hours for U.S. citizens and exempt aliens, 14 days otherwise).
type Category string

// The traveler categories.
const (
	CategoryUSCitizen Category = "us-citizen"
	CategoryExempt    Category = "exempt"
	CategoryLPR       Category = "lpr"      // lawful permanent resident, not exempt
	CategoryInScope   Category = "in-scope" // any other alien: the photo may be required
)

// Reason is the code of an exemption, as kept in the record.
type Reason string

// Age exemption reasons; the others come from the rule data (rules.toml).
const (
	ReasonYoungerThan Reason = "age-under"
	ReasonOlderThan   Reason = "age-over"
)

// Flag is a fact about the admission that only the officer can establish.
type Flag string

// The flags rule data may refer to.
const (
	FlagBVisitorWithoutVisa Flag = "b-visitor-without-visa"
	FlagAttendant           Flag = "attendant"
	FlagTaiwanOfficial      Flag = "taiwan-official"
	FlagSecretaryExempted   Flag = "secretary-exempted"
)

var knownFlags = []Flag{FlagBVisitorWithoutVisa, FlagAttendant, FlagTaiwanOfficial, FlagSecretaryExempted}

// ErrTraveler reports policy input that cannot be decided on.
var ErrTraveler = errors.New("traveler details incomplete")

// Traveler is what the policy needs to know, typically from the MRZ and the
// officer: nothing that names the person.
type Traveler struct {
	Nationality string // ISO 3166 alpha-3 of the passport shown
	// USCitizen is the officer's answer to "U.S. citizen?", independent of
	// the passport shown: a dual national may present a foreign one.
	USCitizen bool
	BirthDate time.Time // zero when unknown: no age exemption can apply
	VisaClass string    // "B-2", "A-1", "NATO-3"...; "" when none
	LPR       bool      // lawful permanent resident
	Flags     []Flag    // admission facts the officer confirmed
}

// Decision is the policy's answer for one traveler on one day.
type Decision struct {
	RuleSet   string   // id of the rule set applied
	Category  Category // us-citizen, exempt, lpr or in-scope
	Reason    Reason   // the exemption, for CategoryExempt
	MayOptOut bool     // the traveler may decline the photo
	Age       int      // whole years on the day; -1 when the birth date is unknown
	Sentence  string   // what the officer reads
}

// Policy decides categories and opt-outs with a configured rule-set choice.
type Policy struct {
	rules  Rules
	choice string
	zone   *time.Location // the port's time zone; nil: the encounter time's own
}

// SetPortZone makes the port's zone decide the day of each encounter (the
// day an age exemption is judged on), whatever zone the workstation's
// clock runs in ([workflow] port_timezone).
func (p *Policy) SetPortZone(loc *time.Location) { p.zone = loc }

// NewPolicy builds a policy from rule sets and a choice: a rule-set id
// (SeedRuleSet is the default) or InForce.
func NewPolicy(rules Rules, choice string) (*Policy, error) {
	if choice == "" {
		choice = SeedRuleSet
	}
	if _, ok := rules.ByID(choice); !ok && choice != InForce {
		return nil, fmt.Errorf("%w: no rule set %q (have %s)", ErrRules, choice, strings.Join(rules.ids(), ", "))
	}
	return &Policy{rules: rules, choice: choice}, nil
}

func (r Rules) ids() []string {
	out := []string{InForce}
	for _, rs := range r {
		out = append(out, rs.ID)
	}
	return out
}

// RuleSetOn is the rule set the policy applies on a day: the chosen one,
// or the one in force that day.
func (p *Policy) RuleSetOn(day time.Time) (RuleSet, bool) {
	if p.choice == InForce {
		return p.rules.InForceOn(day)
	}
	return p.rules.ByID(p.choice)
}

// Decide applies the chosen rule set to the traveler on the encounter's day.
func (p *Policy) Decide(t Traveler, encounter time.Time) (Decision, error) {
	rs, ok := p.rules.ByID(p.choice)
	if p.choice == InForce {
		rs, ok = p.rules.InForceOn(encounter)
	}
	if !ok {
		return Decision{}, fmt.Errorf("%w: no rule set in force on %s", ErrRules, encounter.Format(time.DateOnly))
	}
	if p.zone != nil {
		encounter = encounter.In(p.zone)
	}
	return rs.Decide(t, encounter)
}

// Decide applies this rule set: U.S. citizens first, then the age and class
// exemptions, then lawful permanent residents, then everyone else.
func (rs RuleSet) Decide(t Traveler, encounter time.Time) (Decision, error) {
	nat := NormaliseNationality(t.Nationality)
	if len(nat) != 3 || strings.Trim(nat, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return Decision{}, fmt.Errorf("%w: nationality %q is not a three-letter code", ErrTraveler, t.Nationality)
	}
	day := civilDate(encounter)
	d := Decision{RuleSet: rs.ID, Age: -1}
	if !t.BirthDate.IsZero() {
		if civilDate(t.BirthDate).After(day) {
			return Decision{}, fmt.Errorf("%w: birth date after the encounter", ErrTraveler)
		}
		d.Age = AgeOn(t.BirthDate, day)
	}
	if nat == rs.CitizenNationality || t.USCitizen {
		d.Category, d.MayOptOut = CategoryUSCitizen, rs.CitizensMayOptOut
		d.Sentence = "U.S. citizen: "
		if nat != rs.CitizenNationality {
			d.Sentence = "U.S. citizen (presenting a " + nat + " passport): "
		}
		d.Sentence += optOutSentence(d.MayOptOut)
		return d, nil
	}
	reason, text, voided := rs.exemption(nat, t, d.Age)
	if reason != "" && rs.nationalityOf(reason) != "" && rs.nationalityOf(reason) != nat {
		text += " (presenting a " + nat + " passport)"
	}
	if reason != "" {
		d.Category, d.Reason, d.MayOptOut = CategoryExempt, reason, rs.ExemptMayOptOut
		d.Sentence = "Exempt, " + text + ": " + optOutSentence(d.MayOptOut)
		return d, nil
	}
	d.Category = CategoryInScope
	d.Sentence = "In-scope traveler"
	if t.LPR {
		d.Category, d.Sentence = CategoryLPR, "Lawful permanent resident"
	}
	d.Sentence += ": " + optOutSentence(false)
	if voided != "" {
		d.Sentence += " Not exempt as " + voided + ": the traveler holds visa class " +
			NormaliseVisaClass(t.VisaClass) + "."
	}
	if d.Age < 0 {
		d.Sentence += " Date of birth unknown: the age exemption was not assessed."
	}
	return d, nil
}

// exemption returns the first exemption that applies, or, when none does,
// the text of one that would have applied but for a visa class (voided).
func (rs RuleSet) exemption(nat string, t Traveler, age int) (reason Reason, text, voided string) {
	switch {
	case age >= 0 && age < rs.ExemptYoungerThan:
		return ReasonYoungerThan, fmt.Sprintf("aged %d on the day (under %d)", age, rs.ExemptYoungerThan), ""
	case age > rs.ExemptOlderThan:
		return ReasonOlderThan, fmt.Sprintf("aged %d on the day (over %d)", age, rs.ExemptOlderThan), ""
	}
	visa := NormaliseVisaClass(t.VisaClass)
	for _, e := range rs.Exemptions {
		// Citizenship, not the passport shown, decides: a flag the officer
		// confirmed that the exemption requires (Canadian B visitor)
		// attests its nationality for a dual national on another passport.
		attested := e.Requires != "" && slices.Contains(t.Flags, e.Requires)
		switch {
		case e.Nationality != "" && e.Nationality != nat && !attested,
			len(e.VisaClasses) > 0 && !slices.Contains(e.VisaClasses, visa),
			e.Requires != "" && !slices.Contains(t.Flags, e.Requires),
			e.Unless != "" && slices.Contains(t.Flags, e.Unless):
			continue
		case e.WithoutVisa && visa != "" && !admittedAs(e, visa):
			if voided == "" {
				voided = e.Text
			}
			continue
		}
		return e.Reason, e.Text, ""
	}
	return "", "", voided
}

// nationalityOf is the nationality exemption reason requires, if any.
func (rs RuleSet) nationalityOf(reason Reason) string {
	for _, e := range rs.Exemptions {
		if e.Reason == reason {
			return e.Nationality
		}
	}
	return ""
}

// admittedAs reports whether every class typed in the visa field ("B-2",
// "B-1/B-2") is a class of admission exemption e describes, not a visa.
func admittedAs(e Exemption, visa string) bool {
	if len(e.AdmittedAs) == 0 {
		return false
	}
	for _, c := range strings.Split(visa, "/") {
		if !slices.Contains(e.AdmittedAs, c) {
			return false
		}
	}
	return true
}

// optOutSentence is what the officer reads about the photo. In-scope
// travelers may be required to provide it, and those who do not wish to
// take part may seek another means of verification: the manual check.
func optOutSentence(may bool) string {
	if may {
		return "may opt out of the photo; check the travel document by hand."
	}
	return "the photo may be required. A traveler who does not wish to take part may seek another " +
		"means of verification: offer the manual document check."
}

// AgeOn is the age in whole years on the given day. Someone born on
// 29 February turns a year older on 1 March in a common year.
func AgeOn(birth, day time.Time) int {
	by, bm, bd := birth.Date()
	y, m, d := day.Date()
	age := y - by
	if m < bm || m == bm && d < bd {
		age--
	}
	return age
}

// Traveler returns the policy input the zone gives: nationality and date of
// birth. The officer adds the visa class, LPR status and flags.
func (m *MRZ) Traveler() Traveler {
	return Traveler{Nationality: NormaliseNationality(m.Nationality), BirthDate: m.BirthDate}
}
