// Scan kernels for the 1:N index. Both use GCC's portable vector extension
// (8 floats, lowered to AVX2 or SSE by -march) and the same compiler flags,
// so the sequential-read floor and the search are measured like for like.
// GNU C mode (-std=gnu11) lets GCC fuse the multiply-add of the distance
// into one FMA instruction where the CPU has it.
#include <string.h>
#include "baseline.h"
#include "kernel.h"

typedef float v8 __attribute__((vector_size(32)));

static inline v8 ld(const float *p) { v8 v; memcpy(&v, p, sizeof v); return v; }

static inline float hsum(v8 v) {
	float s = 0;
	for (int i = 0; i < 8; i++) s += v[i];
	return s;
}

// vp_sum is the read floor: a sum of n floats with eight independent vector
// accumulators, so it is limited by memory and load throughput, not by the
// latency of one add chain.
float vp_sum(const float *m, long n) {
	v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}, a4 = {0}, a5 = {0}, a6 = {0}, a7 = {0};
	long i = 0;
	for (; i + 64 <= n; i += 64) {
		a0 += ld(m + i);      a1 += ld(m + i + 8);  a2 += ld(m + i + 16); a3 += ld(m + i + 24);
		a4 += ld(m + i + 32); a5 += ld(m + i + 40); a6 += ld(m + i + 48); a7 += ld(m + i + 56);
	}
	float s = hsum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
	for (; i < n; i++) s += m[i];
	return s;
}

// sqdist is the full squared Euclidean distance between the 128-float probe
// and template t: four vector accumulators, no early exit.
static inline float sqdist(const float *restrict probe, const float *restrict t) {
	v8 a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
	for (int i = 0; i < 128; i += 32) {
		v8 d0 = ld(probe + i) - ld(t + i);
		v8 d1 = ld(probe + i + 8) - ld(t + i + 8);
		v8 d2 = ld(probe + i + 16) - ld(t + i + 16);
		v8 d3 = ld(probe + i + 24) - ld(t + i + 24);
		a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3;
	}
	return hsum((a0 + a1) + (a2 + a3));
}

// vp_best scores every one of the n contiguous templates of m against the
// probe, in order, and keeps in best[subj[j]] the smallest squared distance
// of each subject (best must hold the caller's starting values, +Inf).
void vp_best(const float *restrict probe, const float *restrict m, long n,
             const int *restrict subj, float *restrict best) {
	for (long j = 0; j < n; j++) {
		float d = sqdist(probe, m + j * 128);
		int s = subj[j];
		best[s] = d < best[s] ? d : best[s];
	}
}
