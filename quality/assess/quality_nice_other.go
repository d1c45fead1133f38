//go:build !linux

package assess

// backgroundThread does nothing outside Linux.
func backgroundThread() {}
