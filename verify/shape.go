package verify

// The landmark finder is a small shim over the dlib go-face already links:
// dlib's HOG face detector and 5-point shape predictor on a grey image,
// without the face chip and ResNet descriptor go-face computes for every
// face. The live view needs only the points (pose, eye positions).

// #cgo CXXFLAGS: -std=c++17 -O3 -DNDEBUG -march=x86-64-v2
// #cgo LDFLAGS: -ldlib -lblas -lcblas -llapack
// #include <stdlib.h>
// #include "shape.h"
import "C"

import (
	"fmt"
	"image"
	"image/draw"
	"path/filepath"
	"sync"
	"unsafe"

	"veriport/quality"
)

// maxShapeFaces bounds the faces one Landmarks call reports.
const maxShapeFaces = 16

// Landmarker finds faces and their 5 dlib landmarks without templates. It
// holds its own detector and predictor (about 9 MB), apart from the
// Engine's recognizers, so live landmarks never wait for, or hold, a
// recognizer. Safe for concurrent use (calls are serialised); Close frees it.
type Landmarker struct {
	mu sync.Mutex
	s  *C.vp_shape
}

var _ quality.LandmarkFinder = (*Landmarker)(nil)

// OpenLandmarker loads the 5-point shape predictor from the models folder.
func OpenLandmarker(dir string) (*Landmarker, error) {
	if err := CheckModels(dir); err != nil {
		return nil, err
	}
	path := C.CString(filepath.Join(dir, ModelFiles[0]))
	defer C.free(unsafe.Pointer(path))
	var msg [256]C.char
	s := C.vp_shape_open(path, &msg[0], C.int(len(msg)))
	if s == nil {
		return nil, fmt.Errorf("%w: shape predictor: %s", ErrModels, C.GoString(&msg[0]))
	}
	return &Landmarker{s: s}, nil
}

// Close frees the detector and predictor; later calls return ErrClosed.
func (l *Landmarker) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.s != nil {
		C.vp_shape_close(l.s)
		l.s = nil
	}
}

// Landmarks finds every face in img (HOG detector) with its 5 landmarks,
// left to right, in img's coordinates.
func (l *Landmarker) Landmarks(img image.Image) ([]quality.Face, error) {
	g := greyOf(img)
	b := g.Rect
	if b.Empty() {
		return nil, ErrNotImage
	}
	var rects [4 * maxShapeFaces]C.long
	var pts [10 * maxShapeFaces]C.long
	l.mu.Lock()
	if l.s == nil {
		l.mu.Unlock()
		return nil, ErrClosed
	}
	n := int(C.vp_shape_find(l.s, (*C.uchar)(unsafe.Pointer(&g.Pix[0])), C.int(b.Dx()), C.int(b.Dy()),
		C.int(g.Stride), &rects[0], &pts[0], maxShapeFaces))
	l.mu.Unlock()
	if n < 0 {
		return nil, fmt.Errorf("landmarks: dlib failed")
	}
	n = min(n, maxShapeFaces)
	out := make([]quality.Face, n)
	for i := range out {
		r := rects[4*i : 4*i+4]
		out[i].Box = image.Rect(int(r[0]), int(r[1]), int(r[2]), int(r[3])).Add(b.Min)
		out[i].Landmarks = make([]image.Point, 5)
		for k := range 5 {
			out[i].Landmarks[k] = image.Pt(int(pts[10*i+2*k]), int(pts[10*i+2*k+1])).Add(b.Min)
		}
	}
	return out, nil
}

// greyOf returns img as a grey image starting at its own bounds: img itself
// when it already is one.
func greyOf(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, g.Rect.Min, draw.Src)
	return g
}
