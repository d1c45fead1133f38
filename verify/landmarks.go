package verify

import (
	"context"
	"image"

	"veriport/quality"
)

var _ quality.LandmarkFinder = (*Engine)(nil)

// Landmarks finds every face in img with its 5 landmarks, at Background
// priority (it never takes the recognizer kept for live captures): the
// engine as capture quality's landmark finder. The Landmarker does the same
// without computing templates and without the pool.
func (e *Engine) Landmarks(img image.Image) ([]quality.Face, error) {
	faces, err := e.FacesAt(context.Background(), img, Background)
	if err != nil {
		return nil, err
	}
	out := make([]quality.Face, len(faces))
	for i, f := range faces {
		out[i] = quality.Face{Box: f.Box, Landmarks: f.Landmarks}
	}
	return out, nil
}
