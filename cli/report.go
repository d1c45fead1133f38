package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"veriport/app"
	"veriport/backend"
	"veriport/config"
	"veriport/officer"
	"veriport/record"
	"veriport/report"
)

// reportArgs are the flags of `veriport report`.
type reportArgs struct {
	from, to                 string
	station, officer, flight string
	format, out              string
	backendDB                string // terminal-wide report from the back end's store
	demo                     bool   // the demo profile's records (<data>/demo)
}

// openStore opens the store the report reads: the demo profile's with
// --demo or demo = true in the settings, else the data folder's. demo says
// the records are a demo profile's (so is a store whose demo officer is
// enabled, e.g. --data-dir <data>/demo): the report is then marked DEMO.
func (a reportArgs) openStore(ctx context.Context, env *Env) (config.Config, *record.Store, bool, error) {
	cfg, err := env.Config()
	if err != nil {
		return cfg, nil, false, err
	}
	demo := a.demo || cfg.Demo
	if demo {
		cfg = cfg.DemoProfile()
	}
	store, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return cfg, nil, false, err
	}
	if !demo {
		if demo, err = officer.IsDemoStore(ctx, store.DB); err != nil {
			store.Close()
			return cfg, nil, false, err
		}
	}
	return cfg, store, demo, nil
}

// filter parses the range: default the last 8 hours up to now.
func (a reportArgs) filter(now time.Time) (report.Filter, error) {
	f := report.Filter{Station: a.station, Officer: a.officer, Flight: a.flight, To: now}
	if a.to != "" {
		t, err := time.Parse(time.RFC3339, a.to)
		if err != nil {
			return f, fmt.Errorf("--to %q is not an RFC 3339 time (2006-01-02T15:04:05Z): %w", a.to, err)
		}
		f.To = t
	}
	f.From = f.To.Add(-8 * time.Hour)
	if a.from != "" {
		t, err := time.Parse(time.RFC3339, a.from)
		if err != nil {
			return f, fmt.Errorf("--from %q is not an RFC 3339 time (2006-01-02T15:04:05Z): %w", a.from, err)
		}
		f.From = t
	}
	if !f.From.Before(f.To) {
		return f, fmt.Errorf("--from %s must be before --to %s", f.From.Format(time.RFC3339), f.To.Format(time.RFC3339))
	}
	return f, nil
}

// formatOf is the --format, else the --out extension, else JSON.
func (a reportArgs) formatOf() (string, error) {
	if a.format != "" {
		f, err := report.ParseFormat(a.format)
		if err != nil {
			return "", fmt.Errorf("--format: %w", err)
		}
		return f, nil
	}
	if f, err := report.ParseFormat(strings.TrimPrefix(filepath.Ext(a.out), ".")); err == nil {
		return f, nil
	}
	return report.FormatJSON, nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder, readable by the owner only: a failed export leaves no half file
// and an existing file intact.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// write writes the report in format to buf: the terminal-wide one from the
// back end's result store (--backend-db, read only), else the station's
// from its record store. demo says whether that was the demo profile's.
func (a reportArgs) write(ctx context.Context, env *Env, f report.Filter, format string, buf *bytes.Buffer) (demo bool, err error) {
	if a.backendDB != "" {
		st, err := backend.OpenReadOnly(ctx, a.backendDB) // reads only, migrates nothing
		if err != nil {
			return false, err
		}
		defer st.Close()
		return false, report.WriteTerminal(ctx, st, f, report.Options{}, format, buf)
	}
	cfg, store, demo, err := a.openStore(ctx, env)
	if err != nil {
		return demo, err
	}
	defer store.Close()
	o := report.Options{BacklogWarn: cfg.Transmit.BacklogWarn, Demo: demo}
	return demo, report.Write(ctx, store.DB, f, o, format, buf)
}

// reportCmd is `veriport report`: a supervisor shift report.
func reportCmd(env *Env) *cobra.Command {
	var a reportArgs
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write a supervisor shift report (PDF, CSV of encounters, or JSON)",
		Long: "Report figures for a time range (default: the last 8 hours), optionally for one\n" +
			"station, officer or flight. PDF: figures and charts; CSV: one row per encounter\n" +
			"(no photo, template or name); JSON: every figure.",
		Example: "  veriport report --from 2026-03-01T06:00:00Z --to 2026-03-01T14:00:00Z --format pdf --out shift.pdf",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format, err := a.formatOf()
			if err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			f, err := a.filter(time.Now())
			if err != nil {
				return &ExitError{Code: 2, Err: err}
			}
			if format == report.FormatPDF && (a.out == "" || a.out == "-") {
				return &ExitError{Code: 2, Err: errors.New("a PDF report needs --out FILE")}
			}
			var buf bytes.Buffer
			demo, err := a.write(cmd.Context(), env, f, format, &buf)
			if err != nil {
				return err
			}
			if a.out == "" || a.out == "-" {
				_, err := env.Stdout.Write(buf.Bytes())
				return err
			}
			if err := writeFileAtomic(a.out, buf.Bytes()); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "report: %s written to %s (%s)\n", format, a.out,
				report.Scope(&report.Report{Filter: f, Terminal: a.backendDB != "", Demo: demo}))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&a.from, "from", "", "start of the range, RFC 3339 (default: 8 hours before --to)")
	fl.StringVar(&a.to, "to", "", "end of the range, RFC 3339 (default: now)")
	fl.StringVar(&a.station, "station", "", "only this station")
	fl.StringVar(&a.officer, "officer", "", "only this officer id")
	fl.StringVar(&a.flight, "flight", "", "only this flight")
	fl.StringVar(&a.format, "format", "", "pdf, csv or json (default: from the --out extension, else json)")
	fl.StringVar(&a.out, "out", "", "file to write (default: stdout; required for pdf)")
	fl.BoolVar(&a.demo, "demo", false, "the demo profile's records (default when the settings say demo = true); marked DEMO")
	fl.StringVar(&a.backendDB, "backend-db", "", "terminal-wide report across every booth from the back end's result store\n(postgres://… or a SQLite file; see backend.results_db)")
	return cmd
}
