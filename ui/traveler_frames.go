package ui

import (
	"image"
	"sync"
	"time"
)

// mirrorBuffers holds the traveler's mirrored live frames: the camera
// goroutine fills the back buffer (newest wins, at most travelerFPS a
// second), the UI thread shows the front one.
type mirrorBuffers struct {
	mu    sync.Mutex
	bufs  [2]*image.RGBA
	front int
	last  time.Time
}

// travelerFPS caps the traveler's live view: the officer's view and the
// analysis keep the CPU.
const travelerFPS = 15

// mirror copies src, flipped left to right (the traveler sees themself as
// in a mirror), into the back buffer and returns it; nil when the last
// copy is too recent.
func (m *mirrorBuffers) mirror(src *image.RGBA, now time.Time) *image.RGBA {
	m.mu.Lock()
	defer m.mu.Unlock()
	if now.Sub(m.last) < time.Second/travelerFPS {
		return nil
	}
	m.last = now
	back := 1 - m.front
	dst := m.bufs[back]
	size := src.Rect.Size()
	if dst == nil || dst.Rect.Size() != size {
		dst = image.NewRGBA(image.Rectangle{Max: size})
		m.bufs[back] = dst
	}
	w := size.X
	for y := 0; y < size.Y; y++ {
		s := src.Pix[y*src.Stride : y*src.Stride+4*w]
		d := dst.Pix[y*dst.Stride : y*dst.Stride+4*w]
		for x := 0; x < w; x++ {
			copy(d[4*(w-1-x):4*(w-x)], s[4*x:4*x+4])
		}
	}
	m.front = back
	return dst
}

// offerFrame mirrors a camera frame for the traveler's live view and shows
// it. Any goroutine.
func (t *travelerScreen) offerFrame(src *image.RGBA) {
	if !t.camera.Load() {
		return // the camera is not shown: spare the copy
	}
	img := t.frames.mirror(src, time.Now())
	if img == nil {
		return
	}
	uiDo(func() {
		if !t.camera.Load() {
			return
		}
		t.liveImg.Image = img
		t.liveImg.Refresh()
	})
}
