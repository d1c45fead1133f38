package loadtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"veriport/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// The short form of the load test: booths send concurrently over mutual TLS
// while PostgreSQL is killed and restarted; every result is stored once, in
// each booth's order. The full form is BenchmarkBackendLoad and `veriport
// bench --only backend`.
func TestLoadBoothsPostgresRestartMidRun(t *testing.T) {
	srv, err := pgtest.Shared()
	if err != nil {
		t.Fatalf("throw-away PostgreSQL server: %v", err)
	}
	fig, err := Run(context.Background(), Options{Booths: 10, PerBooth: 80, DSN: pgtest.Database(t),
		Dir: t.TempDir(), Restart: srv.Restart})
	if err != nil {
		t.Fatal(err)
	}
	if !fig.Restarted {
		t.Fatal("the database was not restarted mid-run")
	}
	t.Logf("%d results in %v: %.0f results/s, ack p95 %.1f ms, %d answers refused while restarting",
		fig.Results, fig.Elapsed, fig.ResultsPerS, fig.AckP95MS, fig.Refused)
}

func TestLoadBoothsSQLite(t *testing.T) {
	dir := t.TempDir()
	fig, err := Run(context.Background(), Options{Booths: 5, PerBooth: 40, DSN: filepath.Join(dir, "results.db"), Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d results in %v: %.0f results/s, ack p95 %.1f ms", fig.Results, fig.Elapsed, fig.ResultsPerS, fig.AckP95MS)
}

// BenchmarkBackendLoad is the full load test: 50 booths x 2,000 results
// against a durable PostgreSQL (fsync on), restarted once mid-run.
func BenchmarkBackendLoad(b *testing.B) {
	srv, err := pgtest.Start(pgtest.Options{Durable: true})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Stop()
	for i := 0; i < b.N; i++ {
		dsn, err := srv.NewDatabase(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		fig, err := Run(context.Background(), Options{Booths: 50, PerBooth: 2000, DSN: dsn, Dir: b.TempDir(),
			Restart: srv.Restart})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(fig.ResultsPerS, "results/s")
		b.ReportMetric(fig.AckP95MS, "ack_ms_p95")
	}
}

// TestLoadBoothsForADuration: with Duration set, the booths keep sending
// new results until it has passed (their outboxes refilled as they
// drain), then every result is stored once, in each booth's order.
func TestLoadBoothsForADuration(t *testing.T) {
	fig, err := Run(context.Background(), Options{Booths: 8, PerBooth: 20, DSN: pgtest.Database(t),
		Dir: t.TempDir(), Duration: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if fig.Elapsed < 3*time.Second {
		t.Fatalf("the run ended after %v, before its 3 s", fig.Elapsed)
	}
	if fig.Results <= 8*20 {
		t.Fatalf("%d results in 3 s: the outboxes were not refilled (one fill is %d)", fig.Results, 8*20)
	}
	t.Logf("%d results in %v: %.0f results/s, ack p95 %.1f ms", fig.Results, fig.Elapsed, fig.ResultsPerS, fig.AckP95MS)
}
