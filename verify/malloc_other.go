//go:build !linux

package verify

// LimitMallocArenas does nothing outside Linux (glibc).
func LimitMallocArenas(int) {}
