package verify

// #include <malloc.h>
import "C"

// LimitMallocArenas bounds glibc's malloc arenas to n for the whole
// process. dlib and OpenCV allocate from many threads (recognizers, the
// landmark finder, scans, camera decoding); glibc gives each contending
// thread an arena of its own and keeps freed memory in it, so resident
// memory crept over a shift. The workstation calls it at start.
func LimitMallocArenas(n int) { C.mallopt(C.M_ARENA_MAX, C.int(n)) }
