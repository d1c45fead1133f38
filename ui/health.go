package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Health is what the status bar reports of the background services: the
// retention purge job and the result outbox. Texts are short and plain.
type Health struct {
	Retention      string // e.g. "Photos: 12 stored, next purge 14:05"
	RetentionAlarm bool   // something is overdue for deletion
	Outbox         string // e.g. "Results: 3 waiting, last sent 14:02"
	OutboxWarn     bool   // the backlog is older than the configured limit
}

// HealthFunc reads the current Health; it runs off the UI thread.
type HealthFunc func(ctx context.Context) Health

// healthBar shows Health in the status bar, refreshed every period.
type healthBar struct {
	poll      HealthFunc
	period    time.Duration
	retention *widget.Label
	outbox    *widget.Label
	kicks     chan struct{} // read again now: an encounter was recorded
}

func newHealthBar(poll HealthFunc, period time.Duration) *healthBar {
	return &healthBar{poll: poll, period: period, kicks: make(chan struct{}, 1),
		retention: widget.NewLabel("Photos: …"), outbox: widget.NewLabel("Results: …")}
}

// kick asks for a fresh reading now, so the status bar changes with the
// encounter that changed it. Never blocks.
func (h *healthBar) kick() {
	select {
	case h.kicks <- struct{}{}:
	default:
	}
}

func (h *healthBar) object() fyne.CanvasObject {
	for _, l := range []*widget.Label{h.retention, h.outbox} {
		l.Truncation = fyne.TextTruncateEllipsis // never widens the window
	}
	return container.NewGridWithColumns(2, h.retention, h.outbox)
}

// run polls until ctx ends.
func (h *healthBar) run(ctx context.Context) {
	t := time.NewTicker(h.period)
	defer t.Stop()
	for {
		st := h.poll(ctx)
		uiDo(func() { h.apply(st) })
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-h.kicks:
		}
	}
}

// apply shows st; an alarm or backlog is said in the danger or warning colour.
func (h *healthBar) apply(st Health) {
	set := func(l *widget.Label, text string, imp widget.Importance) {
		if l.Text != text || l.Importance != imp {
			l.Text, l.Importance = text, imp
			l.Refresh()
		}
	}
	imp := widget.MediumImportance
	if st.RetentionAlarm {
		imp = widget.DangerImportance
	}
	set(h.retention, st.Retention, imp)
	imp = widget.MediumImportance
	if st.OutboxWarn {
		imp = widget.WarningImportance
	}
	set(h.outbox, st.Outbox, imp)
}
