package config

import (
	"fmt"
	"time"
)

// Transmit configures store-and-forward delivery of results to the back end
// (over the same mutual-TLS trust setup as gallery downloads).
type Transmit struct {
	// BacklogWarn is the age of the oldest undelivered result past which the
	// officer is warned.
	BacklogWarn Duration `toml:"backlog_warn"`
	// IncludePhoto sends the encrypted probe photo with the result; only
	// honoured in partner deployments.
	IncludePhoto bool `toml:"include_photo"`
}

// Duration is a time.Duration written in TOML as a string ("15m", "12h").
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: %w", b, err)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
