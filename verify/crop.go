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
// window is 80 px, plus a pyramid border) and the 5-point predictor looks a
// little beyond the box it is given: half a face of margin on each side
// covers both. For the predictor and the face chip the face is brought to
// about the width at which go-face's 150 px chip samples it without losing
// detail (smaller faces are scaled up to cropMinFaceWidth); the detector
// scans a grey copy with the face at detectFaceWidth.
const (
	cropMargin       = 0.5 // of the tracked box's width, on each side
	cropMinFaceWidth = 80  // px: smaller faces are scaled up to this
)

// cropFaceWidth is the width, in pixels, larger faces are scaled down to
// for the landmarks and the face chip.
var cropFaceWidth = 200.0

// detectFaceWidth is the face width, in pixels, of the grey copy the
// detector scans: a tracked (Haar) box of this width holds a dlib face of
// about 95 px, above the smallest the detector finds (about 80 px). The
// detector's time grows with the copy's area.
var detectFaceWidth = 120.0

// Traveler picks the traveler's face among faces: the one whose centre is
// nearest the centre of near, or the widest when near is empty. It fails
// with ErrNoFace when faces is empty and ErrManyFaces when another face
// counts as a second person (quality.OtherPerson: the faces the decision
// counts are the faces capture quality counts).
func Traveler(faces []Face, near image.Rectangle) (Face, error) {
	i, err := travelerIndex(faces, near)
	if err != nil {
		return Face{}, err
	}
	return faces[i], nil
}

// travelerIndex is Traveler's choice, as an index into faces.
func travelerIndex(faces []Face, near image.Rectangle) (int, error) {
	if len(faces) == 0 {
		return 0, ErrNoFace
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
		return 0, fmt.Errorf("%w (%d)", ErrManyFaces, others+1)
	}
	return best, nil
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
// it at box (frame coordinates). The live describer runs on a crop around
// box, with a margin and scaled so the face is the size the models work at,
// instead of the whole frame. When the crop shows no face (or box is empty)
// the whole frame is searched by a recognizer of the pool at prio. The face
// nearest box is the traveler's; faces too small to be another person are
// ignored (Traveler). Box and Landmarks are in frame coordinates. cropped
// reports whether the crop gave the face.
func (e *Engine) SingleNear(ctx context.Context, img image.Image, box image.Rectangle, prio Priority) (f Face, cropped bool, err error) {
	if !box.Empty() && e.live != nil {
		if err := ctx.Err(); err != nil { // a dlib call cannot be interrupted: do not start one
			return Face{}, false, err
		}
		f, found, err := e.cropFace(img, box)
		if err != nil || found {
			return f, found && err == nil, err
		}
	}
	faces, err := e.FacesAt(ctx, img, prio)
	if err != nil {
		return Face{}, false, err
	}
	f, err = Traveler(faces, box)
	return f, false, err
}

// cropFace runs the live describer on the crop around box: found is false
// when the crop shows no face. The traveler's face (Traveler, in frame
// coordinates) is the only one described.
func (e *Engine) cropFace(img image.Image, box image.Rectangle) (f Face, found bool, err error) {
	c, err := cropAround(img, box)
	if err != nil || c == nil {
		return Face{}, false, err
	}
	faces, err := e.live.find(c)
	if err != nil || len(faces) == 0 {
		return Face{}, false, err
	}
	inFrame := make([]Face, len(faces))
	for i, f := range faces {
		inFrame[i] = Face{Box: image.Rectangle{Min: c.toFrame(f.Box.Min), Max: c.toFrame(f.Box.Max)},
			Landmarks: make([]image.Point, len(f.Landmarks))}
		for k, p := range f.Landmarks {
			inFrame[i].Landmarks[k] = c.toFrame(p)
		}
	}
	i, err := travelerIndex(inFrame, box)
	if err != nil {
		return Face{}, true, err
	}
	t, err := e.live.describe(c, faces[i])
	if err != nil {
		return Face{}, true, err
	}
	f = inFrame[i]
	f.Template = t
	return f, true, nil
}

// liveCrop is the region around a tracked face as the describer takes it:
// tightly packed RGB with the face scaled to about cropFaceWidth, and a
// grey copy for the detector with the face scaled to about detectFaceWidth.
type liveCrop struct {
	rgb        []byte
	w, h       int
	grey       []byte
	gw, gh     int
	rgbPerGrey float64
	at         image.Point // frame position of the crop's origin
	scale      float64     // crop pixels per frame pixel
}

// toFrame maps a point of the RGB crop back to the frame.
func (c *liveCrop) toFrame(p image.Point) image.Point {
	return image.Pt(c.at.X+int(math.Round(float64(p.X)/c.scale)), c.at.Y+int(math.Round(float64(p.Y)/c.scale)))
}

// cropAround cuts the region around box out of img and scales it (see
// cropFaceWidth, detectFaceWidth); nil when box lies outside img.
func cropAround(img image.Image, box image.Rectangle) (*liveCrop, error) {
	m := int(math.Round(cropMargin * float64(box.Dx())))
	r := box.Inset(-m).Intersect(img.Bounds())
	if r.Dx() < 8 || r.Dy() < 8 || box.Dx() < 8 {
		return nil, nil
	}
	w := float64(box.Dx())
	scale := 1.0
	switch {
	case w > cropFaceWidth:
		scale = cropFaceWidth / w
	case w < cropMinFaceWidth:
		scale = cropMinFaceWidth / w
	}
	sub := opaqueRGBA(subImage(img, r))
	src, err := gocv.NewMatFromBytes(r.Dy(), r.Dx(), gocv.MatTypeCV8UC4, sub.Pix)
	if err != nil {
		return nil, fmt.Errorf("crop: %w", err)
	}
	defer src.Close()
	rgb := gocv.NewMat()
	defer rgb.Close()
	// Dropping the alpha channel keeps the channel order (OpenCV calls it BGRA to BGR).
	gocv.CvtColor(src, &rgb, gocv.ColorBGRAToBGR)
	if scale != 1 {
		size := image.Pt(max(1, int(math.Round(float64(r.Dx())*scale))), max(1, int(math.Round(float64(r.Dy())*scale))))
		gocv.Resize(rgb, &rgb, size, 0, 0, interpolation(scale))
	}
	grey := gocv.NewMat()
	defer grey.Close()
	gocv.CvtColor(rgb, &grey, gocv.ColorRGBToGray)
	rgbPerGrey := 1.0
	if k := w * scale / detectFaceWidth; math.Abs(k-1) > 0.02 {
		size := image.Pt(max(1, int(math.Round(float64(grey.Cols())/k))), max(1, int(math.Round(float64(grey.Rows())/k))))
		gocv.Resize(grey, &grey, size, 0, 0, interpolation(1/k))
		rgbPerGrey = float64(rgb.Cols()) / float64(size.X)
	}
	c := &liveCrop{w: rgb.Cols(), h: rgb.Rows(), gw: grey.Cols(), gh: grey.Rows(), rgbPerGrey: rgbPerGrey,
		at: r.Min, scale: scale}
	c.rgb, err = rgb.DataPtrUint8()
	if err == nil {
		c.rgb = bytes.Clone(c.rgb)
		c.grey, err = grey.DataPtrUint8()
		c.grey = bytes.Clone(c.grey)
	}
	if err != nil || len(c.rgb) != 3*c.w*c.h || len(c.grey) != c.gw*c.gh {
		return nil, fmt.Errorf("crop: not a packed image (%v)", err)
	}
	return c, nil
}

func interpolation(scale float64) gocv.InterpolationFlags {
	if scale > 1 {
		return gocv.InterpolationLinear
	}
	return gocv.InterpolationArea
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
