package verify

import (
	"context"
	"fmt"
	"image"
	"testing"
	"time"
)

// frames are the whole-face portraits letterboxed to 1280x720.
func frames(b testing.TB) []image.Image {
	var out []image.Image
	for _, name := range []string{"obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"} {
		img, err := LoadImage(portrait(b, name))
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, Letterbox(img, 1280, 720))
	}
	return out
}

// BenchmarkTemplate is image -> template (JPEG hand-over, detection,
// landmarks, descriptor) on a 1280x720 frame, at live priority.
func BenchmarkTemplate(b *testing.B) {
	e := testEngine(b)
	fs := frames(b)
	ms := make([]float64, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := e.Single(fs[i%len(fs)]); err != nil {
			b.Fatal(err)
		}
		ms = append(ms, float64(time.Since(start).Nanoseconds())/1e6)
	}
	b.ReportMetric(Percentile(ms, 50), "ms_p50")
	b.ReportMetric(Percentile(ms, 95), "ms_p95")
}

// BenchmarkSearch is a top-2 search over n synthetic templates, with the
// read floor of the same memory measured alongside (1,000,000 templates, 512
// MB, is measured by veriport bench only).
func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{420, 42000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ix := SyntheticIndex(n, 1)
			probe := NewSynth(2).Subject()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ix.Search(&probe, 2)
			}
			perSearch := float64(b.Elapsed().Nanoseconds()) / float64(b.N) / 1e6
			b.StopTimer()
			start, reps := time.Now(), 0
			for time.Since(start) < 200*time.Millisecond {
				ix.ScanFloor()
				reps++
			}
			scan := float64(time.Since(start).Nanoseconds()) / float64(reps) / 1e6
			b.ReportMetric(perSearch, "ms/search")
			b.ReportMetric(scan, "scan_ms")
			b.ReportMetric(perSearch/scan, "ratio")
		})
	}
}

// BenchmarkTemplateCrop is SingleNear on the same frames, given dlib's box
// as the tracked one: the live describer on the crop around the face.
func BenchmarkTemplateCrop(b *testing.B) {
	e := testEngine(b)
	fs := frames(b)
	boxes := make([]image.Rectangle, len(fs))
	for i, f := range fs {
		face, err := e.Single(f)
		if err != nil {
			b.Fatal(err)
		}
		boxes[i] = face.Box
	}
	ms := make([]float64, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, cropped, err := e.SingleNear(context.Background(), fs[i%len(fs)], boxes[i%len(fs)], Live); err != nil || !cropped {
			b.Fatalf("cropped %v, %v", cropped, err)
		}
		ms = append(ms, float64(time.Since(start).Nanoseconds())/1e6)
	}
	b.ReportMetric(Percentile(ms, 50), "ms_p50")
	b.ReportMetric(Percentile(ms, 95), "ms_p95")
}
