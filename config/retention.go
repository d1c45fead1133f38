package config

import (
	"fmt"
	"path/filepath"
	"time"
)

// Retention configures the photo vault and the purge job.
type Retention struct {
	// Mode is the deployment: "agency" (category rules) or "partner"
	// (airline, airport, cruise line: photos purged on acknowledgment).
	Mode string `toml:"mode"`
	// PurgeInterval is how often the purge job runs (besides at start-up).
	PurgeInterval time.Duration `toml:"purge_interval"`
	// MasterKeyFile holds the vault's master key (mode 0600); "" means
	// master.key in the data folder. $VERIPORT_MASTER_KEY overrides it.
	MasterKeyFile string `toml:"master_key_file"`
}

func defaultRetention() Retention {
	return Retention{Mode: "agency", PurgeInterval: time.Minute}
}

func (r Retention) validate() error {
	switch {
	case r.Mode != "agency" && r.Mode != "partner":
		return fmt.Errorf("retention.mode %q is not agency or partner", r.Mode)
	case r.PurgeInterval < time.Second || r.PurgeInterval > time.Hour:
		return fmt.Errorf("retention.purge_interval %s is outside [1s, 1h]", r.PurgeInterval)
	}
	return nil
}

// KeyFile is the master key file to use for paths p.
func (r Retention) KeyFile(p Paths) string {
	if r.MasterKeyFile != "" {
		return r.MasterKeyFile
	}
	return filepath.Join(p.DataDir, "master.key")
}

// Vault is the folder of encrypted photos.
func (p Paths) Vault() string { return filepath.Join(p.DataDir, "vault") }
