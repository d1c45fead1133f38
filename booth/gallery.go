package booth

import (
	"context"
	"fmt"
	"image"
	"math"

	"veriport/encounter"
	"veriport/gallery"
	"veriport/verify"
)

// FaceFinder finds the one face of a photo and its template;
// *verify.Engine satisfies it.
type FaceFinder interface {
	SingleAt(ctx context.Context, img image.Image, prio verify.Priority) (verify.Face, error)
}

var _ FaceFinder = (*verify.Engine)(nil)

// GalleryDecider decides photos against one flight's gallery: the face's
// template, the search of the gallery index, the threshold policy, and the
// matched traveler's category from the bundle.
type GalleryDecider struct {
	faces      FaceFinder
	index      *verify.Index
	policy     verify.Policy
	categories map[string]encounter.Category
	cal        verify.GalleryCalibration
}

var (
	_ Decider    = (*GalleryDecider)(nil)
	_ Calibrated = (*GalleryDecider)(nil)
)

// Calibrated is a Decider that knows the threshold it decides with and
// whether it was calibrated for its gallery; the shift records both with
// every encounter.
type Calibrated interface {
	Calibration() verify.GalleryCalibration
}

// NewCalibratedGalleryDecider loads the bundle's templates into a new index
// and calibrates the threshold for this gallery (verify.CalibrateGallery:
// never above p.Threshold).
func NewCalibratedGalleryDecider(faces FaceFinder, b *gallery.Bundle, p verify.Policy, o verify.CalibrationOptions) *GalleryDecider {
	g := NewGalleryDecider(faces, b, p)
	g.cal = verify.CalibrateGallery(g.index, b.Templates(), p, o)
	g.policy.Threshold = g.cal.Threshold
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

// NewGalleryDecider loads the bundle's templates into a new index and
// decides with p as it is.
func NewGalleryDecider(faces FaceFinder, b *gallery.Bundle, p verify.Policy) *GalleryDecider {
	n := 0
	for i := range b.Entries {
		n += len(b.Entries[i].Templates)
	}
	ix := verify.NewIndex(n)
	gallery.Load(b, ix)
	cats := make(map[string]encounter.Category, len(b.Entries))
	for _, e := range b.Entries {
		cats[e.Traveler] = encounter.Category(e.Category.String())
	}
	return &GalleryDecider{faces: faces, index: ix, policy: p, categories: cats,
		cal: verify.GalleryCalibration{Threshold: p.Threshold, Configured: p.Threshold,
			Note: "not calibrated: the configured threshold is used"}}
}

// Travelers is the number of travelers in the gallery.
func (g *GalleryDecider) Travelers() int { return g.index.Subjects() }

// Decide implements Decider. A photo without exactly one face is an error
// wrapping verify.ErrNoFace or verify.ErrManyFaces.
func (g *GalleryDecider) Decide(ctx context.Context, img image.Image) (Decision, error) {
	f, err := g.faces.SingleAt(ctx, img, verify.Live)
	if err != nil {
		return Decision{}, fmt.Errorf("decide: %w", err)
	}
	d := g.policy.Decide(g.index.Search(&f.Template, 2))
	out := Decision{Outcome: encounter.Outcome(d.Outcome), Subject: d.Subject, Distance: d.Distance, Margin: d.Margin}
	if d.Outcome == verify.OutcomeMatch {
		out.Category = g.categories[d.Subject]
	} else {
		out.Subject = "" // an ambiguous best guess is not an identity
	}
	if math.IsInf(out.Margin, 0) {
		out.Margin = 0
	}
	return out, nil
}
