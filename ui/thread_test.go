package ui

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

// uiThread stands in for the UI thread the test driver lacks: the driver
// runs each function handed to fyne.Do on the caller's goroutine, so the
// camera goroutine, the workflow's background work and the test itself
// could change the same widget at once (a Fyne text renderer then panics
// with a slice out of range). Here they take turns; a call made from
// inside one (the same goroutine) runs at once, as on a real UI thread.
type uiThread struct {
	mu    sync.Mutex
	owner atomic.Int64
}

func (u *uiThread) do(f func()) {
	id := goroutineID()
	if u.owner.Load() == id {
		f()
		return
	}
	u.mu.Lock()
	u.owner.Store(id)
	defer func() {
		u.owner.Store(0)
		u.mu.Unlock()
	}()
	f()
}

// goroutineID is the current goroutine's number, read from its stack header
// ("goroutine 123 [running]:"). Tests only.
func goroutineID() int64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseInt(string(b), 10, 64)
	return id
}

func init() {
	t := &uiThread{}
	uiDo, uiDoAndWait = t.do, t.do
}
