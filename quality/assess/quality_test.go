package assess

import (
	"image"
	"math"
	"testing"
	"time"

	"veriport/quality"
)

// The tests below build frames whose answer is known by construction from
// the cached public-domain portraits (see scene) and check each measure.

func TestQualityGoodFramePasses(t *testing.T) {
	a := testAssessor(t)
	r := assessScene(t, a, scene{portrait: "obama.jpg", interEye: 100})
	if !r.Pass() || r.Guidance() != "" || r.Verdict() != quality.VerdictPass {
		for _, m := range r.Measures {
			t.Logf("%s %s %s", m.Name, m.Text(), m.Verdict)
		}
		t.Fatalf("frontal, sharp, well lit portrait at 100 px does not pass: %q", r.Guidance())
	}
	if r.Faces != 1 || !r.EyesKnown || len(r.Landmarks) != 5 {
		t.Errorf("faces %d, eyes known %v, %d landmarks", r.Faces, r.EyesKnown, len(r.Landmarks))
	}
}

func TestQualityRollFollowsRotation(t *testing.T) {
	a := testAssessor(t)
	base, _ := value(t, assessScene(t, a, scene{portrait: "obama.jpg", interEye: 100}), quality.MeasureRoll)
	for _, angle := range []float64{-14, -11, -4, 4, 11, 14} {
		r := assessScene(t, a, scene{portrait: "obama.jpg", interEye: 100, roll: angle})
		got, v := value(t, r, quality.MeasureRoll)
		// OpenCV rotates counter-clockwise for positive angles: the
		// image-right eye rises, which is a negative roll.
		if !near(got-base, -angle, 1.5) {
			t.Errorf("rotated %+.0f°: roll %+.1f°, want %+.1f ± 1.5", angle, got, base-angle)
		}
		want := quality.VerdictPass
		if math.Abs(angle) > 8 {
			want = quality.VerdictWarn
		}
		if v != want {
			t.Errorf("rotated %+.0f°: verdict %s, want %s", angle, v, want)
		}
		if want != quality.VerdictPass && r.Guidance() != quality.SayHeadLevel {
			t.Errorf("rotated %+.0f°: guidance %q", angle, r.Guidance())
		}
	}
}

func TestQualityInterEyeBound(t *testing.T) {
	a := testAssessor(t)
	for _, ied := range []float64{130, 110, 95, 85, 75, 60, 50} {
		r := assessScene(t, a, scene{portrait: "obama.jpg", interEye: ied})
		got, v := value(t, r, quality.MeasureInterEye)
		if !near(got, ied, 0.06*ied) {
			t.Errorf("built %.0f px: measured %.0f px", ied, got)
		}
		switch {
		case ied >= 95 && v != quality.VerdictPass:
			t.Errorf("%.0f px: verdict %s, want pass", ied, v)
		case ied < 90 && v == quality.VerdictPass:
			t.Errorf("%.0f px: passes below the 90 px bound", ied)
		case ied <= 60 && (v != quality.VerdictFail || r.Guidance() != quality.SayCloser):
			t.Errorf("%.0f px: verdict %s guidance %q, want fail / %q", ied, v, r.Guidance(), quality.SayCloser)
		}
	}
}

func TestQualitySharpnessFallsWithBlur(t *testing.T) {
	a := testAssessor(t)
	prev := math.Inf(1)
	var first, last quality.Verdict
	for i, k := range []int{0, 5, 9, 15, 25, 41} {
		got, v := value(t, assessScene(t, a, scene{portrait: "obama.jpg", interEye: 100, blur: k}), quality.MeasureSharpness)
		if !(got < prev) {
			t.Errorf("kernel %d: sharpness %.1f not below %.1f of the smaller kernel", k, got, prev)
		}
		prev = got
		if i == 0 {
			first = v
		}
		last = v
	}
	if first != quality.VerdictPass || last != quality.VerdictFail {
		t.Errorf("sharp frame %s, most blurred %s: want pass then fail", first, last)
	}
}

func TestQualityExposure(t *testing.T) {
	a := testAssessor(t)
	for _, c := range []struct {
		name     string
		gain     float64
		measure  string
		guidance string
	}{
		{"dark", 0.35, quality.MeasureDynamic, quality.SayMoreLight},
		{"bright", 1.9, quality.MeasureOverExpose, quality.SayLessLight},
	} {
		r := assessScene(t, a, scene{portrait: "obama.jpg", interEye: 100, gain: c.gain})
		if _, v := value(t, r, c.measure); v != quality.VerdictFail {
			t.Errorf("%s: %s verdict %s, want fail", c.name, c.measure, v)
		}
		if r.Guidance() != c.guidance {
			t.Errorf("%s: guidance %q, want %q", c.name, r.Guidance(), c.guidance)
		}
	}
	// Too dark for the face to be found: still asks for light.
	r := assessScene(t, a, scene{portrait: "obama.jpg", interEye: 100, gain: 0.15})
	if r.Pass() || r.Guidance() != quality.SayMoreLight {
		t.Errorf("very dark frame: guidance %q", r.Guidance())
	}
	if _, v := value(t, assessScene(t, a, scene{portrait: "obama.jpg", interEye: 100, gain: 0.35}), quality.MeasureLuminance); v == quality.VerdictPass {
		t.Error("dark face: luminance passes")
	}
	// Luminance rises with the gain.
	prev := -1.0
	for _, g := range []float64{0.35, 0.6, 1, 1.4, 1.9} {
		got, _ := value(t, assessScene(t, a, scene{portrait: "obama.jpg", interEye: 100, gain: g}), quality.MeasureLuminance)
		if got <= prev {
			t.Errorf("gain %.2f: luminance %.0f not above %.0f", g, got, prev)
		}
		prev = got
	}
}

func TestQualityUniformityHalfShaded(t *testing.T) {
	a := testAssessor(t)
	prev := math.Inf(1)
	for _, shade := range []float64{1, 0.8, 0.6, 0.4} {
		r := assessScene(t, a, scene{portrait: "obama.jpg", interEye: 100, shade: shade})
		got, v := value(t, r, quality.MeasureUniformity)
		if got >= prev {
			t.Errorf("shade %.1f: uniformity %.2f not below %.2f", shade, got, prev)
		}
		prev = got
		if shade == 1 && v != quality.VerdictPass {
			t.Errorf("unshaded face: uniformity %s", v)
		}
		if shade == 0.4 && (v != quality.VerdictFail || r.Guidance() != quality.SayEvenLight) {
			t.Errorf("half shaded to 40%%: verdict %s guidance %q", v, r.Guidance())
		}
	}
}

func TestQualityFaceCount(t *testing.T) {
	a := testAssessor(t)
	r := assessScene(t, a, scene{portrait: "obama.jpg", interEye: 100, second: true})
	if r.Faces != 2 || r.Guidance() != quality.SayOnePerson || r.Pass() {
		t.Errorf("second face pasted: %d faces, guidance %q, pass %v", r.Faces, r.Guidance(), r.Pass())
	}
	empty := image.NewRGBA(image.Rect(0, 0, 1280, 720))
	for i := range empty.Pix {
		empty.Pix[i] = 90
	}
	r, err := a.AssessNow(empty)
	if err != nil {
		t.Fatal(err)
	}
	if r.Faces != 0 || r.Guidance() != quality.SayStepIn || r.Verdict() != quality.VerdictFail {
		t.Errorf("empty frame: %d faces, guidance %q, verdict %s", r.Faces, r.Guidance(), r.Verdict())
	}
}

func TestQualityCentringAndMargins(t *testing.T) {
	a := testAssessor(t)
	r := assessScene(t, a, scene{portrait: "obama.jpg", interEye: 100, dx: 420})
	if _, v := value(t, r, quality.MeasureCentring); v != quality.VerdictFail || r.Guidance() != quality.SayCentre {
		t.Errorf("face 420 px off centre: centring %s, guidance %q", v, r.Guidance())
	}
	r = assessScene(t, a, scene{portrait: "obama.jpg", interEye: 150})
	if _, v := value(t, r, quality.MeasureMargins); v == quality.VerdictPass || r.Guidance() != quality.SayBack {
		t.Errorf("face too close: margins %s, guidance %q", v, r.Guidance())
	}
}

// TestAssessorLandmarksArriveInBackground checks the live path: the first
// report has no pose (the worker has not answered), later ones do, and the
// per-frame analysis stays fast.
func TestAssessorLandmarksArriveInBackground(t *testing.T) {
	a := testAssessor(t)
	img := scene{portrait: "obama.jpg", interEye: 100}.render(t)
	r, err := a.Assess(img)
	if err != nil {
		t.Fatal(err)
	}
	if _, v := value(t, r, quality.MeasureYaw); v != quality.VerdictUnknown || r.Pass() {
		t.Fatalf("first live report judged pose without landmarks: %s", v)
	}
	// The workers run at a lower priority: allow for a busy CI machine.
	deadline := time.Now().Add(15 * time.Second)
	for !r.Pass() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if r, err = a.Assess(img); err != nil {
			t.Fatal(err)
		}
	}
	if !r.Pass() || len(r.Landmarks) != 5 {
		t.Fatalf("landmarks never arrived: pass %v, guidance %q", r.Pass(), r.Guidance())
	}
}

func TestAssessorWithoutFinderNeverPasses(t *testing.T) {
	a := testAssessor(t)
	a.SetFinder(nil)
	img := scene{portrait: "obama.jpg", interEye: 100}.render(t)
	found := 0
	deadline := time.Now().Add(15 * time.Second)
	for found < 5 && time.Now().Before(deadline) {
		r, err := a.Assess(img)
		if err != nil {
			t.Fatal(err)
		}
		if r.Pass() {
			t.Fatal("passed without landmarks (no models)")
		}
		if r.Faces == 1 {
			found++
			if r.Guidance() != quality.SayHoldStill {
				t.Fatalf("without models: guidance %q", r.Guidance())
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if found < 5 {
		t.Fatal("the background scan never found the face")
	}
}

// BenchmarkAssess measures the per-frame (live) analysis of a 1280x720 frame.
func BenchmarkAssess(b *testing.B) {
	a := testAssessor(b)
	img := scene{portrait: "obama.jpg", interEye: 100}.render(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := a.Assess(img); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/frame")
}

// TestQualityEyesVisible: the eye cascade finds both eyes in the upright
// test portraits, and fewer once a band is painted over them (occluded).
// It is not reliable enough to be mandatory: on biden.jpg (head rolled 12°)
// it finds one eye of two; and whether eyes are open cannot be tested, no
// test portrait has closed eyes. So "eyes visible" is advisory only.
func TestQualityEyesVisible(t *testing.T) {
	a := testAssessor(t)
	for _, name := range []string{"obama.jpg", "obama2.jpg"} {
		r := assessScene(t, a, scene{portrait: name, interEye: 100})
		if n, v := value(t, r, quality.MeasureEyesOpen); n != 2 || v != quality.VerdictPass {
			t.Errorf("%s: %v eyes, %s", name, n, v)
		}
		img := scene{portrait: name, interEye: 100}.render(t)
		for _, e := range r.Eyes {
			for y := e.Y - 18; y <= e.Y+18; y++ {
				for x := e.X - 40; x <= e.X+40; x++ {
					o := img.PixOffset(x, y)
					img.Pix[o], img.Pix[o+1], img.Pix[o+2] = 20, 20, 20
				}
			}
		}
		r, err := a.AssessNow(img)
		if err != nil {
			t.Fatal(err)
		}
		if n, v := value(t, r, quality.MeasureEyesOpen); r.Faces == 1 && (n >= 2 || v == quality.VerdictPass) {
			t.Errorf("%s with eyes covered: %v eyes, %s", name, n, v)
		}
	}
}

// TestAssessorLiveFaceCount: on the live path a second face is counted once
// two scans in a row have seen it; a lone face is never counted twice.
func TestAssessorLiveFaceCount(t *testing.T) {
	for _, c := range []struct {
		second bool
		want   int
	}{{false, 1}, {true, 2}} {
		a := testAssessor(t)
		img := scene{portrait: "obama.jpg", interEye: 100, second: c.second}.render(t)
		most := 0
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			r, err := a.Assess(img)
			if err != nil {
				t.Fatal(err)
			}
			most = max(most, r.Faces)
			time.Sleep(20 * time.Millisecond)
		}
		if most != c.want {
			t.Errorf("second face %v: counted up to %d faces, want %d", c.second, most, c.want)
		}
	}
}
