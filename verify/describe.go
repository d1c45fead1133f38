package verify

// The describer makes the live template: go-face's own pipeline over the
// dlib go-face links (HOG detector, 5-point predictor, 150 px face chip,
// ResNet descriptor), run on the pixels around the tracked face instead of
// JPEG bytes. go-face takes only JPEG and always runs its detector over the
// whole image it is given: the describer skips the encode and decode and
// runs the detector on a small grey copy of the crop, where the face is just
// above the detector's window.

// #cgo CXXFLAGS: -std=c++17 -O3 -DNDEBUG -march=x86-64-v2
// #cgo LDFLAGS: -ldlib -lblas -lcblas -llapack
// #include <stdlib.h>
// #include "describe.h"
import "C"

import (
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"sync"
	"unsafe"
)

// liveFinder finds faces on a crop and describes the traveler's; the
// describer is the real one, tests use fakes. Faces are in crop (RGB)
// coordinates.
type liveFinder interface {
	find(c *liveCrop) ([]Face, error)
	describe(c *liveCrop, f Face) (Template, error)
	close()
}

// describer holds its own detector, predictor and network (about 30 MB),
// apart from the recognizer pool. Calls are serialised; close waits for the
// one in flight.
type describer struct {
	mu sync.Mutex
	d  *C.vp_desc
}

// openDescriber loads the predictor and the network from the models folder
// and warms the network up.
func openDescriber(dir string) (*describer, error) {
	sp := C.CString(filepath.Join(dir, ModelFiles[0]))
	defer C.free(unsafe.Pointer(sp))
	net := C.CString(filepath.Join(dir, ModelFiles[1]))
	defer C.free(unsafe.Pointer(net))
	var msg [256]C.char
	d := C.vp_desc_open(sp, net, &msg[0], C.int(len(msg)))
	if d == nil {
		return nil, fmt.Errorf("%w: live describer: %s", ErrModels, C.GoString(&msg[0]))
	}
	return &describer{d: d}, nil
}

func (d *describer) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.d != nil {
		C.vp_desc_close(d.d)
		d.d = nil
	}
}

var errDlib = errors.New("dlib failed")

func (d *describer) find(c *liveCrop) ([]Face, error) {
	var rects [4 * maxShapeFaces]C.long
	var pts [10 * maxShapeFaces]C.long
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.d == nil {
		return nil, ErrClosed
	}
	n := int(C.vp_desc_find(d.d, (*C.uchar)(unsafe.Pointer(&c.grey[0])), C.int(c.gw), C.int(c.gh),
		(*C.uchar)(unsafe.Pointer(&c.rgb[0])), C.int(c.w), C.int(c.h), C.double(c.rgbPerGrey),
		&rects[0], &pts[0], maxShapeFaces))
	if n < 0 {
		return nil, fmt.Errorf("live faces: %w", errDlib)
	}
	out := make([]Face, min(n, maxShapeFaces))
	for i := range out {
		r := rects[4*i : 4*i+4]
		out[i].Box = image.Rect(int(r[0]), int(r[1]), int(r[2]), int(r[3]))
		out[i].Landmarks = make([]image.Point, 5)
		for k := range 5 {
			out[i].Landmarks[k] = image.Pt(int(pts[10*i+2*k]), int(pts[10*i+2*k+1]))
		}
	}
	return out, nil
}

func (d *describer) describe(c *liveCrop, f Face) (Template, error) {
	if len(f.Landmarks) != 5 {
		return Template{}, fmt.Errorf("live template: %d landmarks, want 5", len(f.Landmarks))
	}
	rect := [4]C.long{C.long(f.Box.Min.X), C.long(f.Box.Min.Y), C.long(f.Box.Max.X), C.long(f.Box.Max.Y)}
	var pts [10]C.long
	for k, p := range f.Landmarks {
		pts[2*k], pts[2*k+1] = C.long(p.X), C.long(p.Y)
	}
	var t Template
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.d == nil {
		return Template{}, ErrClosed
	}
	if C.vp_desc_describe(d.d, (*C.uchar)(unsafe.Pointer(&c.rgb[0])), C.int(c.w), C.int(c.h), &rect[0], &pts[0],
		(*C.float)(unsafe.Pointer(&t[0]))) != 0 {
		return Template{}, fmt.Errorf("live template: %w", errDlib)
	}
	return t, nil
}
