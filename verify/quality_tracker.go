package verify

import (
	"errors"
	"fmt"
	"image"
	"math"
	"path/filepath"
	"sort"

	"gocv.io/x/gocv"
)

// ErrCascade means an OpenCV Haar cascade file is missing or unreadable.
var ErrCascade = errors.New("OpenCV cascade missing or unreadable (install opencv-data)")

// Cascade files used by the tracker, from the opencv-data package.
const (
	FaceCascade = "haarcascade_frontalface_default.xml"
	EyeCascade  = "haarcascade_eye.xml"
)

// trackWidth is the width of the grey copy the face cascade runs on.
const trackWidth = 320

// statSide is the side of the square the face is resampled to for the
// photometric measures, so that they do not depend on the face's size.
const statSide = 96

// Tracker finds faces fast with OpenCV Haar cascades on a downscaled grey
// copy of each frame, and measures the light and sharpness of the largest
// face. It is not safe for concurrent use. Every Mat it makes it closes.
type Tracker struct {
	face, eye gocv.CascadeClassifier
	grey      gocv.Mat // full-size grey frame
	small     gocv.Mat // downscaled grey for the face cascade
	patch     gocv.Mat // the face resampled to statSide
	lap       gocv.Mat // Laplacian of patch
	mean, std gocv.Mat
}

// Track is what the tracker found in one frame.
type Track struct {
	Faces []image.Rectangle // largest first, frame coordinates
	Eyes  []image.Rectangle // eye-cascade hits inside Faces[0], frame coordinates
	Photo Photometry        // of Faces[0]; zero without a face
}

// Photometry are the light and sharpness measures of one face.
type Photometry struct {
	Sharpness    float64 // variance of the Laplacian of the face at statSide
	Luminance    float64 // mean grey level, 0-255
	Under, Over  float64 // shares of pixels < 20 and > 240
	DynamicRange float64 // grey levels between the 1st and 99th percentile
	Uniformity   float64 // darker half's mean over the brighter half's (left/right)
}

// NewTracker loads the face and eye cascades from dir.
func NewTracker(dir string) (*Tracker, error) {
	t := &Tracker{face: gocv.NewCascadeClassifier(), eye: gocv.NewCascadeClassifier()}
	for _, c := range []struct {
		cc   *gocv.CascadeClassifier
		name string
	}{{&t.face, FaceCascade}, {&t.eye, EyeCascade}} {
		if p := filepath.Join(dir, c.name); !c.cc.Load(p) {
			t.face.Close()
			t.eye.Close()
			return nil, fmt.Errorf("%w: %s", ErrCascade, p)
		}
	}
	t.grey, t.small, t.patch, t.lap = gocv.NewMat(), gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
	t.mean, t.std = gocv.NewMat(), gocv.NewMat()
	return t, nil
}

// Close frees the cascades and buffers.
func (t *Tracker) Close() {
	for _, m := range []*gocv.Mat{&t.grey, &t.small, &t.patch, &t.lap, &t.mean, &t.std} {
		m.Close()
	}
	t.face.Close()
	t.eye.Close()
}

// Track finds the faces in img and measures the largest.
func (t *Tracker) Track(img *image.RGBA) (Track, error) {
	if err := t.toGrey(img); err != nil {
		return Track{}, err
	}
	W, H := t.grey.Cols(), t.grey.Rows()
	k := float64(W) / trackWidth
	if k < 1 {
		k = 1
	}
	sw, sh := int(math.Round(float64(W)/k)), int(math.Round(float64(H)/k))
	gocv.Resize(t.grey, &t.small, image.Pt(sw, sh), 0, 0, gocv.InterpolationArea)
	found := t.face.DetectMultiScaleWithParams(t.small, 1.15, 5, 0, image.Pt(20, 20), image.Point{})
	var tr Track
	for _, r := range found {
		b := image.Rect(int(float64(r.Min.X)*k), int(float64(r.Min.Y)*k), int(float64(r.Max.X)*k), int(float64(r.Max.Y)*k))
		tr.Faces = append(tr.Faces, b.Intersect(image.Rect(0, 0, W, H)))
	}
	sort.Slice(tr.Faces, func(i, j int) bool { return tr.Faces[i].Dx() > tr.Faces[j].Dx() })
	if len(tr.Faces) == 0 {
		return tr, nil
	}
	tr.Eyes = t.eyes(tr.Faces[0])
	tr.Photo = t.photometry(tr.Faces[0])
	return tr, nil
}

// toGrey converts img into t.grey.
func (t *Tracker) toGrey(img *image.RGBA) error {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w == 0 || h == 0 {
		return ErrNotImage
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
		return fmt.Errorf("frame to grey: %w", err)
	}
	defer rgba.Close()
	gocv.CvtColor(rgba, &t.grey, gocv.ColorRGBAToGray)
	return nil
}

// eyes runs the eye cascade on the upper part of face b.
func (t *Tracker) eyes(b image.Rectangle) []image.Rectangle {
	up := image.Rect(b.Min.X, b.Min.Y+b.Dy()/6, b.Max.X, b.Min.Y+b.Dy()*6/10)
	if up.Dx() < 20 || up.Dy() < 10 {
		return nil
	}
	// Resample so the eye cascade sees the same scale whatever the distance.
	k := float64(up.Dx()) / 120
	region := t.grey.Region(up)
	defer region.Close()
	gocv.Resize(region, &t.patch, image.Pt(120, int(float64(up.Dy())/k)), 0, 0, gocv.InterpolationArea)
	hits := t.eye.DetectMultiScaleWithParams(t.patch, 1.1, 3, 0, image.Pt(12, 12), image.Pt(45, 45))
	out := make([]image.Rectangle, 0, len(hits))
	for _, e := range hits {
		out = append(out, image.Rect(up.Min.X+int(float64(e.Min.X)*k), up.Min.Y+int(float64(e.Min.Y)*k),
			up.Min.X+int(float64(e.Max.X)*k), up.Min.Y+int(float64(e.Max.Y)*k)))
	}
	return out
}

// photometry measures the inner part of face b (the box shrunk by a tenth on
// each side, which leaves out background and hair).
func (t *Tracker) photometry(b image.Rectangle) Photometry {
	in := b.Inset(b.Dx() / 10)
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
