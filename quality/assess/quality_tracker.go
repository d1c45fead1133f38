package assess

import (
	"errors"
	"fmt"
	"image"
	"math"
	"path/filepath"
	"sort"

	"gocv.io/x/gocv"
)

// Errors of the assessor.
var (
	// ErrCascade means an OpenCV cascade file is missing or unreadable.
	ErrCascade = errors.New("OpenCV cascade missing or unreadable (install opencv-data)")
	// ErrNotImage means a frame has no pixels.
	ErrNotImage = errors.New("not a readable image")
)

// Cascade files used by the tracker, from the opencv-data package, relative
// to its cascade folder (/usr/share/opencv4).
const (
	FaceCascade = "haarcascades/haarcascade_frontalface_default.xml"
	EyeCascade  = "haarcascades/haarcascade_eye.xml"
)

const (
	// scanWidth is the width of the grey copy a full-frame scan runs on.
	scanWidth = 320
	// followFace is the width, in pixels, the followed face is resampled to
	// in the small search window around its last position.
	followFace = 48
	// statSide is the side of the square the face is resampled to for the
	// photometric measures, so that they do not depend on the face's size.
	statSide = 96
	// eyeSide is the width the upper face is resampled to for the eye cascade.
	eyeSide = 90
)

// cascades holds one face and one eye classifier. A classifier is used by
// one goroutine at a time, so the tracker and its scanner each own one set.
type cascades struct{ face, eye gocv.CascadeClassifier }

func loadCascades(dir string) (cascades, error) {
	c := cascades{face: gocv.NewCascadeClassifier(), eye: gocv.NewCascadeClassifier()}
	for _, x := range []struct {
		cc   *gocv.CascadeClassifier
		name string
	}{{&c.face, FaceCascade}, {&c.eye, EyeCascade}} {
		if p := filepath.Join(dir, x.name); !x.cc.Load(p) {
			c.close()
			return cascades{}, fmt.Errorf("%w: %s", ErrCascade, p)
		}
	}
	return c, nil
}

func (c *cascades) close() {
	c.face.Close()
	c.eye.Close()
}

// Tracker follows the traveler's face from frame to frame with OpenCV's Haar
// face cascade run in a small window around its last position, and measures
// the light and sharpness of the face. Finding faces anew (a full-frame
// scan, slower) is the Scanner's job. A Tracker is not safe for concurrent
// use. Every Mat it makes it closes.
type Tracker struct {
	cc        cascades
	grey      gocv.Mat // full-size grey frame
	window    gocv.Mat // search window around the face, resampled
	patch     gocv.Mat // the face resampled to statSide
	lap       gocv.Mat // Laplacian of patch
	mean, std gocv.Mat
}

// Photometry are the light and sharpness measures of one face.
type Photometry struct {
	Sharpness    float64 // variance of the Laplacian of the face at statSide
	Luminance    float64 // mean grey level, 0-255
	Under, Over  float64 // shares of pixels < 20 and > 240
	DynamicRange float64 // grey levels between the 1st and 99th percentile
	Uniformity   float64 // darker half's mean over the brighter half's (left/right)
}

// NewTracker loads the cascades from dir.
func NewTracker(dir string) (*Tracker, error) {
	cc, err := loadCascades(dir)
	if err != nil {
		return nil, err
	}
	return &Tracker{cc: cc, grey: gocv.NewMat(), window: gocv.NewMat(), patch: gocv.NewMat(),
		lap: gocv.NewMat(), mean: gocv.NewMat(), std: gocv.NewMat()}, nil
}

// Close frees the cascades and buffers.
func (t *Tracker) Close() {
	for _, m := range []*gocv.Mat{&t.grey, &t.window, &t.patch, &t.lap, &t.mean, &t.std} {
		m.Close()
	}
	t.cc.close()
}

// Grey converts img into the tracker's grey frame and returns its mean level.
func (t *Tracker) Grey(img *image.RGBA) (float64, error) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w == 0 || h == 0 {
		return 0, ErrNotImage
	}
	pix := img.Pix
	if img.Stride != 4*w || len(pix) < 4*w*h {
		c := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			o := img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y)
			copy(c.Pix[y*4*w:(y+1)*4*w], img.Pix[o:o+4*w])
		}
		pix = c.Pix
	}
	rgba, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC4, pix[:4*w*h])
	if err != nil {
		return 0, fmt.Errorf("frame to grey: %w", err)
	}
	defer rgba.Close()
	gocv.CvtColor(rgba, &t.grey, gocv.ColorRGBAToGray)
	return t.grey.Mean().Val1, nil
}

// Follow looks for the face last seen at prev in a window around it, on the
// current grey frame; ok is false when it is gone.
func (t *Tracker) Follow(prev image.Rectangle) (image.Rectangle, bool) {
	frame := image.Rect(0, 0, t.grey.Cols(), t.grey.Rows())
	if prev.Dx() < 8 {
		return image.Rectangle{}, false
	}
	g := prev.Dx() / 2
	win := image.Rect(prev.Min.X-g, prev.Min.Y-g, prev.Max.X+g, prev.Max.Y+g).Intersect(frame)
	k := float64(prev.Dx()) / followFace // frame pixels per window pixel
	ww, wh := int(float64(win.Dx())/k), int(float64(win.Dy())/k)
	if ww < followFace/2 || wh < followFace/2 {
		return image.Rectangle{}, false
	}
	region := t.grey.Region(win)
	defer region.Close()
	gocv.Resize(region, &t.window, image.Pt(ww, wh), 0, 0, gocv.InterpolationArea)
	// A face changes size little between frames: a narrow band of scales.
	hits := t.cc.face.DetectMultiScaleWithParams(t.window, 1.1, 3, 0,
		image.Pt(followFace*7/10, followFace*7/10), image.Pt(followFace*14/10, followFace*14/10))
	pc := centre(prev)
	best, bestD := image.Rectangle{}, math.Inf(1)
	for _, h := range hits {
		b := image.Rect(win.Min.X+int(float64(h.Min.X)*k), win.Min.Y+int(float64(h.Min.Y)*k),
			win.Min.X+int(float64(h.Max.X)*k), win.Min.Y+int(float64(h.Max.Y)*k))
		c := centre(b)
		if d := math.Hypot(float64(c.X-pc.X), float64(c.Y-pc.Y)); d < bestD {
			best, bestD = b, d
		}
	}
	return best, bestD < math.Inf(1)
}

// Photometry measures the inner part of face b (the box shrunk by a tenth on
// each side, which leaves out background and hair) on the current frame.
func (t *Tracker) Photometry(b image.Rectangle) Photometry {
	in := b.Inset(b.Dx() / 10).Intersect(image.Rect(0, 0, t.grey.Cols(), t.grey.Rows()))
	if in.Dx() < 8 || in.Dy() < 8 {
		return Photometry{}
	}
	region := t.grey.Region(in)
	defer region.Close()
	gocv.Resize(region, &t.patch, image.Pt(statSide, statSide), 0, 0, gocv.InterpolationArea)
	gocv.Laplacian(t.patch, &t.lap, gocv.MatTypeCV64F, 1, 1, 0, gocv.BorderReflect101)
	gocv.MeanStdDev(t.lap, &t.mean, &t.std)
	sd := t.std.GetDoubleAt(0, 0)
	p := Photometry{Sharpness: sd * sd}
	data, err := t.patch.DataPtrUint8()
	if err != nil || len(data) < statSide*statSide {
		return p
	}
	var hist [256]int
	var left, right float64
	for y := 0; y < statSide; y++ {
		row := data[y*statSide : (y+1)*statSide]
		for x, v := range row {
			hist[v]++
			if x < statSide/2 {
				left += float64(v)
			} else {
				right += float64(v)
			}
		}
	}
	n := float64(statSide * statSide)
	p.Luminance = (left + right) / n
	if hi := math.Max(left, right); hi > 0 {
		p.Uniformity = math.Min(left, right) / hi
	}
	var under, over int
	for v := 0; v < 20; v++ {
		under += hist[v]
	}
	for v := 241; v < 256; v++ {
		over += hist[v]
	}
	p.Under, p.Over = float64(under)/n, float64(over)/n
	p.DynamicRange = float64(percentile(&hist, 0.99*n) - percentile(&hist, 0.01*n))
	return p
}

// percentile is the grey level below which at least count pixels lie.
func percentile(hist *[256]int, count float64) int {
	acc := 0
	for v, c := range hist {
		acc += c
		if float64(acc) >= count {
			return v
		}
	}
	return 255
}

// Scanner finds every face in a whole frame (the face count, and the face
// to follow when none is followed) and the eyes in the largest; slower than
// following, so the assessor runs it in the background at a lower rate. Not
// safe for concurrent use; every Mat it makes it closes.
type Scanner struct {
	cc    cascades
	small gocv.Mat
	patch gocv.Mat
}

// Scan is what a scan found.
type Scan struct {
	Faces []image.Rectangle // largest first, frame coordinates
	Eyes  []image.Rectangle // eye-cascade hits in the upper part of Faces[0]
}

// NewScanner loads the cascades from dir.
func NewScanner(dir string) (*Scanner, error) {
	cc, err := loadCascades(dir)
	if err != nil {
		return nil, err
	}
	return &Scanner{cc: cc, small: gocv.NewMat(), patch: gocv.NewMat()}, nil
}

// Close frees the cascades and buffers.
func (s *Scanner) Close() {
	s.small.Close()
	s.patch.Close()
	s.cc.close()
}

// Scan finds the faces in the grey frame, and the eyes in the face at focus
// (or in the largest face when focus is empty).
func (s *Scanner) Scan(grey gocv.Mat, focus image.Rectangle) Scan {
	W, H := grey.Cols(), grey.Rows()
	k := math.Max(1, float64(W)/scanWidth)
	gocv.Resize(grey, &s.small, image.Pt(int(float64(W)/k), int(float64(H)/k)), 0, 0, gocv.InterpolationArea)
	found := s.cc.face.DetectMultiScaleWithParams(s.small, 1.15, 4, 0, image.Pt(20, 20), image.Point{})
	var sc Scan
	for _, r := range found {
		b := image.Rect(int(float64(r.Min.X)*k), int(float64(r.Min.Y)*k), int(float64(r.Max.X)*k), int(float64(r.Max.Y)*k))
		sc.Faces = append(sc.Faces, b.Intersect(image.Rect(0, 0, W, H)))
	}
	sort.Slice(sc.Faces, func(i, j int) bool { return sc.Faces[i].Dx() > sc.Faces[j].Dx() })
	if focus.Empty() && len(sc.Faces) > 0 {
		focus = sc.Faces[0]
	}
	if !focus.Empty() {
		sc.Eyes = s.eyes(grey, focus)
	}
	return sc
}

// eyes runs the eye cascade on the upper part of face b.
func (s *Scanner) eyes(grey gocv.Mat, b image.Rectangle) []image.Rectangle {
	up := image.Rect(b.Min.X, b.Min.Y+b.Dy()/6, b.Max.X, b.Min.Y+b.Dy()*6/10).
		Intersect(image.Rect(0, 0, grey.Cols(), grey.Rows()))
	if up.Dx() < 20 || up.Dy() < 10 {
		return nil
	}
	// Resample so the eye cascade sees the same scale whatever the distance.
	k := float64(up.Dx()) / eyeSide
	region := grey.Region(up)
	defer region.Close()
	gocv.Resize(region, &s.patch, image.Pt(eyeSide, int(float64(up.Dy())/k)), 0, 0, gocv.InterpolationArea)
	hits := s.cc.eye.DetectMultiScaleWithParams(s.patch, 1.15, 3, 0, image.Pt(12, 12), image.Pt(eyeSide/3, eyeSide/3))
	out := make([]image.Rectangle, 0, len(hits))
	for _, e := range hits {
		out = append(out, image.Rect(up.Min.X+int(float64(e.Min.X)*k), up.Min.Y+int(float64(e.Min.Y)*k),
			up.Min.X+int(float64(e.Max.X)*k), up.Min.Y+int(float64(e.Max.Y)*k)))
	}
	return out
}

func centre(r image.Rectangle) image.Point { return r.Min.Add(r.Max).Div(2) }
