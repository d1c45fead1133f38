package verify

import (
	"image"

	"veriport/quality"
)

var _ quality.LandmarkFinder = (*Engine)(nil)

// Landmarks finds every face in img with its 5 landmarks, at Live priority:
// the engine as capture quality's landmark finder.
func (e *Engine) Landmarks(img image.Image) ([]quality.Face, error) {
	faces, err := e.Faces(img)
	if err != nil {
		return nil, err
	}
	out := make([]quality.Face, len(faces))
	for i, f := range faces {
		out[i] = quality.Face{Box: f.Box, Landmarks: f.Landmarks}
	}
	return out, nil
}
