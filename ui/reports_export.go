package ui

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"veriport/officer"
	"veriport/report"
)

// exportName is the suggested file name of an export of f.
func exportName(f report.Filter, format string) string {
	name := "veriport-report-" + f.From.UTC().Format("20060102T1504") + "-" + f.To.UTC().Format("20060102T1504")
	for _, v := range []string{f.Station, f.Officer, f.Flight} {
		if v != "" {
			name += "-" + strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
					return r
				}
				return '_'
			}, v)
		}
	}
	return name + "." + format
}

// export writes the report of the form's range in format off the UI thread
// and hands it to Save (a file-save dialog by default).
func (s *ReportScreen) export(format string) {
	f, err := s.filter()
	if err != nil {
		s.status.SetText(reportText("Export failed", err))
		return
	}
	s.setBusy(true, "Exporting "+strings.ToUpper(format)+"…")
	opts := s.options()
	all := s.allBooths()
	go func() {
		var buf bytes.Buffer
		var err error
		if all {
			err = report.WriteTerminal(s.ctx, s.deps.Backend, f, opts, format, &buf)
		} else {
			err = report.Write(s.ctx, s.deps.DB, f, opts, format, &buf)
		}
		uiDo(func() {
			s.setBusy(false, "")
			if err != nil {
				logFailure(nil, "report export failed", err)
				s.status.SetText(reportText("Export failed", err))
				s.settled()
				return
			}
			name := exportName(f, format)
			if opts.Demo {
				name = strings.Replace(name, "veriport-report-", "veriport-report-DEMO-", 1)
			}
			s.save(name, buf.Bytes())
		})
	}()
}

// save hands data to deps.Save or a file-save dialog and reports the result.
func (s *ReportScreen) save(name string, data []byte) {
	done := func(err error) {
		defer s.settled()
		if err != nil {
			logFailure(nil, "report export not saved", err)
			s.status.SetText("Export not saved: the file could not be written. Choose another folder, or tell a supervisor.")
			return
		}
		s.status.SetText(fmt.Sprintf("Saved %s (%d bytes)", name, len(data)))
	}
	if s.deps.Save != nil {
		done(s.deps.Save(name, data))
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			if err != nil {
				done(err)
			} else {
				s.settled() // cancelled
			}
			return
		}
		_, werr := w.Write(data)
		if cerr := w.Close(); werr == nil {
			werr = cerr
		}
		if werr == nil {
			name = w.URI().Name()
		}
		done(werr)
	}, s.win)
	d.SetFileName(name)
	d.Show()
}

// OpenReportWindow opens the shift reports in their own window for a
// supervisor's session; anyone else gets ErrReportsRefused and no window.
func OpenReportWindow(ctx context.Context, app fyne.App, sess *officer.Session, deps ReportDeps) (fyne.Window, error) {
	if sess == nil || !ReportsAllowed(string(sess.Role)) {
		return nil, ErrReportsRefused
	}
	title := "Veriport - shift reports"
	if deps.Options.Demo {
		title += " (DEMO)"
	}
	w := app.NewWindow(title)
	scr, err := NewReportScreen(ctx, w, sess, deps)
	if err != nil {
		w.Close()
		return nil, err
	}
	w.SetContent(scr.Content())
	w.Resize(fyne.NewSize(1280, 860))
	w.Show()
	return w, nil
}
