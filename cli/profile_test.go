package cli

import (
	"context"

	"veriport/app"
	"veriport/config"
	"veriport/record"
)

// openProfile opens the store of the profile as runGUI has app.Open do it:
// on the demo profile's settings (demoProfile) when demo. It returns those
// settings with the store.
func openProfile(ctx context.Context, env *Env, cfg config.Config, demo bool) (config.Config, *record.Store, error) {
	if demo {
		cfg = demoProfile(cfg)
	}
	st, err := app.OpenProfile(ctx, env.Log, cfg, demo)
	return cfg, st, err
}
