package ui

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestHealthStateTexts: the status bar's lines of the outbox for each of its
// states, and an unreadable status says so without the error's text.
func TestHealthStateTexts(t *testing.T) {
	now := time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)
	sent := now.Add(-time.Minute)
	for _, c := range []struct {
		s    HealthState
		want string
	}{
		{HealthState{Transmitting: true, Outbox: OutboxFigures{LastDelivered: sent}}, "Results: all sent (last "},
		{HealthState{Outbox: OutboxFigures{Pending: 3}}, "Results: 3 waiting — no back end configured"},
		{HealthState{Transmitting: true, Outbox: OutboxFigures{Pending: 2, OldestPending: now.Add(-90 * time.Second)}},
			"Results: 2 waiting, oldest 1m30s (last sent none yet)"},
		{HealthState{Transmitting: true, Outbox: OutboxFigures{Pending: 1, Dead: 2}}, "Results: 2 REFUSED by the back end — tell a supervisor"},
		{HealthState{Transmitting: true, Outbox: OutboxFigures{Pending: 4, Blocked: "clock", LastError: "clock skew"}},
			"Results: 4 NOT ACCEPTED — clock skew — tell a supervisor"},
		{HealthState{OutboxErr: errors.New("database is locked")}, "Results: status unavailable"},
	} {
		if got := c.s.Health(now).Outbox; !strings.HasPrefix(got, c.want) {
			t.Errorf("%+v: %q, want %q...", c.s, got, c.want)
		}
	}
	h := HealthState{Retention: "Photos: 12 stored", RetentionAlarm: true}.Health(now)
	if h.Retention != "Photos: 12 stored" || !h.RetentionAlarm {
		t.Errorf("retention line %q alarm %v", h.Retention, h.RetentionAlarm)
	}
	h = HealthState{RetentionErr: errors.New("sql: database is closed")}.Health(now)
	if !h.RetentionAlarm || !strings.HasPrefix(h.Retention, "Retention: status unavailable") || strings.Contains(h.Retention, "sql") {
		t.Errorf("unreadable retention status: %q alarm %v", h.Retention, h.RetentionAlarm)
	}
}
