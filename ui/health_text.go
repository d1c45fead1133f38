package ui

import (
	"fmt"
	"time"
)

// OutboxFigures are the result outbox's counts the status bar's line is
// made of.
type OutboxFigures struct {
	Pending, Dead int
	Blocked       string // why the back end does not accept the waiting ones; "" when it does
	LastError     string
	LastDelivered time.Time
	OldestPending time.Time
}

// HealthState is what the status bar's texts are made from: the purge
// job's own status line and alarm, or the error that kept it from being
// read; the outbox's figures, or the error that kept them from being read
// (the errors' text goes to the log, never on screen); whether the backlog
// calls for a warning and whether a back end is configured at all.
type HealthState struct {
	Retention      string
	RetentionAlarm bool
	RetentionErr   error
	Outbox         OutboxFigures
	OutboxErr      error
	OutboxWarn     bool
	Transmitting   bool
}

// Health is the status bar's texts for s at now.
func (s HealthState) Health(now time.Time) Health {
	var h Health
	if s.RetentionErr != nil {
		h.Retention, h.RetentionAlarm = "Retention: status unavailable — tell a supervisor", true
	} else {
		h.Retention, h.RetentionAlarm = s.Retention, s.RetentionAlarm
	}
	if s.OutboxErr != nil {
		h.Outbox, h.OutboxWarn = "Results: status unavailable", true
		return h
	}
	h.Outbox, h.OutboxWarn = outboxLine(s.Outbox, now, s.Transmitting), s.OutboxWarn
	return h
}

// outboxLine is the status-bar text of the outbox.
func outboxLine(ob OutboxFigures, now time.Time, transmitting bool) string {
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
