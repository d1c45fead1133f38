// Package camera delivers frames: from a V4L2 device or a video file through
// gocv, or from a synthetic generator for tests. It knows nothing of faces.
package camera

import (
	"context"
	"errors"
	"image"
	"time"
)

// Sentinel errors a Source returns; callers classify with errors.Is.
var (
	// ErrOffline means the device failed, was unplugged or could not be
	// opened; a caller may reopen it after a pause.
	ErrOffline = errors.New("camera offline")
	// ErrClosed means Read was called after Close.
	ErrClosed = errors.New("camera source closed")
)

// Frame is one picture from a source.
type Frame struct {
	Image *image.RGBA // owned by whoever holds the Frame
	Seq   uint64      // 1 for the first frame of a source, then increasing
	Time  time.Time   // when the frame was read
}

// Source yields frames until its context ends.
//
// Contract: Read blocks until the next frame is available, ctx ends (it then
// returns ctx.Err()), or the source fails (ErrOffline, wrapped with detail).
// It writes the picture into dst when dst has the frame's size, else into a
// new image, and returns the image written. A Source paces itself to its
// natural rate (a file plays in real time). Read and Close are not called
// concurrently with another Read; Close releases every resource and may be
// called more than once.
type Source interface {
	Name() string
	Read(ctx context.Context, dst *image.RGBA) (*image.RGBA, error)
	Close() error
}

// ensure returns dst when it has size w x h, else a new image of that size.
func ensure(dst *image.RGBA, w, h int) *image.RGBA {
	if dst != nil && dst.Rect.Dx() == w && dst.Rect.Dy() == h && dst.Rect.Min == (image.Point{}) {
		return dst
	}
	return image.NewRGBA(image.Rect(0, 0, w, h))
}

// pacer sleeps so that successive ticks are period apart.
type pacer struct {
	period time.Duration
	next   time.Time
}

func (p *pacer) wait(ctx context.Context) error {
	now := time.Now()
	if p.next.IsZero() || now.Sub(p.next) > p.period {
		p.next = now // first frame, or fell far behind: don't burst to catch up
	}
	if d := p.next.Sub(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	p.next = p.next.Add(p.period)
	return ctx.Err()
}
