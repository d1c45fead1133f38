package bench

import (
	"context"
	"fmt"
	"io"
	"time"

	"veriport/report"
)

// reportBenchEncounters is how many encounters report_100k_ms reports over.
const reportBenchEncounters = 100000

// benchReport times a report over 100,000 generated encounters in a
// throw-away record store (report_100k_ms) and its charts and PDF
// (report_100k_charts_pdf_ms).
func benchReport(ctx context.Context, env *Env, out map[string]any) error {
	store, _, cleanup, err := benchStore(ctx, "report")
	if err != nil {
		return err
	}
	defer cleanup()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const every = 20 * time.Second
	fill := time.Now()
	if err := report.Generate(ctx, store.DB, report.GenOptions{N: reportBenchEncounters, From: from, Every: every, Seed: 8,
		Stations: []string{"booth-1", "booth-2"}, Officers: []string{"o.1", "o.2", "o.3", "o.4"}}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "bench: report: %d encounters generated in %s\n", reportBenchEncounters, time.Since(fill).Round(time.Millisecond))
	f := report.Filter{From: from, To: from.Add(reportBenchEncounters * every)}
	opts := report.Options{Now: f.To, BacklogWarn: 15 * time.Minute}
	start := time.Now()
	r, err := report.Compute(ctx, store.DB, f, opts)
	took := time.Since(start)
	if err != nil {
		return err
	}
	if r.Processed != reportBenchEncounters {
		return fmt.Errorf("report counted %d of %d encounters", r.Processed, reportBenchEncounters)
	}
	start = time.Now()
	charts, err := report.Charts(r)
	if err == nil {
		err = report.WritePDF(io.Discard, r, charts, report.PDFOptions{})
	}
	pdfTook := time.Since(start)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "bench: report: match rate %.3f, capture %.3f, median %d ms, p95 %d ms, FNIR %.4f\n",
		r.MatchRate, r.Capture.SuccessRate, r.Decision.MedianMS, r.Decision.P95MS, r.Accuracy.FNIR)
	out["report_100k_ms"] = took.Milliseconds()
	out["report_100k_charts_pdf_ms"] = pdfTook.Milliseconds()
	return nil
}
