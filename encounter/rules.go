package encounter

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// InForce is the rule-set choice that picks, for each encounter, the newest
// rule set whose effective day is not after the encounter's day.
const InForce = "in-force"

// SeedRuleSet is the id of the seed's rule set, the default choice.
const SeedRuleSet = "seed"

// ErrRules reports rule-set data that cannot be used.
var ErrRules = errors.New("exemption rules are invalid")

//go:embed rules.toml
var embeddedRules string

// RuleSet is one version of the photo and opt-out rules, in force from
// EffectiveFrom (a civil day).
type RuleSet struct {
	ID                 string      `toml:"id"`
	EffectiveFrom      time.Time   `toml:"effective_from"`
	Source             string      `toml:"source"`
	CitizenNationality string      `toml:"citizen_nationality"`
	CitizensMayOptOut  bool        `toml:"citizens_may_opt_out"`
	ExemptMayOptOut    bool        `toml:"exempt_may_opt_out"`
	ExemptYoungerThan  int         `toml:"exempt_younger_than"` // age in whole years on the day
	ExemptOlderThan    int         `toml:"exempt_older_than"`   // age in whole years on the day
	Exemptions         []Exemption `toml:"exemption"`
}

// Exemption is one class of exempt aliens. Every condition that is set must
// hold: nationality, visa class, the required flag, and not the voiding flag.
type Exemption struct {
	Reason      Reason   `toml:"reason"`
	Text        string   `toml:"text"`
	Nationality string   `toml:"nationality"`
	VisaClasses []string `toml:"visa_classes"`
	Requires    Flag     `toml:"requires"`
	Unless      Flag     `toml:"unless"`
	// WithoutVisa limits the exemption to travelers with no visa class.
	WithoutVisa bool `toml:"without_visa"`
	// AdmittedAs are classes of admission the exemption itself describes
	// (B-1, B-2 for the Canadian B visitor): typed in the visa field they
	// are not a visa and do not void a WithoutVisa exemption.
	AdmittedAs []string `toml:"admitted_as"`
}

// Rules is every known rule set, oldest first.
type Rules []RuleSet

// DefaultRules returns the rule sets shipped with Veriport (rules.toml).
func DefaultRules() Rules {
	r, err := LoadRules(strings.NewReader(embeddedRules))
	if err != nil {
		panic(fmt.Sprintf("embedded rules.toml: %v", err)) // a build defect, caught by the tests
	}
	return r
}

// LoadRules reads rule sets in the rules.toml format and validates them.
func LoadRules(r io.Reader) (Rules, error) {
	var doc struct {
		RuleSet []RuleSet `toml:"ruleset"`
	}
	if _, err := toml.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRules, err)
	}
	rules := Rules(doc.RuleSet)
	slices.SortStableFunc(rules, func(a, b RuleSet) int { return a.EffectiveFrom.Compare(b.EffectiveFrom) })
	seen := map[string]bool{}
	for i := range rules {
		rs := &rules[i]
		if err := rs.validate(); err != nil {
			return nil, fmt.Errorf("%w: rule set %q: %v", ErrRules, rs.ID, err)
		}
		if seen[rs.ID] {
			return nil, fmt.Errorf("%w: rule set %q appears twice", ErrRules, rs.ID)
		}
		seen[rs.ID] = true
	}
	if len(rules) == 0 {
		return nil, fmt.Errorf("%w: no rule set", ErrRules)
	}
	return rules, nil
}

func (rs *RuleSet) validate() error {
	switch {
	case rs.ID == "" || rs.ID == InForce:
		return errors.New("needs an id other than " + InForce)
	case rs.EffectiveFrom.IsZero():
		return errors.New("needs effective_from")
	case len(rs.CitizenNationality) != 3:
		return errors.New("citizen_nationality must be ISO 3166 alpha-3")
	case rs.ExemptYoungerThan < 0 || rs.ExemptOlderThan <= rs.ExemptYoungerThan:
		return errors.New("age limits out of order")
	}
	rs.EffectiveFrom = civilDate(rs.EffectiveFrom)
	for i := range rs.Exemptions {
		e := &rs.Exemptions[i]
		if e.Reason == "" || e.Text == "" {
			return fmt.Errorf("exemption %d needs reason and text", i+1)
		}
		for _, f := range []Flag{e.Requires, e.Unless} {
			if f != "" && !slices.Contains(knownFlags, f) {
				return fmt.Errorf("exemption %s: unknown flag %q", e.Reason, f)
			}
		}
		if e.Nationality == "" && len(e.VisaClasses) == 0 && e.Requires == "" {
			return fmt.Errorf("exemption %s has no condition: it would exempt everyone", e.Reason)
		}
		for j, v := range e.VisaClasses {
			e.VisaClasses[j] = NormaliseVisaClass(v)
		}
		for j, v := range e.AdmittedAs {
			e.AdmittedAs[j] = NormaliseVisaClass(v)
		}
	}
	return nil
}

// ByID returns the rule set with that id.
func (r Rules) ByID(id string) (RuleSet, bool) {
	for _, rs := range r {
		if rs.ID == id {
			return rs, true
		}
	}
	return RuleSet{}, false
}

// InForceOn returns the newest rule set effective on the given day.
func (r Rules) InForceOn(day time.Time) (RuleSet, bool) {
	d := civilDate(day)
	for i := len(r) - 1; i >= 0; i-- {
		if !r[i].EffectiveFrom.After(d) {
			return r[i], true
		}
	}
	return RuleSet{}, false
}

// NormaliseVisaClass writes a visa class the way the rules do: capitals, no
// spaces, a hyphen before the number ("nato 3" and "NATO3" become "NATO-3").
func NormaliseVisaClass(v string) string {
	v = strings.ToUpper(strings.Join(strings.Fields(v), ""))
	if v == "" {
		return v
	}
	parts := strings.Split(v, "/") // "B-1/B-2": each class on its own
	for i, c := range parts {
		parts[i] = normaliseClass(c)
	}
	return strings.Join(parts, "/")
}

// normaliseClass writes one class as letters, a dash, and its number
// without leading zeros ("A01" and "A-01" are A-1); anything else is kept
// as typed.
func normaliseClass(c string) string {
	i := strings.IndexAny(c, "0123456789")
	if i <= 0 {
		return c
	}
	letters, digits := strings.TrimSuffix(c[:i], "-"), c[i:]
	if letters == "" || strings.Trim(digits, "0123456789") != "" {
		return c
	}
	if digits = strings.TrimLeft(digits, "0"); digits == "" {
		digits = "0"
	}
	return letters + "-" + digits
}

// NormaliseNationality is a nationality as the rules compare it: upper
// case, without the MRZ's '<' fillers, and ICAO 9303's one-letter code for
// Germany, D, written DEU.
func NormaliseNationality(n string) string {
	n = strings.ToUpper(strings.TrimRight(strings.TrimSpace(n), "<"))
	if n == "D" {
		return "DEU"
	}
	return n
}
