// Veriport's C and C++ code is built for x86-64-v2, the CPU every booth
// has (see the isa package): a flag that lets the compiler use AVX, AVX2,
// FMA, BMI or AVX-512 (-march=native, -mavx2 in CGO_CFLAGS/CGO_CXXFLAGS)
// makes a binary that dies with SIGILL on CPUs without them, so it stops
// the build here.
#ifndef VERIPORT_BASELINE_H
#define VERIPORT_BASELINE_H
#if defined(__AVX__) || defined(__AVX2__) || defined(__FMA__) || defined(__BMI__) || defined(__BMI2__) || defined(__AVX512F__)
#error "built beyond x86-64-v2 (AVX/FMA/BMI enabled): remove -march=native or -mavx* from CGO_CFLAGS/CGO_CXXFLAGS"
#endif
#endif
