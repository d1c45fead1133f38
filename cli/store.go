package cli

import (
	"context"

	"veriport/app"
	"veriport/config"
	"veriport/record"
)

// openStore loads the settings and opens the record store in the data
// folder (creating both when new) and checks its master key. The caller
// closes the store.
func (e *Env) openStore(ctx context.Context) (config.Config, *record.Store, error) {
	cfg, err := e.Config()
	if err != nil {
		return config.Config{}, nil, err
	}
	store, err := app.OpenStore(ctx, cfg)
	return cfg, store, err
}
