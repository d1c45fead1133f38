package ui

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"veriport/officer"
	"veriport/record"
	"veriport/report"
)

// reportNow is the clock of the report-screen tests.
var reportNow = time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)

func reportStore(t *testing.T, n int) *record.Store {
	t.Helper()
	ctx := context.Background()
	s, err := record.Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := report.Generate(ctx, s.DB, report.GenOptions{N: n, From: reportNow.Add(-6 * time.Hour),
		Every: time.Minute, Seed: 3, Officers: []string{"o.a", "o.b"}}); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestReportsRefuseOfficers(t *testing.T) {
	if ReportsAllowed(string(officer.RoleOfficer)) || ReportsAllowed("") || !ReportsAllowed(string(officer.RoleSupervisor)) {
		t.Fatal("ReportsAllowed: supervisors only")
	}
	a := test.NewTempApp(t)
	s := reportStore(t, 1)
	w := a.NewWindow("r")
	deps := ReportDeps{DB: s.DB}
	off := &officer.Session{OfficerID: "o.a", Role: officer.RoleOfficer}
	if scr, err := NewReportScreen(context.Background(), w, off, deps); !errors.Is(err, ErrReportsRefused) || scr != nil {
		t.Fatalf("officer session: %v", err)
	}
	if _, err := NewReportScreen(context.Background(), w, nil, deps); !errors.Is(err, ErrReportsRefused) {
		t.Fatalf("no session: %v", err)
	}
	before := len(a.Driver().AllWindows())
	if win, err := OpenReportWindow(context.Background(), a, off, deps); !errors.Is(err, ErrReportsRefused) || win != nil {
		t.Fatalf("OpenReportWindow for an officer: %v", err)
	}
	if after := len(a.Driver().AllWindows()); after != before {
		t.Fatalf("a window opened for an officer (%d -> %d)", before, after)
	}
}

// settledChan returns a Settled hook and a wait for it: the test reads the
// screen only after the background work it started has shown its result.
func settledChan(t *testing.T) (func(), func(what string)) {
	ch := make(chan struct{}, 16)
	return func() { ch <- struct{}{} }, func(what string) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// figure reads the value label of a figure on the screen.
func figure(s *ReportScreen, label string) *widget.Label {
	for _, o := range s.figures.Objects {
		if row, ok := o.(*fyne.Container); ok && len(row.Objects) == 2 {
			if l := row.Objects[0].(*widget.Label); l.Text == label {
				return row.Objects[1].(*widget.Label)
			}
		}
	}
	return nil
}

func TestReportScreenShowsFiguresChartsAndExports(t *testing.T) {
	a := test.NewTempApp(t)
	st := reportStore(t, 300) // one a minute for the last 6 hours ... 300 min = 5 h
	var mu sync.Mutex
	saved := map[string][]byte{}
	settled, wait := settledChan(t)
	w := a.NewWindow("reports")
	sup := &officer.Session{OfficerID: "s.one", Role: officer.RoleSupervisor}
	scr, err := NewReportScreen(context.Background(), w, sup, ReportDeps{DB: st.DB,
		Options: report.Options{BacklogWarn: 15 * time.Minute}, Now: func() time.Time { return reportNow },
		Save: func(name string, data []byte) error {
			mu.Lock()
			defer mu.Unlock()
			saved[name] = data
			return nil
		}, Settled: settled})
	if err != nil {
		t.Fatal(err)
	}
	// The test driver runs fyne.Do on the calling goroutine: lay out only
	// once the first report has settled.
	wait("the first report")
	w.SetContent(scr.Content())
	w.Resize(fyne.NewSize(1280, 860))
	processed := figure(scr, "Travelers processed").Text
	if processed != "300" || scr.from.Text != "2026-03-01T06:00:00Z" || scr.to.Text != "2026-03-01T14:00:00Z" {
		t.Fatalf("default range %s..%s shows %q travelers, want the last 8 h and 300", scr.from.Text, scr.to.Text, processed)
	}
	if !strings.Contains(scr.scope.Text, "2026-03-01 06:00 to 2026-03-01 14:00 UTC") {
		t.Fatalf("scope %q", scr.scope.Text)
	}
	for i, c := range scr.charts {
		if c.Image == nil || c.Image.Bounds().Dx() < 600 {
			t.Fatalf("chart %d not rendered", i)
		}
	}
	if l := figure(scr, "Overdue purges"); l == nil || l.Text != "0" || l.Importance == widget.DangerImportance {
		t.Fatalf("overdue figure %+v", l)
	}

	// A filter narrows the report.
	test.Type(scr.officerF, "o.b")
	test.Tap(scr.refresh)
	wait("the officer's report")
	if n := figure(scr, "Travelers processed").Text; n == "300" || n == "0" {
		t.Fatalf("officer o.b processed %s travelers", n)
	}
	if !strings.Contains(scr.scope.Text, "officer o.b") {
		t.Fatalf("scope %q lacks the officer", scr.scope.Text)
	}

	// A bad time is refused with a message; the report shown stays.
	scr.from.SetText("yesterday")
	if scr.preset.Selected != presetCustom {
		t.Fatalf("editing the range left preset %q", scr.preset.Selected)
	}
	test.Tap(scr.refresh)
	if !strings.Contains(scr.status.Text, "From:") {
		t.Fatalf("status %q", scr.status.Text)
	}
	scr.preset.SetSelected(preset24h)
	if scr.from.Text != "2026-02-28T14:00:00Z" {
		t.Fatalf("24 h preset from %q", scr.from.Text)
	}
	wait("the 24 h report")

	test.Tap(scr.csv)
	wait("the CSV export")
	if !strings.HasPrefix(scr.status.Text, "Saved veriport-report-") {
		t.Fatalf("status after the CSV export: %q", scr.status.Text)
	}
	test.Tap(scr.pdf)
	wait("the PDF export")
	mu.Lock()
	defer mu.Unlock()
	csvData := saved["veriport-report-20260228T1400-20260301T1400-o.b.csv"]
	rows, err := report.ReadCSV(bytes.NewReader(csvData))
	if err != nil || len(rows) == 0 || len(rows) >= 300 {
		t.Fatalf("CSV export: %v, %d rows (saved %d files)", err, len(rows), len(saved))
	}
	for _, r := range rows {
		if r.OfficerID != "o.b" {
			t.Fatalf("CSV row of officer %q", r.OfficerID)
		}
	}
	if pdf := saved["veriport-report-20260228T1400-20260301T1400-o.b.pdf"]; !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("PDF export not saved (%d files)", len(saved))
	}
}

func TestReportScreenFlagsOverduePurge(t *testing.T) {
	a := test.NewTempApp(t)
	st := reportStore(t, 10)
	e := &record.Encounter{Station: "booth-1", StartedAt: reportNow.Add(-3 * time.Hour), Category: "us-citizen",
		Outcome: "match", PhotoState: record.PhotoStored, PurgeDeadline: reportNow.Add(-2 * time.Hour)}
	if err := record.InsertEncounter(context.Background(), st.DB, e); err != nil {
		t.Fatal(err)
	}
	settled, wait := settledChan(t)
	w := a.NewWindow("reports")
	scr, err := NewReportScreen(context.Background(), w, &officer.Session{Role: officer.RoleSupervisor},
		ReportDeps{DB: st.DB, Now: func() time.Time { return reportNow }, Settled: settled})
	if err != nil {
		t.Fatal(err)
	}
	wait("the report")
	w.SetContent(container.NewStack(scr.Content()))
	l := figure(scr, "Overdue purges")
	if l.Text != "1" || l.Importance != widget.DangerImportance {
		t.Fatalf("overdue purge shown as %q (importance %v)", l.Text, l.Importance)
	}
}
