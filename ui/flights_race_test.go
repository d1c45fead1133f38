package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"veriport/gallery"
)

// gatedFlights answers a date's lookup only once its gate is opened.
type gatedFlights struct {
	datedFlights
	gmu   sync.Mutex
	gates map[string]chan struct{}
}

func (g *gatedFlights) Flights(ctx context.Context, date string) ([]gallery.Status, error) {
	g.gmu.Lock()
	gate := g.gates[date]
	g.gmu.Unlock()
	if gate != nil {
		<-gate
	}
	return g.datedFlights.Flights(ctx, date)
}

// A slow lookup that lands after a newer one is dropped: the flights on
// screen are those of the last date asked for, and the officer's selection
// stays.
func TestFlightPickerStaleLookupDropped(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	slow := make(chan struct{})
	svc := &gatedFlights{datedFlights: datedFlights{service: true, byDate: map[string][]gallery.Status{
		"2026-11-27": {oneFlight("2026-11-27", 10), oneFlight("2026-11-27", 11)},
		"2026-11-28": {oneFlight("2026-11-28", 20)},
	}}, gates: map[string]chan struct{}{"2026-11-27": slow}}
	p := newFlightPicker(context.Background(), svc, func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }, nil)
	w := a.NewWindow("flights")
	w.SetContent(p.build())
	uiDoAndWait(func() {
		p.date.SetText("2026-11-27")
		p.onRefresh() // slow
		p.date.SetText("2026-11-28")
		p.onRefresh() // answered at once
	})
	waitFor(t, "the 28th's flight", func() bool { return p.list.Length() == 1 })
	uiDoAndWait(func() { p.list.Select(0) })
	close(slow)
	waitFor(t, "the slow lookup answered", func() bool {
		svc.mu.Lock()
		defer svc.mu.Unlock()
		return len(svc.asked) == 2
	})
	time.Sleep(100 * time.Millisecond) // its answer reaches the UI thread
	uiDoAndWait(func() {
		if n := p.list.Length(); n != 1 || p.rows[0].Flight.Date != "2026-11-28" {
			t.Errorf("after the stale answer: %d rows (date %q); want the 28th's one flight", n, p.rows[0].Flight.Date)
		}
		if p.selected != 0 {
			t.Errorf("the officer's selection was cleared by a stale lookup (selected %d)", p.selected)
		}
	})
}
