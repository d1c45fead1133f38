package verify

import (
	"fmt"
	"testing"
)

// BenchmarkCalibrateGallery is the leave-one-out calibration of a flight
// (420 look-alike travelers) and of a hub gallery (42,000 templates,
// sampled to DefaultMaxSearches searches): ms per calibration.
func BenchmarkCalibrateGallery(b *testing.B) {
	for _, n := range []int{420, 42_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			l := NewLookAlikes(1, DefaultLookAlikeCentres, DefaultLookAlikeSpread)
			gallery, _ := lookAlikeSet(l, n, "B")
			ix := indexOf(gallery)
			p := Policy{Threshold: 0.5, Margin: 0.05}
			var ms float64
			for b.Loop() {
				c := CalibrateGallery(ix, EnrolledTemplates(gallery), p, CalibrationOptions{})
				ms += c.Ms
			}
			b.ReportMetric(ms/float64(b.N), "ms")
		})
	}
}
