package verify

import (
	"context"
	"errors"
	"fmt"
	"image"
)

// EngineName names a face engine: the kind of template it makes. Templates
// of two engines are never compared (ErrMixedEngines).
type EngineName string

const (
	// EngineDlib is go-face's dlib ResNet (128-D, Euclidean): Engine.
	EngineDlib EngineName = "dlib"
	// EngineSFace is OpenCV Zoo's SFace through OpenCV's DNN, YuNet for the
	// five alignment points (128-D, cosine): SFace.
	EngineSFace EngineName = "sface"
)

// Engines are the known engines, best first: a gallery that has templates
// of several is decided with the first of them it has.
var Engines = []EngineName{EngineSFace, EngineDlib}

// engineVersions is the model version each engine's templates come from; a
// template file may say it and must then say this.
var engineVersions = map[EngineName]string{
	EngineDlib:  "dlib_face_recognition_resnet_model_v1",
	EngineSFace: "face_recognition_sface_2021dec_fp32",
}

// ErrMixedEngines means templates of two engines met where only one may be:
// in one template file, one search, or one comparison.
var ErrMixedEngines = errors.New("templates of two face engines cannot be compared")

// ErrUnknownEngine means a template names an engine (or a version of one)
// this build does not have.
var ErrUnknownEngine = errors.New("unknown face engine")

// Version is the model version of the engine's templates ("" for an
// unknown engine).
func (n EngineName) Version() string { return engineVersions[n] }

// ParseEngine reads an engine name: "" is dlib (files from before engines
// had names), anything unknown is ErrUnknownEngine.
func ParseEngine(s string) (EngineName, error) {
	switch n := EngineName(s); n {
	case "":
		return EngineDlib, nil
	case EngineDlib, EngineSFace:
		return n, nil
	default:
		return "", fmt.Errorf("%w %q (known: dlib, sface)", ErrUnknownEngine, s)
	}
}

// DefaultThreshold is the distance below which two templates of the engine
// are taken for one person before a gallery calibrates its own (always
// tighten-only): dlib's 0.6 (99.38% on LFW); for SFace, OpenCV's cosine
// threshold 0.363 as a distance between unit vectors, sqrt(2 - 2*0.363).
func (n EngineName) DefaultThreshold() float64 {
	if n == EngineSFace {
		return 1.1287
	}
	return 0.6
}

// DuplicateBelow is the distance under which two travelers' templates of
// the engine are near-identical (CalibrationOptions.DuplicateBelow):
// dlib's DefaultDuplicateBelow, scaled for other engines by the ratio of
// their reference thresholds.
func (n EngineName) DuplicateBelow() float64 {
	return DefaultDuplicateBelow * n.DefaultThreshold() / EngineDlib.DefaultThreshold()
}

// onlyFace is the one face of a FacesAt answer: ErrNoFace or ErrManyFaces
// otherwise (SingleAt of every engine).
func onlyFace(faces []Face, err error) (Face, error) {
	if err != nil {
		return Face{}, err
	}
	switch len(faces) {
	case 0:
		return Face{}, ErrNoFace
	case 1:
		return faces[0], nil
	default:
		return Face{}, fmt.Errorf("%w (%d)", ErrManyFaces, len(faces))
	}
}

// FaceEngine is one face recognition engine: it finds faces with five
// landmarks and makes templates of one kind (its Name). Calls may run
// concurrently; Close waits for the calls in flight and later calls get
// ErrClosed. Box and Landmarks are in image coordinates; which five points
// the landmarks are is the engine's (dlib: eye corners and nose; SFace:
// eye centres, nose tip, mouth corners). Templates of one engine are
// compared with Distance only.
type FaceEngine interface {
	// Name is the engine, Version its model version.
	Name() EngineName
	// FacesAt finds every face in img with its template.
	FacesAt(ctx context.Context, img image.Image, prio Priority) ([]Face, error)
	// SingleAt returns the one face in img: ErrNoFace or ErrManyFaces otherwise.
	SingleAt(ctx context.Context, img image.Image, prio Priority) (Face, error)
	// SingleNear returns the traveler's face in img knowing the tracker found
	// it at box (frame coordinates), working on a crop around box when it
	// can; cropped reports whether the crop gave the face.
	SingleNear(ctx context.Context, img image.Image, box image.Rectangle, prio Priority) (f Face, cropped bool, err error)
	// Close frees the models.
	Close()
}

var (
	_ FaceEngine = (*Engine)(nil)
	_ FaceEngine = (*SFace)(nil)
)

// Name is EngineDlib: Engine is the dlib engine.
func (e *Engine) Name() EngineName { return EngineDlib }

// OpenEngine opens the named engine on the models in dir.
func OpenEngine(name EngineName, dir string) (FaceEngine, error) {
	switch name {
	case EngineDlib:
		e, err := Open(dir)
		if err != nil {
			return nil, err
		}
		return e, nil
	case EngineSFace:
		e, err := OpenSFace(dir)
		if err != nil {
			return nil, err
		}
		return e, nil
	default:
		return nil, fmt.Errorf("%w %q", ErrUnknownEngine, name)
	}
}
