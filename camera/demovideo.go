package camera

import (
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"

	"gocv.io/x/gocv"
)

// DemoSpec describes the demo clip: each portrait in turn drifts, zooms,
// blurs and changes brightness, so live guidance has something to react to.
type DemoSpec struct {
	Portraits []string // image files, shown in order
	Out       string   // .avi file (Motion JPEG)
	Width     int
	Height    int
	FPS       float64
	Seconds   float64 // per portrait
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
	for _, path := range s.Portraits {
		src := gocv.IMRead(path, gocv.IMReadColor)
		if src.Empty() {
			src.Close()
			vw.Close()
			os.Remove(tmp)
			return fmt.Errorf("demo video: %s is not a readable image", path)
		}
		for i := 0; i < perPortrait; i++ {
			renderDemoFrame(src, &frame, float64(i)/float64(perPortrait))
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

// renderDemoFrame draws src into dst at phase t in [0,1): a slow zoom in, a
// sideways drift, a blurred stretch and a dark then bright stretch.
func renderDemoFrame(src gocv.Mat, dst *gocv.Mat, t float64) {
	W, H := dst.Cols(), dst.Rows()
	dst.SetTo(gocv.NewScalar(60, 60, 60, 0))
	// Fit the portrait's height, then zoom from 0.6x to 1.1x.
	zoom := 0.6 + 0.5*t
	scale := zoom * float64(H) / float64(src.Rows())
	w := int(float64(src.Cols()) * scale)
	h := int(float64(src.Rows()) * scale)
	scaled := gocv.NewMat()
	defer scaled.Close()
	gocv.Resize(src, &scaled, image.Pt(w, h), 0, 0, gocv.InterpolationLinear)
	// Blur in the middle fifth of the phase.
	if t > 0.4 && t < 0.6 {
		k := 1 + 2*int(12*math.Sin((t-0.4)/0.2*math.Pi))
		gocv.GaussianBlur(scaled, &scaled, image.Pt(k, k), 0, 0, gocv.BorderDefault)
	}
	// Brightness: darker early, brighter late.
	gain := 1.0
	switch {
	case t < 0.15:
		gain = 0.35 + t/0.15*0.65
	case t > 0.8:
		gain = 1 + (t-0.8)/0.2*0.8
	}
	if gain != 1 {
		scaled.ConvertToWithParams(&scaled, gocv.MatTypeCV8UC3, float32(gain), 0)
	}
	drift := int(float64(W) * 0.15 * math.Sin(2*math.Pi*t))
	x0 := (W-w)/2 + drift
	y0 := (H - h) / 2
	// Clip the pasted region to the frame.
	sx, sy := max(0, -x0), max(0, -y0)
	dx, dy := max(0, x0), max(0, y0)
	cw := min(w-sx, W-dx)
	ch := min(h-sy, H-dy)
	if cw <= 0 || ch <= 0 {
		return
	}
	from := scaled.Region(image.Rect(sx, sy, sx+cw, sy+ch))
	to := dst.Region(image.Rect(dx, dy, dx+cw, dy+ch))
	from.CopyTo(&to)
	from.Close()
	to.Close()
}
