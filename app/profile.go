package app

import (
	"context"
	"log/slog"
	"time"

	"veriport/config"
	"veriport/officer"
	"veriport/record"
)

// OpenProfile opens the record store the workstation runs on, cfg being
// the profile's settings (the demo profile's own data folder in a demo,
// never the operational store). Safety settings changed since the last run
// go on the audit chain; an operational store has any demo officer found
// in it disabled, with an audit entry. The caller closes the store.
func OpenProfile(ctx context.Context, log *slog.Logger, cfg config.Config, demo bool) (*record.Store, error) {
	store, err := OpenStore(ctx, cfg)
	if err != nil {
		return store, err
	}
	changed, err := auditSafetySettings(ctx, store, cfg, time.Now())
	if err != nil {
		store.Close()
		return nil, err
	}
	if len(changed) > 0 {
		log.Warn("safety settings changed since the last run: on the audit chain", "settings", changed)
	}
	if demo {
		return store, nil
	}
	retired, err := officer.RetireDemoOfficer(ctx, store)
	if err != nil {
		store.Close()
		return nil, err
	}
	if retired {
		log.Warn("demo officer found in the operational store: disabled", "officer", officer.DemoOfficerID)
	}
	return store, nil
}
