package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"veriport/gallery"
)

// fakeFlights is a FlightService whose downloads the test steps through.
type fakeFlights struct {
	mu      sync.Mutex
	rows    []gallery.Status
	listErr error
	step    chan int64 // progress values (of 100) to report, closed to finish
	result  func() (gallery.Status, error)
	asked   []string
}

func (f *fakeFlights) Flights(_ context.Context, date string) ([]gallery.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, date)
	return append([]gallery.Status(nil), f.rows...), f.listErr
}

func (f *fakeFlights) Fetch(_ context.Context, date, flight string, progress gallery.Progress) (gallery.Status, error) {
	for v := range f.step {
		progress(v, 100)
	}
	return f.result()
}

func TestFlightPickerDownloadsAndShowsState(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	dep := time.Date(2026, 11, 25, 21, 0, 0, 0, time.UTC)
	cachedF := gallery.Flight{Carrier: "ZZ", Number: "420", Date: "2026-11-25", Origin: "IAD", Destination: "LHR", Departure: dep}
	offeredF := cachedF
	offeredF.Number, offeredF.Departure = "421", dep.Add(time.Hour)
	good := &gallery.Record{Key: cachedF.Key(), Flight: cachedF, Good: true, Entries: 420,
		IssuedAt: now.Add(-time.Hour), ExpiresAt: now.Add(3*time.Hour + 20*time.Minute), StoredAt: now.Add(-time.Hour)}
	svc := &fakeFlights{rows: []gallery.Status{
		{Flight: cachedF, Record: good, Listing: &gallery.Listing{Flight: "ZZ420", Entries: 420}},
		{Flight: offeredF, Listing: &gallery.Listing{Flight: "ZZ421", Entries: 180}},
	}, step: make(chan int64)}

	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("flights")
	var used []gallery.Status
	p := newFlightPicker(context.Background(), svc, func() time.Time { return now },
		func(s gallery.Status) { used = append(used, s) })
	w.SetContent(p.build())
	w.Resize(fyne.NewSize(900, 600))

	test.Tap(p.refresh)
	waitFor(t, "two flights", func() bool { return p.list.Length() == 2 })
	if svc.asked[0] != "2026-11-25" {
		t.Fatalf("asked for %v, want today's date", svc.asked)
	}
	uiDoAndWait(func() {
		if got := p.rowText(0); !strings.Contains(got, "ZZ420 IAD-LHR departs 21:00Z, 420 travelers: expires in 3h 20m") {
			t.Errorf("row 0 %q", got)
		}
		if got := p.rowText(1); !strings.HasSuffix(got, "180 travelers: not downloaded") {
			t.Errorf("row 1 %q", got)
		}
		p.list.Select(0)
	})
	waitFor(t, "use enabled for the cached gallery", func() bool { return !p.use.Disabled() })
	test.Tap(p.use)
	if len(used) != 1 || used[0].Flight.ID() != "ZZ420" {
		t.Fatalf("use chose %+v", used)
	}

	// Download ZZ421 with progress, then it is fresh and usable.
	fresh := &gallery.Record{Key: offeredF.Key(), Flight: offeredF, Good: true, Entries: 180,
		IssuedAt: now, ExpiresAt: now.Add(24 * time.Hour), StoredAt: now}
	svc.result = func() (gallery.Status, error) { return gallery.Status{Flight: offeredF, Record: fresh}, nil }
	uiDoAndWait(func() { p.list.Select(1) })
	waitFor(t, "download enabled", func() bool { return !p.download.Disabled() && p.use.Disabled() })
	test.Tap(p.download)
	svc.step <- 40
	waitFor(t, "progress at 40%", func() bool { return p.progress.Visible() && p.progress.Value == 0.4 })
	if !p.download.Disabled() {
		t.Error("download button enabled during a download")
	}
	close(svc.step)
	waitFor(t, "fresh state", func() bool { return p.state.Text == "ZZ421 2026-11-25: fresh" })
	uiDoAndWait(func() {
		if p.progress.Visible() || p.use.Disabled() || p.state.Importance != widget.SuccessImportance {
			t.Error("after download: progress still shown, Use disabled or state not marked success")
		}
	})

	// A refused update: the last good gallery stays, the reason is shown.
	svc.step = make(chan int64)
	close(svc.step)
	refused := *fresh
	refused.Refusal = &gallery.Refusal{At: now.Add(time.Minute), Reason: "bad signature: issuer key 1234"}
	svc.result = func() (gallery.Status, error) {
		return gallery.Status{Flight: offeredF, Record: &refused}, fmt.Errorf("refused: %w", gallery.ErrSignature)
	}
	test.Tap(p.download)
	waitFor(t, "refused state", func() bool { return strings.Contains(p.state.Text, "refused: bad signature") })
	uiDoAndWait(func() {
		if p.state.Importance != widget.DangerImportance || !strings.Contains(p.message.Text, "last good one stays") ||
			p.use.Disabled() {
			t.Errorf("refusal shown as %q / %q, use disabled %v", p.state.Text, p.message.Text, p.use.Disabled())
		}
	})
}

func TestFlightPickerOffline(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("flights")
	svc := &fakeFlights{listErr: errors.New("dial tcp 127.0.0.1:8443: connection refused")}
	p := newFlightPicker(context.Background(), svc, nil, nil)
	w.SetContent(p.build())
	test.Type(p.date, "x")
	test.Tap(p.refresh)
	if !strings.Contains(p.message.Text, "YYYY-MM-DD") {
		t.Fatalf("bad date message %q", p.message.Text)
	}
	uiDoAndWait(func() { p.date.SetText("2026-11-25") })
	test.Tap(p.refresh)
	waitFor(t, "offline message", func() bool { return strings.Contains(p.message.Text, "unreachable") })
}
