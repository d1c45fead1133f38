package retention

import (
	"context"
	"log/slog"

	"veriport/config"
	"veriport/record"
)

// Open builds the Keeper a workstation or command uses: the master key (from
// $VERIPORT_MASTER_KEY or the key file, created only for an empty store:
// OpenMasterKey), the vault in the data folder, the default schedule and the
// configured deployment mode.
func Open(store *record.Store, cfg config.Config, log *slog.Logger) (*Keeper, error) {
	if err := cfg.Paths.EnsureDataDir(); err != nil {
		return nil, err
	}
	key, _, err := OpenMasterKey(context.Background(), store.DB, cfg.Retention.KeyFile(cfg.Paths))
	if err != nil {
		return nil, err
	}
	defer clear(key)
	v, err := NewVault(cfg.Paths.Vault(), key, nil)
	if err != nil {
		return nil, err
	}
	return New(store, v, Options{Mode: cfg.Retention.Mode, Log: log}), nil
}
