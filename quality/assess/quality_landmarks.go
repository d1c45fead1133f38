package assess

import (
	"image"
	"math"
	"time"

	"gocv.io/x/gocv"

	"veriport/quality"
)

// landmarkFaceWidth is the width the tracked face is scaled to in the crop
// handed to the landmark finder: large enough for dlib's HOG detector
// (about 80 px), small enough to keep the finder fast.
const landmarkFaceWidth = 150

// landmarkJob is a grey crop around a tracked face.
type landmarkJob struct {
	crop  *image.Gray
	scale float64         // crop pixels per frame pixel
	at    image.Point     // frame position of the crop's origin
	box   image.Rectangle // tracked face box, frame coordinates
	taken time.Time
}

// landmarks are dlib's 5 points found for a tracked face box.
type landmarks struct {
	pts   []image.Point // frame coordinates
	box   image.Rectangle
	taken time.Time
}

// cropFor cuts the face at box out of grey, with half a face of margin on
// each side, scaled so the face is landmarkFaceWidth wide. It uses dst as
// scratch and makes no other Mat.
func cropFor(grey gocv.Mat, box image.Rectangle, dst *gocv.Mat) (landmarkJob, bool) {
	frame := image.Rect(0, 0, grey.Cols(), grey.Rows())
	r := image.Rect(box.Min.X-box.Dx()/2, box.Min.Y-box.Dy()/2, box.Max.X+box.Dx()/2, box.Max.Y+box.Dy()/2).Intersect(frame)
	if box.Dx() < 8 || r.Empty() {
		return landmarkJob{}, false
	}
	s := float64(landmarkFaceWidth) / float64(box.Dx())
	w, h := int(math.Round(float64(r.Dx())*s)), int(math.Round(float64(r.Dy())*s))
	if w < 16 || h < 16 {
		return landmarkJob{}, false
	}
	region := grey.Region(r)
	defer region.Close()
	gocv.Resize(region, dst, image.Pt(w, h), 0, 0, gocv.InterpolationLinear)
	data, err := dst.DataPtrUint8()
	if err != nil || len(data) < w*h {
		return landmarkJob{}, false
	}
	g := image.NewGray(image.Rect(0, 0, w, h))
	copy(g.Pix, data[:w*h])
	return landmarkJob{crop: g, scale: s, at: r.Min, box: box}, true
}

// find runs the finder on the job's crop and maps the points of the face
// nearest the crop's centre back to frame coordinates.
func (j landmarkJob) find(f quality.LandmarkFinder) (landmarks, bool) {
	faces, err := f.Landmarks(j.crop)
	if err != nil || len(faces) == 0 {
		return landmarks{}, false
	}
	c := j.box.Min.Add(j.box.Max).Div(2)
	best, bestD := -1, math.Inf(1)
	for i, fc := range faces {
		if len(fc.Landmarks) != 5 {
			continue
		}
		m := fc.Box.Min.Add(fc.Box.Max).Div(2)
		fx, fy := float64(j.at.X)+float64(m.X)/j.scale, float64(j.at.Y)+float64(m.Y)/j.scale
		if d := math.Hypot(fx-float64(c.X), fy-float64(c.Y)); d < bestD {
			best, bestD = i, d
		}
	}
	if best < 0 {
		return landmarks{}, false
	}
	pts := make([]image.Point, 5)
	for i, p := range faces[best].Landmarks {
		pts[i] = image.Pt(j.at.X+int(math.Round(float64(p.X)/j.scale)), j.at.Y+int(math.Round(float64(p.Y)/j.scale)))
	}
	return landmarks{pts: pts, box: j.box, taken: j.taken}, true
}

// follow moves the points with the face from the box they were found in to
// the box tracked now (shift and scale).
func (l landmarks) follow(now image.Rectangle) []image.Point {
	if l.box.Dx() == 0 {
		return nil
	}
	k := float64(now.Dx()) / float64(l.box.Dx())
	out := make([]image.Point, len(l.pts))
	for i, p := range l.pts {
		out[i] = image.Pt(now.Min.X+int(math.Round(float64(p.X-l.box.Min.X)*k)),
			now.Min.Y+int(math.Round(float64(p.Y-l.box.Min.Y)*k)))
	}
	return out
}
