package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"veriport/gallery"
)

// FlightService is what the flight picker needs: the flights of a date
// (from the gallery service and the cache) and the download of one
// flight's gallery. *gallery.Manager satisfies it.
type FlightService interface {
	Flights(ctx context.Context, date string) ([]gallery.Status, error)
	Fetch(ctx context.Context, date, flight string, progress gallery.Progress) (gallery.Status, error)
}

var _ FlightService = (*gallery.Manager)(nil)

// serviceConfigurer is a FlightService that can say whether a gallery
// service is configured at all (without one only the cache is listed).
type serviceConfigurer interface{ ServiceConfigured() bool }

// noServiceHelp says what an officer or supervisor can do without a
// gallery service.
const noServiceHelp = "No gallery service is configured: only galleries already in the cache are listed. " +
	"To download galleries, set service, client_cert, client_key and ca under [gallery] in the settings " +
	"(config.toml; see README, \"Flight galleries\"), or for the demo run the reference service " +
	"beside the workstation (make run-served)."

// seekDays is how many days ahead the picker looks for the next date with
// flights when it opens.
const seekDays = 7

// flightPicker is the screen where the officer picks the flight: flights
// of a date from the service or the cache, each with its gallery's state
// (fresh / expires in … / refused: reason), a download with progress, and
// Use to load the chosen gallery.
type flightPicker struct {
	svc    FlightService
	now    func() time.Time
	chosen func(gallery.Status) // the officer chose a usable gallery

	date     *keyEntry // passes the Alt shortcuts (Alt+B) on to the window
	refresh  *widget.Button
	list     *keyList
	message  *widget.Label
	state    *widget.Label
	progress *widget.ProgressBar
	download *widget.Button
	// cancel stops the running download (the officer's Cancel); stop is
	// that download's cancel function. UI thread.
	cancel *widget.Button
	stop   context.CancelFunc
	// afterFetch, when set, runs on the UI thread after each download ends.
	afterFetch func()
	use        *widget.Button

	ctx      context.Context
	rows     []gallery.Status
	selected int // -1: none
	busy     bool
	opened   bool   // the date has been chosen once (by seeking or by the officer)
	initial  string // the date the field started with
	// lookup numbers the flight lookups: only the answer to the newest one
	// is shown (an older one landing late would show another date's flights
	// and clear the officer's selection). UI thread.
	lookup int
}

func newFlightPicker(ctx context.Context, svc FlightService, now func() time.Time, onUse func(gallery.Status)) *flightPicker {
	if now == nil {
		now = time.Now
	}
	return &flightPicker{svc: svc, now: now, chosen: onUse, ctx: ctx, selected: -1}
}

func (p *flightPicker) build() fyne.CanvasObject {
	p.date = newKeyEntry()
	p.initial = p.now().UTC().Format(time.DateOnly)
	p.date.SetText(p.initial)
	p.date.Validator = func(s string) error {
		if !gallery.ValidDate(s) {
			return formError("date as YYYY-MM-DD")
		}
		return nil
	}
	p.date.OnSubmitted = func(string) { p.onRefresh() }
	p.refresh = widget.NewButton("Show flights", p.onRefresh)
	p.list = newKeyList(func() int { return len(p.rows) },
		func() fyne.CanvasObject {
			// Cut with an ellipsis rather than widen the panel: the
			// selected flight's whole line shows under the list.
			l := widget.NewLabel("ZZ0000 AAA-BBB departs 00:00Z, 000 travelers: not downloaded")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(p.rowText(id)) })
	p.list.OnSelected = p.onSelect
	p.message = widget.NewLabel("")
	p.message.Wrapping = fyne.TextWrapWord
	p.state = widget.NewLabelWithStyle("Pick a flight", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.state.Wrapping = fyne.TextWrapWord
	p.progress = widget.NewProgressBar()
	p.progress.Hide()
	p.download = widget.NewButton("Download gallery", p.onDownload)
	p.download.Disable()
	p.cancel = widget.NewButton("Cancel download", p.onCancel)
	p.cancel.Hide()
	p.use = widget.NewButton("Use this gallery", p.onUse)
	p.use.Importance = widget.HighImportance
	p.use.Disable()

	// One column under the date: it fits beside the live view in large
	// text at 1024 px, and never props the window open past the screen.
	top := container.NewVBox(widget.NewLabel("Departure date"), container.NewBorder(nil, nil, nil, p.refresh, p.date))
	bottom := container.NewVBox(p.message, widget.NewSeparator(), p.state, p.progress,
		container.NewGridWithColumns(2, p.download, p.use), p.cancel)
	return container.NewBorder(top, bottom, nil, nil, p.list)
}

// open is called each time the picker is shown. The first time, unless the
// officer has typed a date, it lists the next date (today or within
// seekDays) that has flights.
func (p *flightPicker) open() {
	if p.opened || p.date.Text != p.initial {
		return
	}
	p.opened = true
	from, _ := time.Parse(time.DateOnly, p.initial)
	p.refresh.Disable()
	p.showMessage("Looking for the next date with flights…", false)
	p.lookup++
	seq := p.lookup
	go func() {
		date, rows, err := p.initial, []gallery.Status(nil), error(nil)
		for i := range seekDays {
			d := from.AddDate(0, 0, i).Format(time.DateOnly)
			r, e := p.svc.Flights(p.ctx, d)
			if i == 0 || len(r) > 0 {
				date, rows, err = d, r, e
			}
			if len(r) > 0 || p.ctx.Err() != nil {
				break
			}
		}
		uiDo(func() {
			if seq != p.lookup {
				return // the officer asked for flights meanwhile
			}
			if p.date.Text == p.initial { // the officer did not type meanwhile
				p.date.SetText(date)
				p.applyFlights(rows, err)
				if len(rows) == 0 && err == nil && p.serviceConfigured() {
					p.showMessage(fmt.Sprintf("No flights today or in the next %d days.", seekDays-1), false)
				}
				return
			}
			p.refresh.Enable()
		})
	}()
}

// serviceConfigured reports whether a gallery service is configured; a
// service that cannot say is assumed configured.
func (p *flightPicker) serviceConfigured() bool {
	sc, ok := p.svc.(serviceConfigurer)
	return !ok || sc.ServiceConfigured()
}

// plural is "1 flight", "2 flights".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func (p *flightPicker) rowText(id int) string {
	if id < 0 || id >= len(p.rows) {
		return ""
	}
	s := p.rows[id]
	f := s.Flight
	n := 0
	switch {
	case s.Record != nil && s.Record.Good:
		n = s.Record.Entries
	case s.Listing != nil:
		n = s.Listing.Entries
	}
	where := ""
	if s.Listing == nil {
		where = " (cache only)"
	}
	return fmt.Sprintf("%s %s-%s departs %s, %s: %s%s", f.ID(), f.Origin, f.Destination,
		f.Departure.UTC().Format("15:04Z"), plural(n, "traveler"), s.State(p.now()), where)
}

// onRefresh asks the service and the cache for the date's flights.
func (p *flightPicker) onRefresh() {
	date := p.date.Text
	if p.date.Validate() != nil {
		p.showMessage("Enter the departure date as YYYY-MM-DD.", true)
		return
	}
	p.refresh.Disable()
	p.showMessage("Looking up flights…", false)
	p.lookup++
	seq := p.lookup
	go func() {
		rows, err := p.svc.Flights(p.ctx, date)
		uiDo(func() {
			if seq == p.lookup { // an older lookup's answer is dropped
				p.applyFlights(rows, err)
			}
		})
	}()
}

func (p *flightPicker) applyFlights(rows []gallery.Status, err error) {
	p.refresh.Enable()
	p.rows = rows
	p.selected = -1
	p.list.UnselectAll()
	p.list.Refresh()
	p.showStatus()
	switch {
	case err != nil && len(rows) > 0:
		logFailure(nil, "gallery service unreachable", err)
		p.showMessage("Gallery service unreachable; showing galleries in the cache.", true)
	case err != nil:
		logFailure(nil, "gallery service unreachable", err)
		p.showMessage("Gallery service unreachable and nothing cached for this date.", true)
	case len(rows) == 0 && !p.serviceConfigured():
		p.showMessage(noServiceHelp+" Nothing is cached for this date.", true)
	case len(rows) == 0:
		p.showMessage("No flights for this date.", false)
	case !p.serviceConfigured():
		p.showMessage(plural(len(rows), "flight")+" in the cache. "+noServiceHelp, false)
	default:
		p.showMessage(plural(len(rows), "flight")+".", false)
	}
}

func (p *flightPicker) onSelect(id widget.ListItemID) {
	p.selected = id
	p.showStatus()
}

// showStatus sets the state line and buttons for the selected flight.
func (p *flightPicker) showStatus() {
	if p.selected < 0 || p.selected >= len(p.rows) {
		p.state.SetText("Pick a flight")
		p.state.Importance = widget.MediumImportance
		p.state.Refresh()
		p.download.Disable()
		p.use.Disable()
		return
	}
	s := p.rows[p.selected]
	now := p.now()
	st := s.State(now)
	p.state.SetText(s.Flight.ID() + " " + s.Flight.Date + ": " + st)
	switch {
	case strings.HasPrefix(st, "refused:"), st == "expired":
		p.state.Importance = widget.DangerImportance
	case s.Usable(now):
		p.state.Importance = widget.SuccessImportance
	default:
		p.state.Importance = widget.MediumImportance
	}
	p.state.Refresh()
	if s.Listing != nil && !p.busy {
		p.download.Enable()
	} else {
		p.download.Disable()
	}
	if s.Usable(now) && !p.busy {
		p.use.Enable()
	} else {
		p.use.Disable()
	}
}

// onDownload fetches the selected flight's gallery with progress shown.
func (p *flightPicker) onDownload() {
	if p.selected < 0 || p.busy {
		return
	}
	s := p.rows[p.selected]
	idx := p.selected
	p.busy = true
	p.progress.SetValue(0)
	p.progress.Show()
	p.showStatus()
	p.showMessage("Downloading the gallery of "+s.Flight.ID()+"…", false)
	ctx, stop := context.WithCancel(p.ctx)
	p.stop = stop
	p.cancel.Show()
	go func() {
		defer stop()
		st, err := p.svc.Fetch(ctx, s.Flight.Date, s.Flight.ID(), func(done, total int64) {
			if total > 0 {
				v := float64(done) / float64(total)
				uiDo(func() { p.progress.SetValue(v) })
			}
		})
		uiDo(func() { p.applyFetch(idx, s, st, err) })
	}()
}

// onCancel stops the running download; the picker stays open.
func (p *flightPicker) onCancel() {
	if p.stop != nil {
		p.stop()
	}
}

func (p *flightPicker) applyFetch(idx int, was, st gallery.Status, err error) {
	p.busy = false
	p.progress.Hide()
	p.cancel.Hide()
	p.stop = nil
	if st.Record != nil && idx < len(p.rows) && p.rows[idx].Flight.Key() == was.Flight.Key() {
		st.Listing = was.Listing
		p.rows[idx] = st
		p.list.RefreshItem(idx)
	}
	switch {
	case errors.Is(err, context.Canceled) && p.ctx.Err() == nil:
		p.showMessage("Download cancelled.", false)
	case err != nil && st.Record != nil && st.Record.Good:
		p.showMessage("The new gallery was refused; the last good one stays in use.", true)
	case err != nil:
		logFailure(nil, "gallery download failed", err)
		p.showMessage("Download failed: "+galleryReason(err), true)
	default:
		p.showMessage("Gallery downloaded and verified.", false)
	}
	p.showStatus()
	if p.afterFetch != nil {
		p.afterFetch()
	}
}

func (p *flightPicker) onUse() {
	if p.selected < 0 || p.chosen == nil {
		return
	}
	p.chosen(p.rows[p.selected])
}

func (p *flightPicker) showMessage(msg string, warn bool) {
	p.message.SetText(msg)
	if warn {
		p.message.Importance = widget.WarningImportance
	} else {
		p.message.Importance = widget.MediumImportance
	}
	p.message.Refresh()
}

// GalleryLine is the booth screen's line naming the loaded gallery.
func GalleryLine(s gallery.Status, now time.Time) string {
	if s.Record == nil || !s.Record.Good {
		return "Gallery: none loaded"
	}
	f := s.Flight
	return fmt.Sprintf("Gallery: %s %s %s-%s, %s (%s)", f.ID(), f.Date, f.Origin, f.Destination,
		plural(s.Record.Entries, "traveler"), s.State(now))
}

// showFairnessNotice tells the officer, when the flight is chosen, that
// the engine separates its travelers poorly (booth.FairnessNotice).
func showFairnessNotice(w fyne.Window, flight, notice string) {
	if w == nil {
		return
	}
	text := widget.NewLabel(notice)
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Fairness warning: flight "+flight, "Understood", container.NewPadded(text), w)
	d.Resize(fyne.NewSize(520, 220))
	d.Show()
}
