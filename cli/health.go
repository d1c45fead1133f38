package cli

import (
	"context"
	"fmt"
	"time"

	"veriport/record"
	"veriport/retention"
	"veriport/ui"
)

// healthFunc reads the purge job's and the outbox's state for the status
// bar. The outbox line warns once the oldest waiting result is older than
// backlogWarn.
func healthFunc(store *record.Store, keeper *retention.Keeper, backlogWarn time.Duration, transmitting bool) ui.HealthFunc {
	return func(ctx context.Context) ui.Health {
		var h ui.Health
		if st, err := keeper.Status(ctx); err != nil {
			h.Retention, h.RetentionAlarm = "Retention: status unavailable — "+err.Error(), true
		} else {
			h.Retention, h.RetentionAlarm = st.String(), st.Alarm
		}
		ob, err := store.OutboxStats(ctx)
		if err != nil {
			h.Outbox, h.OutboxWarn = "Results: status unavailable", true
			return h
		}
		h.Outbox = outboxLine(ob, time.Now(), transmitting)
		h.OutboxWarn = ob.Dead > 0 || ob.Blocked != "" || (ob.Pending > 0 && time.Since(ob.OldestPending) > backlogWarn)
		return h
	}
}

// outboxLine is the status-bar text of the outbox.
func outboxLine(ob record.OutboxStats, now time.Time, transmitting bool) string {
	last := "none yet"
	if !ob.LastDelivered.IsZero() {
		last = ob.LastDelivered.Local().Format("15:04:05")
	}
	if ob.Blocked != "" && ob.Pending > 0 {
		// The back end does not take them for a cause of the booth's own
		// (clock, configuration): say which; they are kept and resent.
		return fmt.Sprintf("Results: %d NOT ACCEPTED — %s — tell a supervisor (%d refused for good, last sent %s)",
			ob.Pending, ob.LastError, ob.Dead, last)
	}
	if ob.Dead > 0 {
		return fmt.Sprintf("Results: %d REFUSED by the back end — tell a supervisor (%d waiting, last sent %s)",
			ob.Dead, ob.Pending, last)
	}
	switch {
	case ob.Pending == 0:
		return fmt.Sprintf("Results: all sent (last %s)", last)
	case !transmitting:
		return fmt.Sprintf("Results: %d waiting — no back end configured", ob.Pending)
	default:
		age := now.Sub(ob.OldestPending).Round(time.Second)
		return fmt.Sprintf("Results: %d waiting, oldest %s (last sent %s)", ob.Pending, age, last)
	}
}
