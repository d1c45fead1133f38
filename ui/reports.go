package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"veriport/officer"
	"veriport/report"
)

// ErrReportsRefused means a session that is not a supervisor's asked for
// the shift reports.
var ErrReportsRefused = errors.New("shift reports are for supervisors")

// ReportsAllowed reports whether an officer of role may open the shift
// reports: supervisors only. The main window shows the Reports entry only
// when it is true.
func ReportsAllowed(role string) bool { return role == string(officer.RoleSupervisor) }

// ReportDeps is what the supervisor report screen reads.
type ReportDeps struct {
	DB report.Local // the record store (*record.Store).DB
	// Backend, when set (backend.results_db), adds the "All booths" source:
	// the terminal-wide report from the back end's result store.
	Backend *report.Backend
	Options report.Options // BacklogWarn from the config; Now zero means the clock
	Now     func() time.Time
	// Save hands an export to the supervisor: nil means a file-save dialog.
	Save func(name string, data []byte) error
	// Settled, when set, is called on the UI thread each time a background
	// report or export has finished and the screen shows its result.
	Settled func()
}

// Range presets of the report screen, in menu order.
const (
	presetShift  = "This shift (last 8 h)"
	preset12h    = "Last 12 h"
	preset24h    = "Last 24 h"
	presetToday  = "Today (UTC)"
	presetCustom = "Custom"
)

var reportPresets = []string{presetShift, preset12h, preset24h, presetToday, presetCustom}

// Report sources: this booth's record store, or every booth's results in
// the back end's store.
const (
	sourceBooth = "This booth"
	sourceAll   = "All booths"
)

// ReportScreen is the supervisor's shift report: a range (presets or two
// RFC 3339 times), station/officer/flight filters, the figures (alerts in
// red), the three charts, and Export PDF / Export CSV.
type ReportScreen struct {
	deps ReportDeps
	win  fyne.Window
	ctx  context.Context

	preset, source           *widget.Select
	from, to                 *widget.Entry
	station, officerF, fligt *widget.Entry
	refresh, pdf, csv        *widget.Button
	title                    *widget.Label // "Shift report", DEMO in the demo profile
	status                   *widget.Label
	scope                    *widget.Label
	figures                  *fyne.Container
	charts                   []*canvas.Image
	content                  fyne.CanvasObject

	last    *report.Report // the report shown; nil before the first
	gen     int            // the latest Refresh; older results are dropped
	filling bool           // a preset is writing the range entries
}

// NewReportScreen builds the report screen for sess in win; it refuses a
// session that is not a supervisor's (ErrReportsRefused).
func NewReportScreen(ctx context.Context, win fyne.Window, sess *officer.Session, deps ReportDeps) (*ReportScreen, error) {
	if sess == nil || !ReportsAllowed(string(sess.Role)) {
		return nil, ErrReportsRefused
	}
	if deps.DB == nil {
		return nil, errors.New("report screen: no record store")
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	s := &ReportScreen{deps: deps, win: win, ctx: ctx}
	s.build()
	return s, nil
}

// Content is the screen's root object.
func (s *ReportScreen) Content() fyne.CanvasObject { return s.content }

func (s *ReportScreen) build() {
	s.from, s.to = widget.NewEntry(), widget.NewEntry()
	for _, e := range []*widget.Entry{s.from, s.to} {
		e.SetPlaceHolder("2006-01-02T15:04:05Z")
		e.Validator = func(v string) error {
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				return formError("time as 2006-01-02T15:04:05Z")
			}
			return nil
		}
		e.OnChanged = func(string) {
			if !s.filling {
				s.preset.SetSelected(presetCustom)
			}
		}
		e.OnSubmitted = func(string) { s.Refresh() }
	}
	s.station, s.officerF, s.fligt = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	s.station.SetPlaceHolder("all stations")
	s.officerF.SetPlaceHolder("all officers")
	s.fligt.SetPlaceHolder("all flights")
	s.preset = widget.NewSelect(reportPresets, s.onPreset)
	s.source = widget.NewSelect([]string{sourceBooth, sourceAll}, func(string) {
		if s.last != nil {
			s.Refresh()
		}
	})
	s.source.SetSelected(sourceBooth)
	s.refresh = widget.NewButton("Show report", s.Refresh)
	s.refresh.Importance = widget.HighImportance
	s.pdf = widget.NewButton("Export PDF", func() { s.export(report.FormatPDF) })
	s.csv = widget.NewButton("Export CSV", func() { s.export(report.FormatCSV) })
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.scope = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.scope.Wrapping = fyne.TextWrapWord
	s.figures = container.NewVBox()
	items := []*widget.FormItem{widget.NewFormItem("Range", s.preset)}
	if s.deps.Backend != nil {
		items = append(items, widget.NewFormItem("Source", s.source))
	}
	form := widget.NewForm(append(items, widget.NewFormItem("From", s.from), widget.NewFormItem("To", s.to),
		widget.NewFormItem("Station", s.station), widget.NewFormItem("Officer", s.officerF),
		widget.NewFormItem("Flight", s.fligt))...)
	s.title = widget.NewLabelWithStyle("Shift report", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if s.deps.Options.Demo { // demo figures never pass for a real shift's
		s.title.SetText("Shift report — DEMO: demo profile, not real travelers")
		s.title.Importance = widget.DangerImportance
		s.title.Wrapping = fyne.TextWrapWord
	}
	left := container.NewVBox(s.title,
		form, s.refresh, container.NewGridWithColumns(2, s.pdf, s.csv), s.status, s.scope, s.figures)
	// Three rows sharing the height; each chart is scaled to fit its row
	// (7:3), so a narrow window shrinks the charts rather than cutting off
	// their right side (legend, last hours).
	chartBox := container.NewGridWithRows(3)
	for range 3 {
		img := canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(280, 120))
		s.charts = append(s.charts, img)
		chartBox.Add(img)
	}
	split := container.NewHSplit(container.NewVScroll(left), container.NewVScroll(chartBox))
	split.Offset = 0.4
	s.content = split
	s.preset.SetSelected(presetShift) // fills the range and shows the report
}

// onPreset fills the range entries from a preset and shows the report.
func (s *ReportScreen) onPreset(p string) {
	if p == presetCustom {
		return
	}
	now := s.deps.Now().UTC().Truncate(time.Second)
	from := now.Add(-8 * time.Hour)
	switch p {
	case preset12h:
		from = now.Add(-12 * time.Hour)
	case preset24h:
		from = now.Add(-24 * time.Hour)
	case presetToday:
		from = now.Truncate(24 * time.Hour)
	}
	s.filling = true
	s.from.SetText(from.Format(time.RFC3339))
	s.to.SetText(now.Format(time.RFC3339))
	s.filling = false
	s.Refresh()
}

// filter reads the range and filters from the form.
func (s *ReportScreen) filter() (report.Filter, error) {
	from, err := time.Parse(time.RFC3339, s.from.Text)
	if err != nil {
		return report.Filter{}, formError(fmt.Sprintf("From: %q is not a time like 2006-01-02T15:04:05Z.", s.from.Text))
	}
	to, err := time.Parse(time.RFC3339, s.to.Text)
	if err != nil {
		return report.Filter{}, formError(fmt.Sprintf("To: %q is not a time like 2006-01-02T15:04:05Z.", s.to.Text))
	}
	if !from.Before(to) {
		return report.Filter{}, formError("From must be before To.")
	}
	return report.Filter{From: from, To: to, Station: s.station.Text, Officer: s.officerF.Text, Flight: s.fligt.Text}, nil
}

// options are the report options at the screen's clock.
func (s *ReportScreen) options() report.Options {
	o := s.deps.Options
	if o.Now.IsZero() {
		o.Now = s.deps.Now()
	}
	return o
}

// Refresh computes the report of the form's range and filters off the UI
// thread and shows it.
func (s *ReportScreen) Refresh() {
	f, err := s.filter()
	if err != nil {
		s.status.SetText(reportText("Report failed", err))
		return
	}
	s.setBusy(true, "Computing the report…")
	opts := s.options()
	s.gen++
	gen := s.gen
	go func() {
		r, err := s.compute(f, opts)
		var charts []report.Chart
		if err == nil {
			charts, err = report.Charts(r)
		}
		imgs := make([]image.Image, len(charts))
		for i, c := range charts {
			if imgs[i], err = png.Decode(bytes.NewReader(c.PNG)); err != nil {
				break
			}
		}
		uiDo(func() {
			if gen != s.gen {
				return // a newer report is on its way
			}
			defer s.settled()
			s.setBusy(false, "")
			if err != nil {
				logFailure(nil, "report failed", err)
				s.status.SetText(reportText("Report failed", err))
				return
			}
			s.show(r, imgs)
		})
	}()
}

// allBooths reports whether the "All booths" source is chosen.
func (s *ReportScreen) allBooths() bool {
	return s.deps.Backend != nil && s.source.Selected == sourceAll
}

// compute is the report of f from the chosen source.
func (s *ReportScreen) compute(f report.Filter, o report.Options) (*report.Report, error) {
	if s.allBooths() {
		return report.ComputeTerminal(s.ctx, s.deps.Backend, f, o)
	}
	return report.Compute(s.ctx, s.deps.DB, f, o)
}

// settled tells deps.Settled that the screen is up to date.
func (s *ReportScreen) settled() {
	if s.deps.Settled != nil {
		s.deps.Settled()
	}
}

func (s *ReportScreen) setBusy(busy bool, msg string) {
	for _, b := range []*widget.Button{s.refresh, s.pdf, s.csv} {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	s.status.SetText(msg)
}

// show puts r's figures and chart images on the screen.
func (s *ReportScreen) show(r *report.Report, imgs []image.Image) {
	s.last = r
	s.scope.SetText(report.Scope(r))
	s.figures.RemoveAll()
	section := ""
	for _, f := range report.Figures(r) {
		if f.Section != section {
			section = f.Section
			s.figures.Add(widget.NewLabelWithStyle(section, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		}
		v := widget.NewLabel(f.Value)
		if f.Alert {
			v.Importance = widget.DangerImportance
			v.TextStyle.Bold = true
		}
		// Both wrap, so that large text narrows the column rather than
		// pushing the charts out of the window.
		l := widget.NewLabel(f.Label)
		l.Wrapping, v.Wrapping = fyne.TextWrapWord, fyne.TextWrapWord
		s.figures.Add(container.NewGridWithColumns(2, l, v))
	}
	for i, img := range imgs {
		if i < len(s.charts) {
			s.charts[i].Image = img
			s.charts[i].Refresh()
		}
	}
}
