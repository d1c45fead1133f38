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
	index      *verify.Index
	policy     verify.Policy
	categories map[string]encounter.Category
}

var (
	_ Decider        = (*GalleryDecider)(nil)
	_ TrackedDecider = (*GalleryDecider)(nil)
)

// NewGalleryDecider loads the bundle's templates into a new index.
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
	return &GalleryDecider{faces: faces, index: ix, policy: p, categories: cats}
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
