package verify

import (
	"context"
	"sync"

	face "github.com/Kagami/go-face"
)

// Priority orders calls waiting for a recognizer.
type Priority int

const (
	// Live is a traveler in front of the camera: served first, and always
	// has a recognizer that background work may not take.
	Live Priority = iota
	// Background is enrolment and other batch work.
	Background
)

// recognizer is the part of go-face's Recognizer the engine uses; a fake
// stands in for it in the pool's tests.
type recognizer interface {
	Recognize(jpeg []byte) ([]face.Face, error)
	Close()
}

// pool hands recognizers to callers. Live callers go first; background
// callers may hold at most size-1 recognizers (size >= 2), so one is always
// free for a live capture: a live call waits only for other live calls.
// close waits for calls in flight, then frees every recognizer.
type pool struct {
	mu      sync.Mutex
	all     []recognizer
	free    []recognizer
	bgBusy  int
	live    int           // live callers waiting
	changed chan struct{} // closed and replaced whenever the state changes
	closed  bool
	drained chan struct{} // closed once close has freed the recognizers
}

func newPool(recs []recognizer) *pool {
	return &pool{all: recs, free: append([]recognizer(nil), recs...), changed: make(chan struct{}),
		drained: make(chan struct{})}
}

// broadcast wakes every waiter; mu must be held.
func (p *pool) broadcast() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// acquire waits for a recognizer the priority may use.
func (p *pool) acquire(ctx context.Context, prio Priority) (recognizer, error) {
	p.mu.Lock()
	if prio == Live {
		p.live++
		defer func() {
			// Background callers wait while a live caller does: wake them.
			if p.live--; p.live == 0 {
				p.broadcast()
			}
			p.mu.Unlock()
		}()
	} else {
		defer p.mu.Unlock()
	}
	for {
		if p.closed {
			return nil, ErrClosed
		}
		if len(p.free) > 0 && (prio == Live || (p.live == 0 && p.bgBusy < max(len(p.all)-1, 1))) {
			r := p.free[len(p.free)-1]
			p.free = p.free[:len(p.free)-1]
			if prio == Background {
				p.bgBusy++
			}
			return r, nil
		}
		wait := p.changed
		p.mu.Unlock()
		select {
		case <-wait:
			p.mu.Lock()
		case <-ctx.Done():
			p.mu.Lock()
			return nil, ctx.Err()
		}
	}
}

// release returns r; after close, the last release frees every recognizer.
func (p *pool) release(r recognizer, prio Priority) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.free = append(p.free, r)
	if prio == Background {
		p.bgBusy--
	}
	p.broadcast()
	p.freeIfDrained()
}

// close refuses new calls, waits for the ones in flight, frees the
// recognizers. Safe to call more than once and from several goroutines.
func (p *pool) close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		p.broadcast()
		p.freeIfDrained()
	}
	p.mu.Unlock()
	<-p.drained
}

// freeIfDrained frees the recognizers once closed and all returned; mu held.
func (p *pool) freeIfDrained() {
	if !p.closed || len(p.free) != len(p.all) || p.all == nil {
		return
	}
	for _, r := range p.all {
		r.Close()
	}
	p.all, p.free = nil, nil
	close(p.drained)
}
