package quality

import (
	"image"
	"math"
)

// Pose is the head pose estimated from dlib's 5 landmarks.
type Pose struct {
	// Roll is the eye line's angle from horizontal, degrees; positive when the
	// image-right eye is lower (the head leans towards image-right).
	Roll float64
	// Yaw is the head's turn, degrees; positive when the nose moves to image-right.
	Yaw float64
	// Pitch is the head's nod, degrees; positive when the chin moves down.
	Pitch float64
	// InterEye is the distance between the eye centres, pixels.
	InterEye float64
	// Eyes are the eye centres, image-left first.
	Eyes [2]GuidePoint
}

// Geometry of an average frontal face, in inter-eye distances, measured on
// the frontal test portraits: the nose base lies noseDrop below the eye line
// and noseDepth in front of the eye corners. Yaw and pitch are estimates
// from this model (a 5-point shape cannot do better); roll is exact.
const (
	noseDrop  = 0.76
	noseDepth = 0.6
)

// PoseFromLandmarks estimates the pose from dlib's 5 points ([0],[1] one
// eye's corners, [2],[3] the other's, [4] the nose base); ok is false when
// the points are not five or the eyes coincide.
func PoseFromLandmarks(pts []image.Point) (Pose, bool) {
	if len(pts) != 5 {
		return Pose{}, false
	}
	f := func(i int) GuidePoint { return GuidePoint{float64(pts[i].X), float64(pts[i].Y)} }
	mid := func(a, b GuidePoint) GuidePoint { return GuidePoint{(a.X + b.X) / 2, (a.Y + b.Y) / 2} }
	l, r := mid(f(0), f(1)), mid(f(2), f(3))
	if l.X > r.X {
		l, r = r, l
	}
	dx, dy := r.X-l.X, r.Y-l.Y
	ied := math.Hypot(dx, dy)
	if ied < 1 {
		return Pose{}, false
	}
	ux, uy := dx/ied, dy/ied // along the eye line; (-uy, ux) points down the face
	m := mid(l, r)
	nose := f(4)
	vx, vy := nose.X-m.X, nose.Y-m.Y
	along := (vx*ux + vy*uy) / ied
	down := (-vx*uy + vy*ux) / ied
	deg := 180 / math.Pi
	return Pose{
		Roll:     math.Atan2(dy, dx) * deg,
		Yaw:      math.Asin(clampUnit(along/noseDepth)) * deg,
		Pitch:    math.Asin(clampUnit((down-noseDrop)/noseDepth)) * deg,
		InterEye: ied,
		Eyes:     [2]GuidePoint{l, r},
	}, true
}

func clampUnit(v float64) float64 { return math.Max(-1, math.Min(1, v)) }
