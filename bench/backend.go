package bench

import (
	"context"
	"fmt"
	"os"
	"time"

	"veriport/backend"
	"veriport/loadtest"
	"veriport/pgtest"
	"veriport/report"
)

// Sizes of the back-end benchmarks.
const (
	backendBenchBooths   = 50
	backendBenchPerBooth = 2000
	terminalBenchResults = 1000000
)

// backend: 50 booths x 2,000 results over mutual TLS into a throw-away
// durable PostgreSQL, restarted once mid-run (backend_results_per_s,
// backend_ack_ms_p95).
func benchBackend(ctx context.Context, env *Env, out map[string]any) error {
	srv, err := pgtest.Start(pgtest.Options{Durable: true})
	if err != nil {
		return err
	}
	defer srv.Stop()
	dir, err := os.MkdirTemp("", "veriport-bench-backend-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dsn, err := srv.NewDatabase(ctx)
	if err != nil {
		return err
	}
	fig, err := loadtest.Run(ctx, loadtest.Options{Booths: backendBenchBooths, PerBooth: backendBenchPerBooth,
		DSN: dsn, Dir: dir, Restart: srv.Restart})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "bench: backend: %d results in %s, %.0f/s, ack p50 %.1f ms p95 %.1f ms, %d refused while the database restarted\n",
		fig.Results, fig.Elapsed.Round(time.Millisecond), fig.ResultsPerS, fig.AckP50MS, fig.AckP95MS, fig.Refused)
	out["backend_results_per_s"] = int(fig.ResultsPerS)
	out["backend_ack_ms_p95"] = fig.AckP95MS
	return nil
}

// backend-report: a terminal-wide report over 1,000,000 results held in
// a throw-away durable PostgreSQL (report_terminal_1m_ms).
func benchBackendReport(ctx context.Context, env *Env, out map[string]any) error {
	srv, err := pgtest.Start(pgtest.Options{Durable: true})
	if err != nil {
		return err
	}
	defer srv.Stop()
	dsn, err := srv.NewDatabase(ctx)
	if err != nil {
		return err
	}
	st, err := backend.OpenStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fill := time.Now()
	if err := fillTerminal(ctx, st, terminalBenchResults, from); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "bench: backend: %d results generated in PostgreSQL in %s\n", terminalBenchResults,
		time.Since(fill).Round(time.Millisecond))
	f := report.Filter{From: from, To: from.Add(terminalBenchResults * 2 * time.Second)}
	start := time.Now()
	r, err := report.ComputeTerminal(ctx, st, f, report.Options{Now: f.To})
	took := time.Since(start)
	if err != nil {
		return err
	}
	if r.Processed != terminalBenchResults {
		return fmt.Errorf("terminal report counted %d of %d results", r.Processed, terminalBenchResults)
	}
	fmt.Fprintf(env.Stderr, "bench: backend: terminal report over %d stations, %d officers: match rate %.3f, median %d ms\n",
		len(r.Stations), len(r.Officers), r.MatchRate, r.Decision.MedianMS)
	out["report_terminal_1m_ms"] = took.Milliseconds()
	return nil
}

// fillTerminal writes n synthetic results (50 stations, 200 officers, one
// every 2 s; about 90 % cleared matches) straight into a PostgreSQL result
// store with one INSERT … SELECT: no name, template or photo.
func fillTerminal(ctx context.Context, st *backend.Store, n int, from time.Time) error {
	if !st.Postgres() {
		return fmt.Errorf("the terminal report benchmark needs PostgreSQL")
	}
	_, err := st.DB.ExecContext(ctx, fillSQL, from, 0, n)
	if err != nil {
		return fmt.Errorf("fill results: %w", err)
	}
	_, err = st.DB.ExecContext(ctx, `ANALYZE results`)
	return err
}
