package app

import (
	"context"

	"veriport/config"
	"veriport/record"
	"veriport/retention"
)

// OpenStore opens the record store of cfg's data folder (creating it when
// new) and checks its master key. The caller closes the store.
func OpenStore(ctx context.Context, cfg config.Config) (*record.Store, error) {
	if err := cfg.Paths.EnsureDataDir(); err != nil {
		return nil, err
	}
	store, err := record.Open(ctx, cfg.Paths.Database)
	if err != nil {
		return nil, err
	}
	if err := CheckMasterKey(ctx, cfg, store); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

// CheckMasterKey refuses a store whose master key is missing while it holds
// data sealed under it (retention.OpenMasterKey), or whose key file is
// exposed or malformed: every command on the store stops with a message
// naming the file, rather than working on with a key that opens nothing.
func CheckMasterKey(ctx context.Context, cfg config.Config, store *record.Store) error {
	key, _, err := retention.OpenMasterKey(ctx, store.DB, cfg.Retention.KeyFile(cfg.Paths))
	clear(key)
	return err
}
