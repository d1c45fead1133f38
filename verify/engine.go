package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // JPEG and PNG input are accepted wherever images are decoded
	_ "image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	face "github.com/Kagami/go-face"
	"gocv.io/x/gocv"
)

// Sentinel errors; the UI and CLI classify them with errors.Is.
var (
	ErrNoFace            = errors.New("no face found")
	ErrManyFaces         = errors.New("more than one face found")
	ErrNotImage          = errors.New("not a readable image")
	ErrModels      error = &modelsError{"face models missing or unreadable"}
	ErrClosed            = errors.New("face engine closed")
	ErrBadTemplate       = errors.New("template has the wrong length")
)

// modelsError is ErrModels: it says so by its behaviour too
// (ModelsMissing), so that the window recognises it without importing
// verify.
type modelsError struct{ s string }

func (e *modelsError) Error() string { return e.s }

// ModelsMissing reports that the face models are missing or unreadable.
func (*modelsError) ModelsMissing() bool { return true }

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

// Engine computes faces and templates with a pool of go-face recognizers
// (see Options) and, for SingleNear's crops around a tracked face, a live
// describer of its own (the same dlib models and pipeline on the crop's
// pixels). Calls at Live priority are served before Background ones and
// always have a recognizer of their own; Close is safe while calls are in
// flight (it waits for them, and later calls get ErrClosed).
type Engine struct {
	pool *pool
	size int
	live liveFinder // SingleNear's crops; nil makes it search whole frames
}

// Options tunes Open.
type Options struct {
	// Recognizers is the pool size; 0 means one per CPU, at least 2 (one is
	// kept for live captures) and at most 4. Each holds its own copy of the
	// models (about 30 MB), as does the live describer, which is apart from
	// the pool.
	Recognizers int
}

// DefaultRecognizers is the pool size for this machine.
func DefaultRecognizers() int { return min(max(runtime.NumCPU(), 2), 4) }

// CheckModels reports which model files are missing from dir.
func CheckModels(dir string) error {
	var missing []string
	for _, m := range ModelFiles {
		if st, err := os.Stat(filepath.Join(dir, m)); err != nil || st.Size() == 0 {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w: %v not in %s (run veriport setup-models)", ErrModels, missing, dir)
	}
	return nil
}

// Open loads the models from dir into a pool sized to the machine.
func Open(dir string) (*Engine, error) { return OpenWith(dir, Options{}) }

// OpenWith loads the models from dir with the given options. The recognizers
// are loaded in parallel.
func OpenWith(dir string, o Options) (*Engine, error) {
	if err := CheckModels(dir); err != nil {
		return nil, err
	}
	n := o.Recognizers
	if n <= 0 {
		n = DefaultRecognizers()
	}
	recs := make([]recognizer, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range recs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := face.NewRecognizer(dir)
			if err != nil {
				errs[i] = err
				return
			}
			recs[i] = r
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		for _, r := range recs {
			if r != nil {
				r.Close()
			}
		}
		return nil, fmt.Errorf("%w: %v", ErrModels, err)
	}
	live, err := openDescriber(dir)
	if err != nil {
		for _, r := range recs {
			r.Close()
		}
		return nil, err
	}
	return &Engine{pool: newPool(recs), size: n, live: live}, nil
}

// Size is the number of recognizers in the pool.
func (e *Engine) Size() int { return e.size }

// Close frees the recognizers once the calls in flight have finished; calls
// made after Close return ErrClosed. Safe to call more than once.
func (e *Engine) Close() {
	e.pool.close()
	if e.live != nil {
		e.live.close()
	}
}

// Faces finds every face in img with its landmarks and template, at Live
// priority.
func (e *Engine) Faces(img image.Image) ([]Face, error) {
	return e.FacesAt(context.Background(), img, Live)
}

// FacesAt is Faces at the given priority; ctx bounds the wait for a
// recognizer (not the dlib call itself, which cannot be interrupted).
func (e *Engine) FacesAt(ctx context.Context, img image.Image, prio Priority) ([]Face, error) {
	jpg, err := EncodeJPEG(img)
	if err != nil {
		return nil, err
	}
	return e.recognize(ctx, jpg, prio)
}

// recognize runs a recognizer of the pool on JPEG bytes. The recognizer
// goes back to the pool however the call ends, a panic included.
func (e *Engine) recognize(ctx context.Context, jpg []byte, prio Priority) ([]Face, error) {
	rec, err := e.pool.acquire(ctx, prio)
	if err != nil {
		return nil, err
	}
	defer e.pool.release(rec, prio)
	found, err := rec.Recognize(jpg)
	if err != nil {
		return nil, fmt.Errorf("recognize: %w", err)
	}
	out := make([]Face, len(found))
	for i, f := range found {
		out[i] = Face{Box: f.Rectangle, Landmarks: f.Shapes, Template: Template(f.Descriptor)}
	}
	return out, nil
}

// Single returns the one face in img, at Live priority: ErrNoFace or
// ErrManyFaces otherwise.
func (e *Engine) Single(img image.Image) (Face, error) {
	return e.SingleAt(context.Background(), img, Live)
}

// SingleAt is Single at the given priority. go-face's own single-face call
// answers nil for both no face and several faces; the faces are counted here.
func (e *Engine) SingleAt(ctx context.Context, img image.Image, prio Priority) (Face, error) {
	return onlyFace(e.FacesAt(ctx, img, prio))
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

// MaxPixels bounds the images LoadImage decodes (a camera frame is 0.9 MP,
// a passport photo scan a few MP); larger files are refused before decoding.
const MaxPixels = 50_000_000

// LoadImage decodes a JPEG or PNG file: ErrNotImage for anything else, or
// for an image over MaxPixels.
func LoadImage(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrNotImage, err)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxPixels {
		return nil, fmt.Errorf("%s: %w: %dx%d is over %d pixels", path, ErrNotImage, cfg.Width, cfg.Height, MaxPixels)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", path, ErrNotImage, err)
	}
	return img, nil
}

// EncodeJPEG turns any image into the 3-channel JPEG bytes go-face takes.
// Transparent pixels are flattened onto white. The encoding is OpenCV's
// (libjpeg-turbo), about ten times faster than image/jpeg at 1280x720.
func EncodeJPEG(img image.Image) ([]byte, error) {
	if img == nil || img.Bounds().Empty() {
		return nil, ErrNotImage
	}
	rgba := opaqueRGBA(img)
	b := rgba.Rect
	src, err := gocv.NewMatFromBytes(b.Dy(), b.Dx(), gocv.MatTypeCV8UC4, rgba.Pix)
	if err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	defer src.Close()
	bgr := gocv.NewMat()
	defer bgr.Close()
	gocv.CvtColor(src, &bgr, gocv.ColorRGBAToBGR)
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, bgr, []int{gocv.IMWriteJpegQuality, 95})
	if err != nil {
		return nil, fmt.Errorf("encode jpeg: %w", err)
	}
	defer buf.Close()
	return bytes.Clone(buf.GetBytes()), nil
}

// opaqueRGBA returns img as a tightly packed, opaque *image.RGBA at the
// origin: img itself when it already is one, else a copy drawn over white.
func opaqueRGBA(img image.Image) *image.RGBA {
	if m, ok := img.(*image.RGBA); ok && m.Rect.Min == (image.Point{}) && m.Stride == 4*m.Rect.Dx() &&
		len(m.Pix) == 4*m.Rect.Dx()*m.Rect.Dy() && opaque(m.Pix) {
		return m
	}
	b := img.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	if !isOpaque(img) {
		draw.Draw(rgba, rgba.Rect, image.White, image.Point{}, draw.Src)
		draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Over)
	} else {
		draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	}
	return rgba
}

func opaque(pix []uint8) bool {
	for i := 3; i < len(pix); i += 4 {
		if pix[i] != 0xff {
			return false
		}
	}
	return true
}

// isOpaque reports whether img says it has no transparent pixel.
func isOpaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}
