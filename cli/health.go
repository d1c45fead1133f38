package cli

import (
	"context"
	"time"

	"veriport/app"
	"veriport/ui"
)

// healthFunc reads the workstation's background services for the status
// bar, whose texts ui makes.
func healthFunc(ws *app.Workstation) ui.HealthFunc {
	return func(ctx context.Context) ui.Health {
		h := ws.Health(ctx)
		s := ui.HealthState{RetentionErr: h.RetentionErr, OutboxErr: h.OutboxErr, OutboxWarn: h.OutboxWarn,
			Transmitting: h.Transmitting}
		if h.RetentionErr == nil {
			s.Retention, s.RetentionAlarm = h.Retention.String(), h.Retention.Alarm
		}
		ob := h.Outbox
		s.Outbox = ui.OutboxFigures{Pending: ob.Pending, Dead: ob.Dead, Blocked: ob.Blocked, LastError: ob.LastError,
			LastDelivered: ob.LastDelivered, OldestPending: ob.OldestPending}
		return s.Health(time.Now())
	}
}
