package camera

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gocv.io/x/gocv"
)

// DemoSpec describes the demo clip: each portrait in turn walks through the
// situations live guidance must handle (too far, good, blurred, dark,
// off-centre, gone), so the overlay has something to react to.
type DemoSpec struct {
	Portraits []string // image files, shown in order
	// Faces gives, for each portrait, where its face is (eye midpoint and
	// inter-eye distance in the image's pixels), found by the caller: camera
	// has no face logic. A missing or zero entry guesses from the image size.
	Faces   []DemoFace
	Out     string // .avi file (Motion JPEG)
	Width   int
	Height  int
	FPS     float64
	Seconds float64 // per portrait
}

// DemoFace locates the face in a portrait.
type DemoFace struct {
	EyeX, EyeY float64 // midpoint between the eyes
	InterEye   float64 // distance between the eye centres
}

// WriteDemoVideo renders the clip described by s. The file appears under its
// name only once complete.
func WriteDemoVideo(s DemoSpec) error {
	if len(s.Portraits) == 0 {
		return fmt.Errorf("demo video: no portraits given")
	}
	if err := os.MkdirAll(filepath.Dir(s.Out), 0o755); err != nil {
		return fmt.Errorf("demo video: %w", err)
	}
	tmp := s.Out + ".part.avi"
	vw, err := gocv.VideoWriterFile(tmp, "MJPG", s.FPS, s.Width, s.Height, true)
	if err != nil {
		return fmt.Errorf("demo video: open writer: %w", err)
	}
	frame := gocv.NewMatWithSize(s.Height, s.Width, gocv.MatTypeCV8UC3)
	defer frame.Close()
	perPortrait := int(s.Seconds * s.FPS)
	for n, path := range s.Portraits {
		src := gocv.IMRead(path, gocv.IMReadColor)
		if src.Empty() {
			src.Close()
			vw.Close()
			os.Remove(tmp)
			return fmt.Errorf("demo video: %s is not a readable image", path)
		}
		face := DemoFace{}
		if n < len(s.Faces) {
			face = s.Faces[n]
		}
		if face.InterEye <= 0 {
			face = DemoFace{EyeX: float64(src.Cols()) / 2, EyeY: 0.3 * float64(src.Rows()), InterEye: 0.12 * float64(src.Cols())}
		}
		for i := 0; i < perPortrait; i++ {
			renderDemoFrame(src, face, &frame, float64(i)/float64(perPortrait))
			if err := vw.Write(frame); err != nil {
				src.Close()
				vw.Close()
				os.Remove(tmp)
				return fmt.Errorf("demo video: write: %w", err)
			}
		}
		src.Close()
	}
	if err := vw.Close(); err != nil {
		return fmt.Errorf("demo video: close: %w", err)
	}
	return os.Rename(tmp, s.Out)
}

// demoPhase is what the clip shows at phase t in [0,1) of a portrait.
type demoPhase struct {
	interEye float64 // on screen, pixels
	dx       float64 // face centre offset from the frame centre, share of width
	blur     int     // Gaussian kernel side, 0 for none
	gain     float64 // light
	present  bool    // the traveler is in the frame
}

// phaseAt scripts one portrait: far and approaching (0-0.22), close and
// still (0.22-0.48: every check passes), moving (blurred, 0.48-0.58), in poor
// light (0.58-0.70), off-centre (0.70-0.80), then gone (0.82-1).
func phaseAt(t float64) demoPhase {
	p := demoPhase{interEye: 104, gain: 1, present: true}
	ramp := func(a, b, t0, t1 float64) float64 { return a + (b-a)*math.Min(1, math.Max(0, (t-t0)/(t1-t0))) }
	switch {
	case t < 0.22:
		p.interEye = ramp(45, 104, 0.04, 0.22)
		p.dx = 0.05 * math.Sin(2*math.Pi*t/0.22)
	case t < 0.48:
		p.interEye = 104 + 2*math.Sin(2*math.Pi*t*3) // breathing
	case t < 0.58:
		p.blur = 1 + 2*int(10*math.Sin((t-0.48)/0.10*math.Pi))
		p.dx = 0.01 * math.Sin(40*t)
	case t < 0.70:
		p.gain = ramp(1, 0.3, 0.58, 0.62)
		if t > 0.66 {
			p.gain = ramp(0.3, 1, 0.66, 0.70)
		}
	case t < 0.80:
		p.dx = ramp(0, 0.3, 0.70, 0.75)
		if t > 0.76 {
			p.dx = ramp(0.3, 0, 0.76, 0.80)
		}
	case t < 0.82:
		p.interEye = ramp(104, 60, 0.80, 0.82)
		p.dx = ramp(0, -0.4, 0.80, 0.82)
	default:
		p.present = false
	}
	return p
}

// renderDemoFrame draws src, whose face is at face, into dst at phase t.
func renderDemoFrame(src gocv.Mat, face DemoFace, dst *gocv.Mat, t float64) {
	W, H := dst.Cols(), dst.Rows()
	p := phaseAt(t)
	bg := color.RGBA{70, 66, 60, 0}
	if !p.present {
		dst.SetTo(gocv.NewScalar(float64(bg.R), float64(bg.G), float64(bg.B), 0))
		return
	}
	// Scale so the eyes are p.interEye apart, and put the face centre (about
	// 0.45 inter-eye distances below the eyes) a little above mid-frame.
	k := p.interEye / face.InterEye
	fx, fy := face.EyeX, face.EyeY+0.45*face.InterEye
	cx, cy := float64(W)*(0.5+p.dx), 0.45*float64(H)
	m := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer m.Close()
	m.SetDoubleAt(0, 0, k)
	m.SetDoubleAt(0, 2, cx-k*fx)
	m.SetDoubleAt(1, 1, k)
	m.SetDoubleAt(1, 2, cy-k*fy)
	gocv.WarpAffineWithParams(src, dst, m, image.Pt(W, H), gocv.InterpolationLinear, gocv.BorderConstant, bg)
	if p.blur > 1 {
		gocv.GaussianBlur(*dst, dst, image.Pt(p.blur, p.blur), 0, 0, gocv.BorderDefault)
	}
	if p.gain != 1 {
		dst.ConvertToWithParams(dst, gocv.MatTypeCV8UC3, float32(p.gain), 0)
	}
}
