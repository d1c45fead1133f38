package verify

// The distance kernel and the read floor are written in C with GCC's vector
// extension and built with the same flags (as go-face is, -O3
// -march=x86-64-v2: SSE4.2, the portable baseline every booth's CPU has; see
// the isa package): Go's scalar code needs three instructions per float for
// a squared distance and cannot keep up with the memory it reads.

// #cgo CFLAGS: -O3 -march=x86-64-v2 -std=gnu11
// #include "kernel.h"
import "C"

import "unsafe"

// bestPerSubject scores every template of m (len(m)/TemplateLen of them,
// contiguous) against probe and lowers best[subj[j]] to template j's squared
// distance where it is smaller. best must be at least as long as the largest
// subject number + 1.
func bestPerSubject(probe *Template, m []float32, subj []int32, best []float32) {
	n := len(m) / TemplateLen
	if n == 0 {
		return
	}
	_ = subj[n-1]
	C.vp_best((*C.float)(unsafe.Pointer(&probe[0])), (*C.float)(unsafe.Pointer(&m[0])), C.long(n),
		(*C.int)(unsafe.Pointer(&subj[0])), (*C.float)(unsafe.Pointer(&best[0])))
}

// sumFloats is the sequential-read floor: the sum of m with eight
// independent vector accumulators.
func sumFloats(m []float32) float32 {
	if len(m) == 0 {
		return 0
	}
	return float32(C.vp_sum((*C.float)(unsafe.Pointer(&m[0])), C.long(len(m))))
}
