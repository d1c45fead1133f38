package camera

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
	"time"
)

// Opener opens a fresh source, for example the same device again.
type Opener func() (Source, error)

// Health is a source's condition as the live view shows it.
type Health struct {
	Online   bool
	Err      error     // why it is offline; nil when online
	Attempts int       // reopen attempts since it went offline
	Since    time.Time // when the condition began
}

// HealthReporter is a source that reports going offline and coming back
// while its Read keeps trying. Changed delivers a signal after each change
// (coalesced: read Health for the current state).
type HealthReporter interface {
	Health() Health
	Changed() <-chan struct{}
}

// Reconnecting is a Source that survives a failing or unplugged camera: when
// the inner source fails it closes it, reports offline, and reopens it with
// exponential backoff until it gives frames again. Read only returns a
// frame, ctx's error, or ErrClosed; it never gives up. It starts no
// goroutine.
type Reconnecting struct {
	// MinBackoff and MaxBackoff bound the wait between reopen attempts.
	MinBackoff, MaxBackoff time.Duration

	open    Opener
	name    string
	src     Source
	backoff time.Duration
	failing bool // the last open or read failed: wait before reopening
	closed  bool

	mu      sync.Mutex
	health  Health
	changed chan struct{}
}

var (
	_ Source         = (*Reconnecting)(nil)
	_ HealthReporter = (*Reconnecting)(nil)
)

// NewReconnecting wraps first (which may be nil: opened on the first Read)
// and reopens with open after failures.
func NewReconnecting(name string, first Source, open Opener) *Reconnecting {
	return &Reconnecting{
		MinBackoff: 250 * time.Millisecond, MaxBackoff: 8 * time.Second,
		open: open, name: name, src: first,
		health:  Health{Online: first != nil, Since: time.Now()},
		changed: make(chan struct{}, 1),
	}
}

// Name describes the source.
func (r *Reconnecting) Name() string { return r.name }

// Health is the current condition.
func (r *Reconnecting) Health() Health {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.health
}

// Changed signals after each change of Health.
func (r *Reconnecting) Changed() <-chan struct{} { return r.changed }

func (r *Reconnecting) set(h Health) {
	r.mu.Lock()
	was := r.health
	if h.Online == was.Online {
		h.Since = was.Since
	}
	r.health = h
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// Read returns the next frame, reopening the inner source as often as needed.
func (r *Reconnecting) Read(ctx context.Context, dst *image.RGBA) (*image.RGBA, error) {
	attempts := 0
	for {
		if r.closed {
			return nil, ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if r.src == nil {
			if r.failing {
				if err := r.wait(ctx); err != nil {
					return nil, err
				}
			}
			attempts++
			src, err := r.open()
			if err != nil {
				r.set(Health{Err: fmt.Errorf("reopen %s: %w", r.name, err), Attempts: attempts, Since: time.Now()})
				r.failing = true
				continue
			}
			r.src = src
		}
		img, err := r.src.Read(ctx, dst)
		if err == nil {
			r.backoff, r.failing = 0, false
			if h := r.Health(); !h.Online {
				r.set(Health{Online: true, Since: time.Now()})
			}
			return img, nil
		}
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil, err
		}
		r.src.Close()
		r.src, r.failing = nil, true
		r.set(Health{Err: err, Attempts: attempts, Since: time.Now()})
	}
}

// wait sleeps for the current backoff, then doubles it.
func (r *Reconnecting) wait(ctx context.Context) error {
	if r.backoff == 0 {
		r.backoff = r.MinBackoff
	}
	t := time.NewTimer(r.backoff)
	defer t.Stop()
	r.backoff = min(2*r.backoff, r.MaxBackoff)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Close releases the inner source.
func (r *Reconnecting) Close() error {
	r.closed = true
	if r.src != nil {
		err := r.src.Close()
		r.src = nil
		return err
	}
	return nil
}
