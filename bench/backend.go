package bench

import (
	"context"
	"fmt"
	"os"
	"time"

	"veriport/loadtest"
	"veriport/pgtest"
	"veriport/report"
	"veriport/transmit"
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
	st, err := transmit.OpenStore(ctx, dsn)
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
func fillTerminal(ctx context.Context, st *transmit.Store, n int, from time.Time) error {
	if !st.Postgres() {
		return fmt.Errorf("the terminal report benchmark needs PostgreSQL")
	}
	_, err := st.DB.ExecContext(ctx, `INSERT INTO results (encounter_id, version, station, officer_id, flight,
		result_date, done_at, started_at, captured_at, decided_at, manual_check_at, decision_ms, outcome, result,
		final, referral, category, quality, received_at, body)
	SELECT md5(g::text)::uuid, 2, 'booth-' || lpad((g % 50)::text, 2, '0'), 'o.' || (g % 200),
		'VP' || (100 + g % 30), (t + interval '1 minute')::date, t + interval '1 minute', t,
		CASE WHEN o <> 'none' AND o <> 'opt-out' THEN t + interval '2 seconds' END,
		CASE WHEN o <> 'none' AND o <> 'opt-out' THEN t + interval '3 seconds' END,
		CASE WHEN o <> 'match' THEN t + interval '4 seconds' END,
		CASE WHEN o <> 'none' AND o <> 'opt-out' THEN 1500 + (g * 7919) % 3000 END,
		o, CASE WHEN o = 'match' THEN 'cleared' WHEN g % 4 = 0 THEN 'referred' ELSE 'verified' END,
		'', '', 'in-scope',
		CASE WHEN o = 'none' THEN '{"captured":false,"failed":["sharpness"]}' ELSE '{"captured":true,"score":0.9}' END,
		now(), '\x7b7d'::bytea
	FROM (SELECT g, $1::timestamptz + g * interval '2 seconds' AS t,
		CASE WHEN g % 100 < 90 THEN 'match' WHEN g % 100 < 95 THEN 'no-match' WHEN g % 100 < 97 THEN 'ambiguous'
			WHEN g % 100 < 99 THEN 'opt-out' ELSE 'none' END AS o
		FROM generate_series(0::bigint, $2::bigint - 1) AS g) s`, from, n)
	if err != nil {
		return fmt.Errorf("fill results: %w", err)
	}
	_, err = st.DB.ExecContext(ctx, `ANALYZE results`)
	return err
}
