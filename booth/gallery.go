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
}

var _ Decider = (*GalleryDecider)(nil)

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
