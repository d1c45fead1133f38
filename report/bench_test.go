package report

import (
	"context"
	"testing"
	"time"
)

// BenchmarkCompute is a report over 20,000 generated encounters (the CLI's
// `veriport bench --only report` measures 100,000).
func BenchmarkCompute(b *testing.B) {
	s := openStore(b)
	const n = 20000
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := Generate(context.Background(), s.DB, GenOptions{N: n, From: from, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	f := Filter{From: from, To: from.Add(n * 20 * time.Second)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Compute(context.Background(), s.DB, f, Options{Now: f.To})
		if err != nil || r.Processed != n {
			b.Fatalf("%v, %d processed", err, r.Processed)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
}
