package camera

import (
	"context"
	"errors"
	"image"
	"sync"
	"sync/atomic"
	"time"
)

// Pump reads a Source continuously and keeps only the newest frame: a slow
// consumer gets the latest picture, never a queue of old ones.
type Pump struct {
	src  Source
	out  chan Frame
	free chan *image.RGBA

	seq     atomic.Uint64
	dropped atomic.Uint64
	mu      sync.Mutex
	lastErr error
}

// NewPump makes a pump for src. Call Run to start it.
func NewPump(src Source) *Pump {
	return &Pump{src: src, out: make(chan Frame, 1), free: make(chan *image.RGBA, 3)}
}

// Frames delivers the newest frame. Give each frame back with Release when
// done with it so its buffer is reused.
func (p *Pump) Frames() <-chan Frame { return p.out }

// Release returns a frame's buffer for reuse. The frame must not be used after.
func (p *Pump) Release(f Frame) {
	if f.Image == nil {
		return
	}
	select {
	case p.free <- f.Image:
	default: // enough spare buffers; let the garbage collector have it
	}
}

// Dropped counts frames replaced before anyone took them.
func (p *Pump) Dropped() uint64 { return p.dropped.Load() }

// Err is the last error the source returned, nil while it works.
func (p *Pump) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastErr
}

// Run reads frames until ctx ends or the source fails; it returns nil when
// ctx ended and the source's error otherwise. It does not close the source.
func (p *Pump) Run(ctx context.Context) error {
	for {
		var buf *image.RGBA
		select {
		case buf = <-p.free:
		default:
		}
		img, err := p.src.Read(ctx, buf)
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return nil
			}
			p.mu.Lock()
			p.lastErr = err
			p.mu.Unlock()
			return err
		}
		p.mu.Lock()
		p.lastErr = nil
		p.mu.Unlock()
		p.publish(Frame{Image: img, Seq: p.seq.Add(1), Time: time.Now()})
	}
}

// publish puts f in the one-slot mailbox, replacing an untaken older frame.
func (p *Pump) publish(f Frame) {
	for {
		select {
		case p.out <- f:
			return
		default:
		}
		select {
		case old := <-p.out:
			p.dropped.Add(1)
			p.Release(old)
		default:
		}
	}
}
