package config

import "time"

// Transmit configures store-and-forward delivery of results to the back end
// (over the same mutual-TLS trust setup as gallery downloads).
type Transmit struct {
	// BacklogWarn is the age of the oldest undelivered result past which the
	// officer is warned ("15m").
	BacklogWarn time.Duration `toml:"backlog_warn"`
	// IncludePhoto sends the probe photo with the result, sealed to the
	// back end's PhotoKey; only honoured in partner deployments.
	IncludePhoto bool `toml:"include_photo"`
	// PhotoKey is the back end's photo public key file (`veriport results
	// keygen`); required with IncludePhoto.
	PhotoKey string `toml:"photo_key"`
}
