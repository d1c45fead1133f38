package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"veriport/gallery"
)

// datedFlights lists flights by date and says whether a service is configured.
type datedFlights struct {
	mu      sync.Mutex
	byDate  map[string][]gallery.Status
	service bool
	asked   []string
}

func (d *datedFlights) Flights(_ context.Context, date string) ([]gallery.Status, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked = append(d.asked, date)
	return d.byDate[date], nil
}

func (d *datedFlights) Fetch(context.Context, string, string, gallery.Progress) (gallery.Status, error) {
	return gallery.Status{}, nil
}

func (d *datedFlights) ServiceConfigured() bool { return d.service }

func oneFlight(date string, entries int) gallery.Status {
	f := gallery.Flight{Carrier: "ZZ", Number: "7", Date: date, Origin: "IAD", Destination: "LHR",
		Departure: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	return gallery.Status{Flight: f, Listing: &gallery.Listing{Flight: "ZZ7", Entries: entries}}
}

// The picker opens on the next date that has flights, here tomorrow, and
// counts "1 flight" and "1 traveler" in the singular.
func TestFlightPickerDefaultsToNextDateWithFlights(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	svc := &datedFlights{service: true, byDate: map[string][]gallery.Status{"2026-11-27": {oneFlight("2026-11-27", 1)}}}
	p := newFlightPicker(context.Background(), svc, func() time.Time { return time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC) }, nil)
	w := a.NewWindow("flights")
	w.SetContent(p.build())
	p.open()
	waitFor(t, "tomorrow's flight listed", func() bool { return p.list.Length() == 1 })
	uiDoAndWait(func() {
		if p.date.Text != "2026-11-27" {
			t.Errorf("date %q, want the next date with flights", p.date.Text)
		}
		if p.message.Text != "1 flight." {
			t.Errorf("message %q", p.message.Text)
		}
		if r := p.rowText(0); !strings.Contains(r, " 1 traveler:") {
			t.Errorf("row %q", r)
		}
	})
	// A date the officer typed is not overridden by a second open.
	uiDoAndWait(func() { p.date.SetText("2026-11-30") })
	p.open()
	uiDoAndWait(func() {
		if p.date.Text != "2026-11-30" {
			t.Errorf("typed date replaced by %q", p.date.Text)
		}
	})
}

// Without a gallery service the picker says so and how to configure one.
func TestFlightPickerSaysNoServiceConfigured(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	svc := &datedFlights{byDate: map[string][]gallery.Status{}}
	p := newFlightPicker(context.Background(), svc, func() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }, nil)
	w := a.NewWindow("flights")
	w.SetContent(p.build())
	p.open()
	waitFor(t, "no-service message", func() bool { return strings.Contains(p.message.Text, "No gallery service") })
	uiDoAndWait(func() {
		if !strings.Contains(p.message.Text, "[gallery]") || !strings.Contains(p.message.Text, "service") {
			t.Errorf("message does not say how to configure it: %q", p.message.Text)
		}
	})
}
