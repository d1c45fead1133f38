package assess

import (
	"image"
	"image/color"
	"math"
	"testing"

	"gocv.io/x/gocv"

	"veriport/config"
	"veriport/quality"
	"veriport/verify"
)

// scene describes a synthetic booth frame built from a test portrait: the
// portrait is scaled so its eyes are interEye pixels apart, rotated by roll
// degrees about the face, and pasted with its face at the guide centre of a
// 1280x720 frame; then blurred, its light scaled, or half shaded.
type scene struct {
	portrait string
	interEye float64
	roll     float64 // degrees, counter-clockwise as OpenCV rotates
	blur     int     // Gaussian kernel side, 0 for none
	gain     float64 // multiplies every pixel; 0 means 1
	offset   float64 // added to every pixel after gain
	shade    float64 // multiplies the image-right half of the face; 0 means 1
	second   bool    // paste a second, slightly smaller copy of the face beside
	dx       int     // shift of the face from the guide centre, pixels
}

// portraitGeometry caches the eye centres of each portrait found by dlib.
var portraitGeometry = map[string]quality.Pose{}

func geometry(t testing.TB, name string) quality.Pose {
	t.Helper()
	if p, ok := portraitGeometry[name]; ok {
		return p
	}
	img, err := verify.LoadImage(portrait(t, name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := testEngine(t).Single(img)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	p, ok := quality.PoseFromLandmarks(f.Landmarks)
	if !ok {
		t.Fatalf("%s: no pose", name)
	}
	portraitGeometry[name] = p
	return p
}

// render builds the scene's frame.
func (s scene) render(t testing.TB) *image.RGBA {
	t.Helper()
	g := geometry(t, s.portrait)
	src := gocv.IMRead(portrait(t, s.portrait), gocv.IMReadColor)
	defer src.Close()
	if src.Empty() {
		t.Fatalf("cannot read %s", s.portrait)
	}
	const W, H = 1280, 720
	k := s.interEye / g.InterEye
	eyeMid := quality.GuidePoint{X: (g.Eyes[0].X + g.Eyes[1].X) / 2, Y: (g.Eyes[0].Y + g.Eyes[1].Y) / 2}
	// The face centre lies about 0.45 inter-eye distances below the eye line.
	fc := quality.GuidePoint{X: eyeMid.X, Y: eyeMid.Y + 0.45*g.InterEye}
	gc := quality.GuideCentre(image.Pt(W, H))
	// Affine map: rotate by roll and scale by k about fc, then move fc to the guide centre.
	rot := gocv.GetRotationMatrix2D(image.Pt(int(fc.X), int(fc.Y)), s.roll, k)
	defer rot.Close()
	rot.SetDoubleAt(0, 2, rot.GetDoubleAt(0, 2)+gc.X-fc.X+float64(s.dx))
	rot.SetDoubleAt(1, 2, rot.GetDoubleAt(1, 2)+gc.Y-fc.Y)
	frame := gocv.NewMat()
	defer frame.Close()
	gocv.WarpAffineWithParams(src, &frame, rot, image.Pt(W, H), gocv.InterpolationLinear, gocv.BorderConstant, color.RGBA{60, 60, 60, 0})
	face := image.Rect(int(gc.X-1.4*s.interEye)+s.dx, int(gc.Y-1.8*s.interEye), int(gc.X+1.4*s.interEye)+s.dx, int(gc.Y+1.6*s.interEye)).
		Intersect(image.Rect(0, 0, W, H))
	if s.second {
		// A second face, 0.8 times the size, to the image-right of the first.
		small := gocv.NewMat()
		defer small.Close()
		fr := frame.Region(face)
		gocv.Resize(fr, &small, image.Pt(face.Dx()*8/10, face.Dy()*8/10), 0, 0, gocv.InterpolationArea)
		fr.Close()
		x0 := min(face.Max.X+20, W-small.Cols())
		to := frame.Region(image.Rect(x0, face.Min.Y, x0+small.Cols(), face.Min.Y+small.Rows()))
		small.CopyTo(&to)
		to.Close()
	}
	if s.blur > 0 {
		gocv.GaussianBlur(frame, &frame, image.Pt(s.blur, s.blur), 0, 0, gocv.BorderDefault)
	}
	if s.gain != 0 || s.offset != 0 {
		gain := s.gain
		if gain == 0 {
			gain = 1
		}
		frame.ConvertToWithParams(&frame, gocv.MatTypeCV8UC3, float32(gain), float32(s.offset))
	}
	if s.shade != 0 {
		half := image.Rect((face.Min.X+face.Max.X)/2, 0, W, H)
		r := frame.Region(half)
		r.ConvertToWithParams(&r, gocv.MatTypeCV8UC3, float32(s.shade), 0)
		r.Close()
	}
	rgba := gocv.NewMat()
	defer rgba.Close()
	gocv.CvtColor(frame, &rgba, gocv.ColorBGRToRGBA)
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	data, err := rgba.DataPtrUint8()
	if err != nil {
		t.Fatal(err)
	}
	copy(img.Pix, data)
	return img
}

// testAssessor is an assessor with the real models and default thresholds.
func testAssessor(t testing.TB) *Assessor {
	t.Helper()
	a, err := NewAssessor(config.DefaultQuality(), testEngine(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// assessScene renders s and assesses it with landmarks found on the frame.
func assessScene(t testing.TB, a *Assessor, s scene) quality.QualityReport {
	t.Helper()
	r, err := a.AssessNow(s.render(t))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func value(t testing.TB, r quality.QualityReport, name string) (float64, quality.Verdict) {
	t.Helper()
	m, ok := r.Measure(name)
	if !ok {
		t.Fatalf("no measure %s", name)
	}
	return m.Value, m.Verdict
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
