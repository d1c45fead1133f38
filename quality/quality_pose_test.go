package quality

import (
	"image"
	"math"
	"testing"
)

// projectFace places the model face (eye corners, nose base) at a known
// yaw, pitch and roll and projects it orthographically, as dlib would
// report it: the estimator must recover the angles it was built with.
func projectFace(yaw, pitch, roll, ied float64, at GuidePoint) []image.Point {
	rad := math.Pi / 180
	// Model points in inter-eye units: x right, y down, z towards the camera.
	model := [][3]float64{
		{-0.7, 0, 0}, {-0.3, 0, 0}, // image-left eye corners
		{0.7, 0, 0}, {0.3, 0, 0}, // image-right eye corners
		{0, noseDrop, noseDepth}, // nose base
	}
	pts := make([]image.Point, len(model))
	cy, sy := math.Cos(yaw*rad), math.Sin(yaw*rad)
	cp, sp := math.Cos(pitch*rad), math.Sin(pitch*rad)
	cr, sr := math.Cos(roll*rad), math.Sin(roll*rad)
	for i, p := range model {
		x, y, z := p[0], p[1], p[2]
		x, z = x*cy+z*sy, -x*sy+z*cy // yaw about the vertical axis
		y = y*cp + z*sp              // pitch about the horizontal axis (depth no longer needed)
		x, y = x*cr-y*sr, x*sr+y*cr  // roll in the image plane
		pts[i] = image.Pt(int(math.Round(at.X+x*ied)), int(math.Round(at.Y+y*ied)))
	}
	return pts
}

func TestPoseFromLandmarksRecoversConstructedAngles(t *testing.T) {
	for _, c := range []struct{ yaw, pitch, roll float64 }{
		{0, 0, 0}, {4, 0, 0}, {-4, 0, 0}, {12, 0, 0}, {0, 4, 0}, {0, -4, 0}, {0, 12, 0},
		{0, 0, 6}, {0, 0, -6}, {0, 0, 15}, {3, -3, 7},
	} {
		pts := projectFace(c.yaw, c.pitch, c.roll, 400, GuidePoint{640, 360})
		p, ok := PoseFromLandmarks(pts)
		if !ok {
			t.Fatalf("%+v: no pose", c)
		}
		// Within the ±5° bounds the estimate is within a degree; beyond them
		// foreshortening (cosine terms) costs up to 2.5°, still far outside.
		tol := 1.0
		if math.Abs(c.yaw) > 5 || math.Abs(c.pitch) > 5 {
			tol = 2.5
		}
		if math.Abs(p.Roll-c.roll) > 0.5 || math.Abs(p.Yaw-c.yaw) > tol || math.Abs(p.Pitch-c.pitch) > tol {
			t.Errorf("built yaw %.0f pitch %.0f roll %.0f, estimated yaw %.1f pitch %.1f roll %.1f",
				c.yaw, c.pitch, c.roll, p.Yaw, p.Pitch, p.Roll)
		}
	}
	if _, ok := PoseFromLandmarks([]image.Point{{1, 1}}); ok {
		t.Error("pose from one point")
	}
}
