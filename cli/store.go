package cli

import (
	"context"

	"veriport/config"
	"veriport/record"
)

// openStore loads the settings and opens the record store in the data
// folder (creating both when new). The caller closes the store.
func (e *Env) openStore(ctx context.Context) (config.Config, *record.Store, error) {
	cfg, err := e.Config()
	if err != nil {
		return config.Config{}, nil, err
	}
	if err := cfg.Paths.EnsureDataDir(); err != nil {
		return config.Config{}, nil, err
	}
	store, err := record.Open(ctx, cfg.Paths.Database)
	if err != nil {
		return config.Config{}, nil, err
	}
	return cfg, store, nil
}
