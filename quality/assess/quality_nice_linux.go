package assess

import (
	"runtime"
	"syscall"
)

// backgroundThread pins the calling goroutine to its OS thread and lowers
// that thread's priority (nice 10), so the background scan and landmark
// work yields the CPU to the per-frame analysis and the live view on a
// 2-core machine. Call it at the start of a worker goroutine, which then
// owns the thread until it returns.
func backgroundThread() {
	runtime.LockOSThread()
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 10) // best effort
}
