package config

import (
	"fmt"
	"time"
)

// Workflow configures officer login and the traveler-encounter rules.
type Workflow struct {
	// PolicyRules picks the exemption rule set: a rule-set id from
	// encounter/rules.toml ("seed", the default) or "in-force" for the
	// newest set in force on each encounter's day. encounter.NewPolicy
	// refuses an unknown id.
	PolicyRules string `toml:"policy_rules"`
	// LockFailures consecutive failed logins lock the account.
	LockFailures int `toml:"lock_failures"`
	// LockFor is how long a locked account stays locked ("15m").
	LockFor time.Duration `toml:"lock_for"`
	// IdleLogout logs an officer out after this long without input ("15m").
	IdleLogout time.Duration `toml:"idle_logout"`
	// HighContrast starts the workstation in the large-text high-contrast
	// theme (officers toggle it with Alt+H; their choice is kept).
	HighContrast bool `toml:"high_contrast"`
	// PortTimezone is the port's IANA time zone ("America/New_York"): the
	// day an age exemption is judged on is the port's, whatever zone the
	// workstation's clock runs in. Empty: the workstation's own zone.
	PortTimezone string `toml:"port_timezone"`
	// TravelerDisplay is the monitor (1 the first) of the traveler's
	// full-screen window: guidance, outcome and the notice of the right to
	// decline, in the traveler's language. 0 (the default): one screen; the
	// officer shows the traveler's screen over the booth window (Alt+W).
	TravelerDisplay int `toml:"traveler_display"`
}

// PortZone is the port's time zone, or nil when none is set.
func (w Workflow) PortZone() (*time.Location, error) {
	if w.PortTimezone == "" {
		return nil, nil
	}
	loc, err := time.LoadLocation(w.PortTimezone)
	if err != nil {
		return nil, fmt.Errorf("workflow.port_timezone %q: %w", w.PortTimezone, err)
	}
	return loc, nil
}

// defaultWorkflow is the seed rule set, five failures, 15-minute lock and
// 15-minute idle logout.
func defaultWorkflow() Workflow {
	return Workflow{PolicyRules: "seed", LockFailures: 5, LockFor: 15 * time.Minute, IdleLogout: 15 * time.Minute}
}

func (w Workflow) validate() error {
	switch {
	case w.PolicyRules == "":
		return fmt.Errorf("workflow.policy_rules is empty (use \"seed\" or \"in-force\")")
	case w.LockFailures < 1 || w.LockFailures > 20:
		return fmt.Errorf("workflow.lock_failures %d is outside [1, 20]", w.LockFailures)
	case w.LockFor < time.Minute || w.LockFor > 24*time.Hour:
		return fmt.Errorf("workflow.lock_for %v is outside [1m, 24h]", w.LockFor)
	case w.IdleLogout < time.Minute || w.IdleLogout > 8*time.Hour:
		return fmt.Errorf("workflow.idle_logout %v is outside [1m, 8h]", w.IdleLogout)
	case w.TravelerDisplay < 0 || w.TravelerDisplay > 8:
		return fmt.Errorf("workflow.traveler_display %d is outside [0, 8] (0: one screen)", w.TravelerDisplay)
	}
	_, err := w.PortZone()
	return err
}
