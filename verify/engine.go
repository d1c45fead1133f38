package verify

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	_ "image/png" // PNG input is accepted wherever images are decoded
	"math"
	"os"
	"path/filepath"
	"sync"

	face "github.com/Kagami/go-face"
)

// Sentinel errors; the UI and CLI classify them with errors.Is.
var (
	ErrNoFace      = errors.New("no face found")
	ErrManyFaces   = errors.New("more than one face found")
	ErrNotImage    = errors.New("not a readable image")
	ErrModels      = errors.New("face models missing or unreadable")
	ErrClosed      = errors.New("face engine closed")
	ErrBadTemplate = errors.New("template has the wrong length")
)

// ModelFiles are the dlib models go-face loads from the models folder.
var ModelFiles = []string{
	"shape_predictor_5_face_landmarks.dat",
	"dlib_face_recognition_resnet_model_v1.dat",
	"mmod_human_face_detector.dat",
}

// TemplateLen is the number of float32 values in a template.
const TemplateLen = 128

// Template is a 128-D face descriptor.
type Template [TemplateLen]float32

// Face is one detected face.
type Face struct {
	Box       image.Rectangle
	Landmarks []image.Point // dlib's 5 points: eye corners and nose
	Template  Template
}

// Engine computes faces and templates with one go-face recognizer. Calls are
// serialised (go-face is not safe for concurrent use of one recognizer).
type Engine struct {
	mu  sync.Mutex
	rec *face.Recognizer
}

// CheckModels reports which model files are missing from dir.
func CheckModels(dir string) error {
	var missing []string
	for _, m := range ModelFiles {
		if st, err := os.Stat(filepath.Join(dir, m)); err != nil || st.Size() == 0 {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %v not in %s (run make setup)", ErrModels, missing, dir)
	}
	return nil
}

// Open loads the models from dir.
func Open(dir string) (*Engine, error) {
	if err := CheckModels(dir); err != nil {
		return nil, err
	}
	rec, err := face.NewRecognizer(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModels, err)
	}
	return &Engine{rec: rec}, nil
}

// Close frees the recognizer; it waits for a call in flight to finish.
func (e *Engine) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.rec != nil {
		e.rec.Close()
		e.rec = nil
	}
}

// Faces finds every face in img with its landmarks and template.
func (e *Engine) Faces(img image.Image) ([]Face, error) {
	jpg, err := EncodeJPEG(img)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.rec == nil {
		return nil, ErrClosed
	}
	found, err := e.rec.Recognize(jpg)
	if err != nil {
		return nil, fmt.Errorf("recognize: %w", err)
	}
	out := make([]Face, len(found))
	for i, f := range found {
		out[i] = Face{Box: f.Rectangle, Landmarks: f.Shapes, Template: Template(f.Descriptor)}
	}
	return out, nil
}

// Single returns the one face in img: ErrNoFace or ErrManyFaces otherwise.
func (e *Engine) Single(img image.Image) (Face, error) {
	faces, err := e.Faces(img)
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

// Distance is the plain Euclidean distance between two templates (not the
// squared distance go-face's ClassifyThreshold uses).
func Distance(a, b *Template) float64 {
	var s float32
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(float64(s))
}

// LoadImage decodes a JPEG or PNG file.
func LoadImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrNotImage, err)
	}
	return img, nil
}

// EncodeJPEG turns any image into the 3-channel JPEG bytes go-face takes.
func EncodeJPEG(img image.Image) ([]byte, error) {
	if img == nil || img.Bounds().Empty() {
		return nil, ErrNotImage
	}
	var src image.Image = img
	switch img.(type) {
	case *image.YCbCr:
	default:
		// Flatten alpha and odd colour models onto an opaque RGBA canvas.
		b := img.Bounds()
		rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Rect, image.White, image.Point{}, draw.Src)
		draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Over)
		src = rgba
	}
	var buf bytes.Buffer
	buf.Grow(img.Bounds().Dx() * img.Bounds().Dy() / 4)
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 95}); err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	return buf.Bytes(), nil
}
