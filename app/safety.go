package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"veriport/config"
	"veriport/record"
)

// auditSafetySettings writes to the audit chain, in one transaction, each
// safety setting (config.SafetySettings) whose value differs from the one
// the chain last recorded for it, with the old and the new value (old is
// empty the first time). It returns the keys that changed.
func auditSafetySettings(ctx context.Context, st *record.Store, cfg config.Config, now time.Time) ([]string, error) {
	tx, err := st.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("audit safety settings: %w", err)
	}
	defer tx.Rollback()
	settings := cfg.SafetySettings()
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var changed []string
	for _, k := range keys {
		detail, err := record.LastAuditDetail(ctx, tx, record.AuditSettingChange, k)
		if err != nil {
			return nil, fmt.Errorf("audit safety settings: %w", err)
		}
		var last struct {
			New *string `json:"new"`
		}
		_ = json.Unmarshal([]byte(detail), &last)
		old := ""
		if last.New != nil {
			old = *last.New
			if old == settings[k] {
				continue
			}
		}
		d, _ := json.Marshal(map[string]string{"old": old, "new": settings[k]})
		if _, err := record.AppendAudit(ctx, tx, record.AuditEvent{At: now, Kind: record.AuditSettingChange,
			Actor: "config", Subject: k, Detail: string(d)}); err != nil {
			return nil, err
		}
		changed = append(changed, k)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("audit safety settings: %w", err)
	}
	return changed, nil
}
