// Scan kernels for the 1:N index: see kernel.go.
#ifndef VERIPORT_KERNEL_H
#define VERIPORT_KERNEL_H
float vp_sum(const float *m, long n);
void vp_best(const float *probe, const float *m, long n, const int *subj, float *best);
#endif
