// Command cprog is the isa package's test program: one C loop the compiler
// vectorises for whatever -march CGO_CFLAGS names, beside Go's own crypto
// (whose AVX2 and SHA paths are chosen at run time and must not count).
package main

// #cgo CFLAGS: -O3
// float dot(const float *a, const float *b, int n) {
//   float s = 0;
//   for (int i = 0; i < n; i++) s += a[i] * b[i];
//   return s;
// }
import "C"

import (
	"crypto/sha256"
	"fmt"
)

func main() {
	a := []C.float{1, 2, 3}
	fmt.Println(C.dot(&a[0], &a[0], 3), sha256.Sum256(nil))
}
