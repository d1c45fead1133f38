package ui

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestHealthBarShowsOverdueAlarmAndBacklog(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	var overdue atomic.Bool
	h := newHealthBar(func(context.Context) Health {
		if overdue.Load() {
			return Health{Retention: "Photos: 1 OVERDUE for deletion", RetentionAlarm: true,
				Outbox: "Results: 4 waiting for 20m", OutboxWarn: true}
		}
		return Health{Retention: "Photos: 2 stored", Outbox: "Results: all sent"}
	}, 10*time.Millisecond)
	w := a.NewWindow("health")
	w.SetContent(h.object())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go h.run(ctx)

	waitFor(t, "healthy status", func() bool {
		return h.retention.Text == "Photos: 2 stored" && h.retention.Importance == widget.MediumImportance
	})
	overdue.Store(true)
	waitFor(t, "the overdue alarm", func() bool {
		return h.retention.Text == "Photos: 1 OVERDUE for deletion" && h.retention.Importance == widget.DangerImportance
	})
	uiDoAndWait(func() {
		if h.outbox.Importance != widget.WarningImportance || h.outbox.Text != "Results: 4 waiting for 20m" {
			t.Errorf("outbox backlog not warned: %q %v", h.outbox.Text, h.outbox.Importance)
		}
	})
}
