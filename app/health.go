package app

import (
	"context"
	"time"

	"veriport/record"
	"veriport/retention"
)

// Health is the state of the workstation's background services the status
// bar shows: the purge job's status and the result outbox's figures (each
// with the error that kept it from being read).
type Health struct {
	Retention    retention.Status
	RetentionErr error
	Outbox       record.OutboxStats
	OutboxErr    error
	// OutboxWarn: results refused for good, not accepted, or the oldest
	// waiting one older than transmit.backlog_warn.
	OutboxWarn bool
	// Transmitting: a back end is configured (results are sent).
	Transmitting bool
}

// ReadHealth reads the purge job's and the outbox's state.
func ReadHealth(ctx context.Context, store *record.Store, keeper *retention.Keeper, backlogWarn time.Duration,
	transmitting bool) Health {
	h := Health{Transmitting: transmitting}
	h.Retention, h.RetentionErr = keeper.Status(ctx)
	h.Outbox, h.OutboxErr = store.OutboxStats(ctx)
	if h.OutboxErr == nil {
		ob := h.Outbox
		h.OutboxWarn = ob.Dead > 0 || ob.Blocked != "" || (ob.Pending > 0 && time.Since(ob.OldestPending) > backlogWarn)
	}
	return h
}
