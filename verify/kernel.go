package verify

// The distance kernel and the read floor are written in C with GCC's vector
// extension and built with the same flags (as go-face itself is, -O3
// -march=native): Go's scalar code needs three instructions per float for a
// squared distance and cannot keep up with the memory it reads.

// #cgo CFLAGS: -O3 -march=native -std=gnu11
// #include "kernel.h"
import "C"

import "unsafe"

// kernelBlock is how many templates one kernel call scores; the scores of one
// block (16 KB) stay in L1 while the Go side folds them per subject.
const kernelBlock = 4096

// sqDistances writes the squared distances between probe and each template
// in m (len(m)/TemplateLen of them) to out.
func sqDistances(probe *Template, m []float32, out []float32) {
	n := len(m) / TemplateLen
	if n == 0 {
		return
	}
	_ = out[n-1]
	C.vp_sqdist((*C.float)(unsafe.Pointer(&probe[0])), (*C.float)(unsafe.Pointer(&m[0])),
		C.long(n), (*C.float)(unsafe.Pointer(&out[0])))
}

// sumFloats is the sequential-read floor: the sum of m with eight
// independent vector accumulators.
func sumFloats(m []float32) float32 {
	if len(m) == 0 {
		return 0
	}
	return float32(C.vp_sum((*C.float)(unsafe.Pointer(&m[0])), C.long(len(m))))
}
