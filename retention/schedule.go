package retention

import (
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/BurntSushi/toml"

	"veriport/record"
)

// Traveler categories the schedule knows.
const (
	CategoryUSCitizen = "us-citizen"
	CategoryExempt    = "exempt"
	CategoryInScope   = "in-scope"
	CategoryLPR       = "lpr"
	CategoryUnknown   = "unknown"
)

// Deployment modes.
const (
	ModeAgency  = "agency"  // the agency's own booth: category rules
	ModePartner = "partner" // airline, airport, cruise line: purge on acknowledgment
)

// Anchors: the encounter time a rule's period runs from.
const (
	AnchorCaptured = "captured"
	AnchorVerified = "verified"
)

// ErrSchedule means a rule file is malformed or inconsistent.
var ErrSchedule = errors.New("invalid retention schedule")

//go:embed schedule.toml
var defaultScheduleTOML []byte

// Rule keeps a category's photo for Keep after its Anchor time.
type Rule struct {
	Category string        `toml:"category"`
	Anchor   string        `toml:"anchor"`
	Keep     time.Duration `toml:"keep"`
}

// RuleSet is one version of the rules, in force from Effective.
type RuleSet struct {
	Version     string        `toml:"version"`
	Effective   time.Time     `toml:"effective"`
	Source      string        `toml:"source"`
	PartnerKeep time.Duration `toml:"partner_keep"`
	Rules       []Rule        `toml:"rule"`
}

// Schedule is every rule set, oldest first.
type Schedule struct {
	Sets []RuleSet `toml:"ruleset"`
}

// DefaultSchedule is the embedded schedule (retention/schedule.toml).
func DefaultSchedule() Schedule {
	s, err := ParseSchedule(defaultScheduleTOML)
	if err != nil {
		panic(err) // embedded at build time and covered by tests
	}
	return s
}

// ParseSchedule reads and validates a schedule in TOML.
func ParseSchedule(data []byte) (Schedule, error) {
	var s Schedule
	md, err := toml.Decode(string(data), &s)
	if err != nil {
		return Schedule{}, fmt.Errorf("%w: %v", ErrSchedule, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return Schedule{}, fmt.Errorf("%w: unknown key %s", ErrSchedule, und[0])
	}
	sort.SliceStable(s.Sets, func(i, j int) bool { return s.Sets[i].Effective.Before(s.Sets[j].Effective) })
	if err := s.validate(); err != nil {
		return Schedule{}, err
	}
	return s, nil
}

func (s Schedule) validate() error {
	if len(s.Sets) == 0 {
		return fmt.Errorf("%w: no rule set", ErrSchedule)
	}
	versions := map[string]bool{}
	for i, rs := range s.Sets {
		switch {
		case rs.Version == "" || versions[rs.Version]:
			return fmt.Errorf("%w: rule set %d: version missing or repeated", ErrSchedule, i+1)
		case rs.Effective.IsZero():
			return fmt.Errorf("%w: rule set %s: no effective date", ErrSchedule, rs.Version)
		case i > 0 && rs.Effective.Equal(s.Sets[i-1].Effective):
			return fmt.Errorf("%w: rule sets %s and %s take effect at the same time", ErrSchedule, s.Sets[i-1].Version, rs.Version)
		case rs.PartnerKeep < 0:
			return fmt.Errorf("%w: rule set %s: negative partner_keep", ErrSchedule, rs.Version)
		case len(rs.Rules) == 0:
			return fmt.Errorf("%w: rule set %s has no rules", ErrSchedule, rs.Version)
		}
		versions[rs.Version] = true
		seen := map[string]bool{}
		for _, r := range rs.Rules {
			switch {
			case r.Category == "" || r.Category == CategoryUnknown || seen[r.Category]:
				return fmt.Errorf("%w: rule set %s: category %q missing, reserved or repeated", ErrSchedule, rs.Version, r.Category)
			case r.Anchor != AnchorCaptured && r.Anchor != AnchorVerified:
				return fmt.Errorf("%w: rule set %s: category %s: anchor %q is not captured or verified", ErrSchedule, rs.Version, r.Category, r.Anchor)
			case r.Keep < 0:
				return fmt.Errorf("%w: rule set %s: category %s: negative keep", ErrSchedule, rs.Version, r.Category)
			}
			seen[r.Category] = true
		}
	}
	return nil
}

// For returns the rule set in force at t: the newest whose effective date is
// not after t, or the oldest when t precedes them all.
func (s Schedule) For(t time.Time) RuleSet {
	i := sort.Search(len(s.Sets), func(i int) bool { return s.Sets[i].Effective.After(t) })
	if i == 0 {
		return s.Sets[0]
	}
	return s.Sets[i-1]
}

// Deadline is when e's photo must be gone, and the version of the rules that
// says so. The rule set is chosen by the capture time. In partner mode the
// deadline is the acknowledgment plus partner_keep, whatever the outcome,
// with the category rule as a backstop; never later than the category rule.
func (s Schedule) Deadline(mode string, e record.Encounter) (time.Time, string) {
	captured := e.CapturedAt
	if captured.IsZero() {
		captured = e.StartedAt
	}
	rs := s.For(captured)
	deadline := time.Time{}
	for _, r := range rs.Rules {
		if r.Category == e.Category {
			deadline = r.apply(captured, e.VerifiedAt)
		}
	}
	if deadline.IsZero() { // unknown category: the shortest rule
		for _, r := range rs.Rules {
			if d := r.apply(captured, e.VerifiedAt); deadline.IsZero() || d.Before(deadline) {
				deadline = d
			}
		}
	}
	if mode == ModePartner && !e.AcknowledgedAt.IsZero() {
		// A partner keeps no photo taken for the service past transmittal,
		// whatever the outcome (verified, referred, not yet verified).
		if d := e.AcknowledgedAt.Add(rs.PartnerKeep); d.Before(deadline) {
			deadline = d
		}
	}
	return deadline.UTC(), rs.Version
}

func (r Rule) apply(captured, verified time.Time) time.Time {
	if r.Anchor == AnchorVerified && !verified.IsZero() {
		return verified.Add(r.Keep)
	}
	return captured.Add(r.Keep)
}
