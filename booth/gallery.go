package booth

import (
	"context"
	"fmt"
	"image"
	"math"
	"time"

	"veriport/config"
	"veriport/encounter"
	"veriport/gallery"
	"veriport/quality"
	"veriport/verify"
)

// FaceFinder finds the traveler's face in a photo and its template, on a
// crop around box (where the live tracker found the face; empty when not
// known) or else the whole photo; *verify.Engine satisfies it.
type FaceFinder interface {
	SingleNear(ctx context.Context, img image.Image, box image.Rectangle, prio verify.Priority) (verify.Face, bool, error)
}

var _ FaceFinder = (*verify.Engine)(nil)

// GalleryDecider decides photos against one flight's gallery: the face's
// template, the search of the gallery index, the threshold policy, and the
// matched traveler's category from the bundle.
type GalleryDecider struct {
	faces      FaceFinder
	engine     verify.EngineName // faces' engine: the only templates index holds
	index      *verify.Index
	policy     verify.Policy
	categories map[string]encounter.Category
	display    map[string][2]string // traveler id -> name, seat (display fields)
	cal        verify.GalleryCalibration
	pose       *config.Quality // pose limits re-checked on tracked captures; nil: none
	until      time.Time       // no decision at or after it (the bundle's expiry, or Limit's)
	present    func() error    // nil: no check of the cached copy (Limit)
}

var (
	_ Decider        = (*GalleryDecider)(nil)
	_ TrackedDecider = (*GalleryDecider)(nil)
	_ Calibrated     = (*GalleryDecider)(nil)
)

// Calibrated is a Decider that knows the threshold it decides with and
// whether it was calibrated for its gallery; the shift records both with
// every encounter.
type Calibrated interface {
	Calibration() verify.GalleryCalibration
}

// NewCalibratedGalleryDecider loads the bundle's templates into a new index
// and calibrates the threshold for this gallery (verify.CalibrateGallery:
// never above p.Threshold); near-identical pairs of travelers it finds are
// linked (a match on either is AMBIGUOUS, Decision.Linked).
func NewCalibratedGalleryDecider(faces FaceFinder, b *gallery.Bundle, p verify.Policy, o verify.CalibrationOptions) *GalleryDecider {
	g := NewGalleryDecider(faces, b, p)
	if o.DuplicateBelow <= 0 {
		o.DuplicateBelow = g.engine.DuplicateBelow()
	}
	g.cal = verify.CalibrateGallery(g.index, b.Templates(g.engine), p, o)
	g.cal.Engine = g.engine
	g.policy.Threshold = g.cal.Threshold
	g.policy.Linked = g.cal.LinkedTravelers()
	return g
}

// Calibration is the decider's threshold and how it was set; without
// calibration (NewGalleryDecider) the configured threshold, not calibrated.
func (g *GalleryDecider) Calibration() verify.GalleryCalibration { return g.cal }

// FairnessNotice is what the officer is told when a flight's threshold was
// lowered far below the configured one; "" when it was not.
func FairnessNotice(c verify.GalleryCalibration) string {
	if !c.PoorSeparation {
		return ""
	}
	return fmt.Sprintf("The face engine separates this flight's travelers poorly: its threshold was lowered from %.2f "+
		"to %.2f to keep false matches at the target. Expect many more manual document checks on this flight.",
		c.Configured, c.Threshold)
}

// CheckPose makes DecideNear re-check the head pose of a tracked capture
// against q's limits, on the landmarks the decision found on the captured
// frame at its own resolution (the live checks judge landmarks up to a few
// hundred milliseconds old, on a reduced crop), before anything is decided.
func (g *GalleryDecider) CheckPose(q config.Quality) { g.pose = &q }

// poseError is ErrPose with the angles when the face's pose is outside the
// limits CheckPose set; nil otherwise or when the pose cannot be measured.
// The measure reads dlib's five points (eye corners, nose base): a face
// found by another engine (sface: eye centres, nose tip, mouth corners) is
// left to the live checks, which judge pose on dlib's landmarks.
func (g *GalleryDecider) poseError(f verify.Face) error {
	if g.pose == nil || g.engine != verify.EngineDlib {
		return nil
	}
	p, ok := quality.PoseFromLandmarks(f.Landmarks)
	if !ok {
		return nil
	}
	if math.Abs(p.Yaw) > g.pose.MaxYaw || math.Abs(p.Pitch) > g.pose.MaxPitch || math.Abs(p.Roll) > g.pose.MaxRoll {
		return E("decide", Pose, fmt.Errorf("yaw %+.1f°, pitch %+.1f°, roll %+.1f°", p.Yaw, p.Pitch, p.Roll))
	}
	return nil
}

// engineOf is the engine faces makes templates with: dlib unless it names
// another (verify.FaceEngine.Name).
func engineOf(faces FaceFinder) verify.EngineName {
	if n, ok := faces.(interface{ Name() verify.EngineName }); ok {
		return n.Name()
	}
	return verify.EngineDlib
}

// NewGalleryDecider loads the bundle's templates of faces' engine into a
// new index and decides with p as it is.
func NewGalleryDecider(faces FaceFinder, b *gallery.Bundle, p verify.Policy) *GalleryDecider {
	engine := engineOf(faces)
	n := 0
	for i := range b.Entries {
		n += len(b.Entries[i].Templates)
	}
	ix := verify.NewIndex(n)
	gallery.Load(b, engine, ix)
	cats := make(map[string]encounter.Category, len(b.Entries))
	display := make(map[string][2]string, len(b.Entries))
	for _, e := range b.Entries {
		cats[e.Traveler] = encounter.Category(e.Category.String())
		var nameSeat [2]string
		for _, f := range e.Display {
			switch f.Key {
			case "name":
				nameSeat[0] = f.Value
			case "seat":
				nameSeat[1] = f.Value
			}
		}
		if nameSeat != ([2]string{}) {
			display[e.Traveler] = nameSeat
		}
	}
	return &GalleryDecider{faces: faces, engine: engine, index: ix, policy: p, categories: cats, display: display, until: b.ExpiresAt,
		cal: verify.GalleryCalibration{Engine: engine, Threshold: p.Threshold, Configured: p.Threshold,
			Note: "not calibrated: the configured threshold is used"}}
}

// Travelers is the number of travelers in the gallery.
func (g *GalleryDecider) Travelers() int { return g.index.Subjects() }

// Decide implements Decider: DecideNear without a tracked face.
func (g *GalleryDecider) Decide(ctx context.Context, img image.Image) (Decision, error) {
	return g.DecideNear(ctx, img, image.Rectangle{})
}

// DecideNear implements TrackedDecider: the template comes from a crop
// around box, the face the live tracker followed (the whole photo when the
// crop shows no face). A photo without the traveler's face, or with a
// second person, is an error wrapping verify.ErrNoFace or
// verify.ErrManyFaces.
func (g *GalleryDecider) DecideNear(ctx context.Context, img image.Image, box image.Rectangle) (Decision, error) {
	f, _, err := g.faces.SingleNear(ctx, img, box, verify.Live)
	if err != nil {
		return Decision{}, fmt.Errorf("decide: %w", err)
	}
	if !box.Empty() {
		if err := g.poseError(f); err != nil {
			return Decision{}, fmt.Errorf("decide: %w", err)
		}
	}
	d := g.policy.Decide(g.index.Search(&f.Template, 2))
	out := Decision{Outcome: encounter.Outcome(d.Outcome), Subject: d.Subject, Distance: d.Distance, Margin: d.Margin}
	if d.Outcome == verify.OutcomeMatch {
		out.Category = g.categories[d.Subject]
		out.Name, out.Seat = g.display[d.Subject][0], g.display[d.Subject][1]
	} else {
		out.Subject = "" // an ambiguous best guess is not an identity
		out.Linked = d.Linked != ""
	}
	if math.IsInf(out.Margin, 0) {
		out.Margin = 0
	}
	return out, nil
}
