package retention

import (
	"encoding/json"
	"time"

	"veriport/record"
)

// photoPurgeAudit is the audit entry of one photo's purge, appended in the
// transaction that logs it: each deletion is then covered by the chain and
// its head, not only the run's counts.
func photoPurgeAudit(now time.Time, it PurgeItem) record.AuditEvent {
	detail, _ := json.Marshal(map[string]string{"result": it.Result, "deadline": record.FormatTime(it.Deadline),
		"category": it.Category, "rule": it.Rule})
	return record.AuditEvent{At: now, Kind: record.AuditPurge, Actor: "system",
		Subject: it.EncounterID, Detail: string(detail)}
}
