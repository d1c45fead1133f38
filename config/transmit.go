package config

import "time"

// Transmit configures store-and-forward delivery of results to the back end
// (over the same mutual-TLS trust setup as gallery downloads).
type Transmit struct {
	// BacklogWarn is the age of the oldest undelivered result past which the
	// officer is warned ("15m").
	BacklogWarn time.Duration `toml:"backlog_warn"`
	// IncludePhoto sends the encrypted probe photo with the result; only
	// honoured in partner deployments.
	IncludePhoto bool `toml:"include_photo"`
}
