package retention

import (
	"context"
	"testing"
	"time"
)

// BenchmarkPurge10k purges 10,000 due photos; target purge_10k_ms <= 5000.
func BenchmarkPurge10k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b, "", Options{}, nil)
		f.vault.NoSync = true
		p := photo(20 << 10)
		for range 10000 {
			f.add(b, CategoryUSCitizen, t0, t0, p)
		}
		f.vault.NoSync = false
		f.clock.Set(t0.Add(13 * time.Hour))
		b.StartTimer()
		start := time.Now()
		rep, err := f.keep.Purge(context.Background(), false)
		if err != nil || rep.Deleted != 10000 {
			b.Fatalf("purge: %+v, %v", rep.Deleted, err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "purge_10k_ms")
	}
}
