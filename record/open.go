package record

import (
	"context"
	"fmt"
)

// OpenEncounterIDs lists the encounters that have not ended (done_at NULL:
// recorded at their decision and never finished), oldest first.
func OpenEncounterIDs(ctx context.Context, q DBTX) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM encounters WHERE done_at IS NULL ORDER BY started_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list open encounters: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list open encounters: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
