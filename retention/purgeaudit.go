package retention

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"veriport/record"
)

// auditPhotoPurge puts one photo's purge on the audit chain, in the
// transaction that logs it: each deletion is then covered by the chain and
// its head, not only the run's counts.
func auditPhotoPurge(ctx context.Context, tx *sql.Tx, now time.Time, it PurgeItem) error {
	detail, _ := json.Marshal(map[string]string{"result": it.Result, "deadline": record.FormatTime(it.Deadline),
		"category": it.Category, "rule": it.Rule})
	_, err := record.AppendAudit(ctx, tx, record.AuditEvent{At: now, Kind: record.AuditPurge, Actor: "system",
		Subject: it.EncounterID, Detail: string(detail)})
	return err
}
