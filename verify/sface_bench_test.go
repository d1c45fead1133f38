package verify

import (
	"context"
	"image"
	"math"
	"testing"
	"time"
)

// BenchmarkSFaceStages times each stage of the sface template on a tracked
// crop (SingleNear with the box dlib finds), on the test portraits: the
// crop's conversion to BGR, YuNet on the crop, the alignment with its
// blob, and SFace's forward pass; ms_p50 of each.
func BenchmarkSFaceStages(b *testing.B) {
	s := testSFace(b)
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
	var conv, det, align, fwd, whole []float64
	ms := func(t time.Time) float64 { return float64(time.Since(t).Nanoseconds()) / 1e6 }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		img, box := fs[i%len(fs)], boxes[i%len(fs)]
		t0 := time.Now()
		m := int(math.Round(cropMargin * float64(box.Dx())))
		r := box.Inset(-m).Intersect(img.Bounds())
		bgr, err := bgrMat(img, r)
		if err != nil {
			b.Fatal(err)
		}
		conv = append(conv, ms(t0))
		k := sfaceCropWidth / float64(box.Dx())
		t1 := time.Now()
		dets, err := s.detect(bgr, k)
		if err != nil || len(dets) == 0 {
			b.Fatalf("no face on the crop: %v", err)
		}
		det = append(det, ms(t1))
		t2 := time.Now()
		blob, err := s.alignedBlob(bgr, dets[0].scaled(k, image.Point{}))
		if err != nil {
			b.Fatal(err)
		}
		align = append(align, ms(t2))
		t3 := time.Now()
		if _, err := s.embed(blob); err != nil {
			b.Fatal(err)
		}
		fwd = append(fwd, ms(t3))
		blob.Close()
		bgr.Close()
		t4 := time.Now()
		if _, cropped, err := s.SingleNear(context.Background(), img, box, Live); err != nil || !cropped {
			b.Fatalf("cropped %v, %v", cropped, err)
		}
		whole = append(whole, ms(t4))
	}
	b.ReportMetric(Percentile(conv, 50), "crop_bgr_ms")
	b.ReportMetric(Percentile(det, 50), "yunet_ms")
	b.ReportMetric(Percentile(align, 50), "align_ms")
	b.ReportMetric(Percentile(fwd, 50), "sface_ms")
	b.ReportMetric(Percentile(whole, 50), "single_near_ms_p50")
	b.ReportMetric(Percentile(whole, 95), "single_near_ms_p95")
}
