package app

import (
	"context"

	"veriport/config"
	"veriport/officer"
	"veriport/record"
	"veriport/retention"
)

// LoginPolicy is the login policy from the workflow settings.
func LoginPolicy(w config.Workflow) officer.Policy {
	p := officer.DefaultPolicy
	p.MaxFailures, p.LockFor = w.LockFailures, w.LockFor
	return p
}

// OfficerStore is the officers table with TOTP secrets sealed under a key
// derived from the workstation's master key (the vault's).
func OfficerStore(cfg config.Config, store *record.Store) (*officer.SQLStore, error) {
	key, _, err := retention.OpenMasterKey(context.Background(), store.DB, cfg.Retention.KeyFile(cfg.Paths))
	if err != nil {
		return nil, err
	}
	defer clear(key)
	sealer, err := officer.NewSecretSealer(key)
	if err != nil {
		return nil, err
	}
	return &officer.SQLStore{DB: store.DB, Secrets: sealer}, nil
}
