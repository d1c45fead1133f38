package verify

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"math"

	"gocv.io/x/gocv"

	"veriport/quality"
)

// Geometry of the crop a template is made from when the tracker knows where
// the face is. dlib's HOG detector needs context around the face (its
// window is 80 px for a face of about 60 px, plus a pyramid border) and the
// 5-point predictor looks a little beyond the box it is given: half a face
// of margin on each side covers both. The face is brought to about the
// width at which go-face's 150 px face chip samples it without losing
// detail; faces already smaller are scaled up only as far as the detector
// needs.
const (
	cropMargin       = 0.5 // of the tracked box's width, on each side
	cropMinFaceWidth = 80  // px: smaller faces are scaled up to this
)

// cropFaceWidth is the width, in pixels, larger faces are scaled down to.
var cropFaceWidth = 200.0

// Traveler picks the traveler's face among faces: the one whose centre is
// nearest the centre of near, or the widest when near is empty. It fails
// with ErrNoFace when faces is empty and ErrManyFaces when another face
// counts as a second person (quality.OtherPerson: the faces the decision
// counts are the faces capture quality counts).
func Traveler(faces []Face, near image.Rectangle) (Face, error) {
	if len(faces) == 0 {
		return Face{}, ErrNoFace
	}
	best := 0
	for i, f := range faces[1:] {
		if closer(f.Box, faces[best].Box, near) {
			best = i + 1
		}
	}
	others := 0
	for i, f := range faces {
		if i != best && quality.OtherPerson(f.Box, faces[best].Box) {
			others++
		}
	}
	if others > 0 {
		return Face{}, fmt.Errorf("%w (%d)", ErrManyFaces, others+1)
	}
	return faces[best], nil
}

// closer reports whether a is a better traveler candidate than b.
func closer(a, b, near image.Rectangle) bool {
	if near.Empty() {
		return a.Dx() > b.Dx()
	}
	c := centre(near)
	da := math.Hypot(float64(centre(a).X-c.X), float64(centre(a).Y-c.Y))
	db := math.Hypot(float64(centre(b).X-c.X), float64(centre(b).Y-c.Y))
	return da < db
}

// SingleNear returns the traveler's face in img, knowing the tracker found
// it at box (frame coordinates): dlib runs on a crop around box, with a
// margin and scaled so the face is the size the models work at, instead of
// the whole frame. When the crop shows no face (or box is empty) the whole
// frame is searched. The face nearest box is the traveler's; faces too small
// to be another person are ignored (Traveler). Box and Landmarks are in
// frame coordinates. cropped reports whether the crop gave the face.
func (e *Engine) SingleNear(ctx context.Context, img image.Image, box image.Rectangle, prio Priority) (f Face, cropped bool, err error) {
	if !box.Empty() {
		faces, err := e.cropFaces(ctx, img, box, prio)
		if err != nil {
			return Face{}, false, err
		}
		if len(faces) > 0 {
			f, err := Traveler(faces, box)
			return f, err == nil, err
		}
	}
	faces, err := e.FacesAt(ctx, img, prio)
	if err != nil {
		return Face{}, false, err
	}
	f, err = Traveler(faces, box)
	return f, false, err
}

// cropFaces runs the recognizer on the crop around box and returns the
// faces in frame coordinates.
func (e *Engine) cropFaces(ctx context.Context, img image.Image, box image.Rectangle, prio Priority) ([]Face, error) {
	jpg, at, scale, err := cropJPEG(img, box)
	if err != nil || jpg == nil {
		return nil, err
	}
	faces, err := e.recognize(ctx, jpg, prio)
	if err != nil {
		return nil, err
	}
	back := func(p image.Point) image.Point {
		return image.Pt(at.X+int(math.Round(float64(p.X)/scale)), at.Y+int(math.Round(float64(p.Y)/scale)))
	}
	for i := range faces {
		f := &faces[i]
		f.Box = image.Rectangle{Min: back(f.Box.Min), Max: back(f.Box.Max)}
		for k, p := range f.Landmarks {
			f.Landmarks[k] = back(p)
		}
	}
	return faces, nil
}

// cropJPEG cuts the region around box out of img, scales it (see
// cropFaceWidth) and encodes it for go-face. at is the frame position of
// the crop's origin and scale the crop pixels per frame pixel; jpg is nil
// when box lies outside img.
func cropJPEG(img image.Image, box image.Rectangle) (jpg []byte, at image.Point, scale float64, err error) {
	m := int(math.Round(cropMargin * float64(box.Dx())))
	r := box.Inset(-m)
	// On the frame's 16-pixel grid (JPEG blocks with chroma subsampling):
	// unscaled, the crop then encodes exactly as the same pixels of the
	// whole frame would.
	b := img.Bounds()
	r.Min = image.Pt(b.Min.X+(r.Min.X-b.Min.X)&^15, b.Min.Y+(r.Min.Y-b.Min.Y)&^15)
	r = r.Intersect(b)
	if r.Dx() < 8 || r.Dy() < 8 || box.Dx() < 8 {
		return nil, image.Point{}, 0, nil
	}
	w := float64(box.Dx())
	scale = 1.0
	switch {
	case w > cropFaceWidth:
		scale = cropFaceWidth / w
	case w < cropMinFaceWidth:
		scale = cropMinFaceWidth / w
	}
	sub := opaqueRGBA(subImage(img, r))
	src, err := gocv.NewMatFromBytes(r.Dy(), r.Dx(), gocv.MatTypeCV8UC4, sub.Pix)
	if err != nil {
		return nil, image.Point{}, 0, fmt.Errorf("crop: %w", err)
	}
	defer src.Close()
	bgr := gocv.NewMat()
	defer bgr.Close()
	gocv.CvtColor(src, &bgr, gocv.ColorRGBAToBGR)
	out := bgr
	if scale != 1 {
		interp := gocv.InterpolationArea
		if scale > 1 {
			interp = gocv.InterpolationLinear
		}
		size := image.Pt(int(math.Round(float64(r.Dx())*scale)), int(math.Round(float64(r.Dy())*scale)))
		out = gocv.NewMat()
		defer out.Close()
		gocv.Resize(bgr, &out, size, 0, 0, interp)
	}
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, out, []int{gocv.IMWriteJpegQuality, 95})
	if err != nil {
		return nil, image.Point{}, 0, fmt.Errorf("crop: %w", err)
	}
	defer buf.Close()
	return bytes.Clone(buf.GetBytes()), r.Min, scale, nil
}

// subImage is img limited to r (a view where the type allows it).
func subImage(img image.Image, r image.Rectangle) image.Image {
	if s, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return s.SubImage(r)
	}
	dst := image.NewRGBA(r)
	draw.Draw(dst, r, img, r.Min, draw.Src)
	return dst
}

func centre(r image.Rectangle) image.Point { return r.Min.Add(r.Max).Div(2) }
