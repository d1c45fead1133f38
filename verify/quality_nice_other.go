//go:build !linux

package verify

// backgroundThread does nothing outside Linux.
func backgroundThread() {}
