package assess

/*
#cgo pkg-config: opencv4
#cgo CXXFLAGS: -std=c++11
#include "quality_threads.h"
*/
import "C"

// SetOpenCVThreads sets how many threads OpenCV's own parallel loops use,
// process-wide. The assessor sets 1: live analysis already runs tracker,
// scanner, landmarks and camera decoding in goroutines of their own, and on
// a 2-core booth PC OpenCV's pool contending with them multiplied the
// per-frame p95 (measured 62 ms with the pool, 11 ms without, under load).
func SetOpenCVThreads(n int) { C.veriport_set_num_threads(C.int(n)) }
