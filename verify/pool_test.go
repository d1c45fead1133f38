package verify

import (
	"context"
	"errors"
	"image"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	face "github.com/Kagami/go-face"
)

// fakeRec blocks each Recognize until released, and counts Close.
type fakeRec struct {
	gate   chan struct{}
	closed atomic.Int32
}

func (f *fakeRec) Recognize([]byte) ([]face.Face, error) { <-f.gate; return nil, nil }
func (f *fakeRec) Close()                                { f.closed.Add(1) }

func fakePool(n int) (*pool, []*fakeRec) {
	recs := make([]recognizer, n)
	fakes := make([]*fakeRec, n)
	for i := range recs {
		fakes[i] = &fakeRec{gate: make(chan struct{})}
		recs[i] = fakes[i]
	}
	return newPool(recs), fakes
}

func TestPoolKeepsOneRecognizerForLive(t *testing.T) {
	p, _ := fakePool(2)
	ctx := context.Background()
	bg, err := p.acquire(ctx, Background)
	if err != nil {
		t.Fatal(err)
	}
	// A second background call must wait: the last recognizer is for live.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := p.acquire(short, Background); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second background acquire = %v, want to wait", err)
	}
	start := time.Now()
	live, err := p.acquire(ctx, Live)
	if err != nil || time.Since(start) > 20*time.Millisecond {
		t.Fatalf("live acquire with background busy: %v after %v", err, time.Since(start))
	}
	p.release(live, Live)
	p.release(bg, Background)
}

func TestPoolServesLiveBeforeWaitingBackground(t *testing.T) {
	p, _ := fakePool(2)
	ctx := context.Background()
	l1, _ := p.acquire(ctx, Live)
	l2, _ := p.acquire(ctx, Live)
	order := make(chan Priority, 2)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // background waits first
		defer wg.Done()
		r, err := p.acquire(ctx, Background)
		if err == nil {
			order <- Background
			p.release(r, Background)
		}
	}()
	time.Sleep(20 * time.Millisecond)
	wg.Add(1)
	go func() {
		defer wg.Done()
		r, err := p.acquire(ctx, Live)
		if err == nil {
			order <- Live
			time.Sleep(10 * time.Millisecond)
			p.release(r, Live)
		}
	}()
	time.Sleep(20 * time.Millisecond)
	p.release(l1, Live) // one recognizer frees up: the live waiter gets it
	if got := <-order; got != Live {
		t.Errorf("first served %v, want the live caller", got)
	}
	p.release(l2, Live)
	wg.Wait()
}

func TestPoolCloseWaitsForCallsInFlight(t *testing.T) {
	p, fakes := fakePool(2)
	e := &Engine{pool: p, size: 2}
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	started := make(chan struct{})
	done := make(chan error)
	go func() {
		close(started)
		_, err := e.Faces(img)
		done <- err
	}()
	<-started
	time.Sleep(20 * time.Millisecond) // the call now holds a recognizer
	closed := make(chan struct{})
	go func() { e.Close(); close(closed) }()
	time.Sleep(20 * time.Millisecond)
	select {
	case <-closed:
		t.Fatal("Close returned while a call was in flight")
	default:
	}
	if _, err := e.Faces(img); !errors.Is(err, ErrClosed) {
		t.Errorf("call after Close = %v, want ErrClosed", err)
	}
	for _, f := range fakes {
		close(f.gate)
	}
	if err := <-done; err != nil {
		t.Errorf("call in flight: %v", err)
	}
	<-closed
	e.Close() // twice is fine
	for i, f := range fakes {
		if n := f.closed.Load(); n != 1 {
			t.Errorf("recognizer %d closed %d times", i, n)
		}
	}
}

// panicRec panics inside Recognize, as a dlib call gone wrong would.
type panicRec struct{ closed atomic.Int32 }

func (p *panicRec) Recognize([]byte) ([]face.Face, error) { panic("recognizer failed") }
func (p *panicRec) Close()                                { p.closed.Add(1) }

func TestPanicInRecognizerDoesNotLeakIt(t *testing.T) {
	recs := []recognizer{&panicRec{}, &panicRec{}}
	e := &Engine{pool: newPool(recs), size: 2}
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the recognizer's panic did not reach the caller")
			}
		}()
		e.Faces(img) //nolint:errcheck // panics
	}()
	closed := make(chan struct{})
	go func() { e.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return: the recognizer that panicked was never released")
	}
	for i, r := range recs {
		if n := r.(*panicRec).closed.Load(); n != 1 {
			t.Errorf("recognizer %d closed %d times, want 1", i, n)
		}
	}
}

func TestPoolWakesBackgroundWhenLiveWaiterLeaves(t *testing.T) {
	p, fakes := fakePool(3)
	ctx := context.Background()
	held := make([]recognizer, 3)
	for i := range held {
		held[i], _ = p.acquire(ctx, Live)
	}
	// A live caller waits for a recognizer.
	liveCtx, cancelLive := context.WithCancel(ctx)
	liveDone := make(chan error, 1)
	go func() {
		r, err := p.acquire(liveCtx, Live)
		if err == nil {
			p.release(r, Live)
		}
		liveDone <- err
	}()
	waitFor(t, func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.live == 1 })
	// A background caller waits too: it may not go while a live caller waits.
	bgDone := make(chan error, 1)
	go func() {
		r, err := p.acquire(ctx, Background)
		if err == nil {
			p.release(r, Background)
		}
		bgDone <- err
	}()
	time.Sleep(30 * time.Millisecond)
	// A recognizer is free again, but the background caller last looked
	// while the live caller was waiting (it went back to sleep).
	p.mu.Lock()
	p.free = append(p.free, held[0])
	p.mu.Unlock()
	// The live caller gives up: the background caller may now go.
	cancelLive()
	if err := <-liveDone; !errors.Is(err, context.Canceled) {
		t.Fatalf("live waiter = %v, want canceled", err)
	}
	select {
	case err := <-bgDone:
		if err != nil {
			t.Fatalf("background waiter: %v", err)
		}
	case <-time.After(time.Second):
		t.Fatal("background waiter not woken when the live waiter count dropped")
	}
	p.release(held[1], Live)
	p.release(held[2], Live)
	_ = fakes
}

// waitFor polls cond for up to a second.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(time.Second); time.Now().Before(end); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached")
}

func TestLandmarkWorkerNeverTakesLiveRecognizer(t *testing.T) {
	p, fakes := fakePool(2)
	e := &Engine{pool: p, size: 2}
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	// Landmark calls pile up (a slow dlib call, a worker that asks again).
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.Landmarks(img) //nolint:errcheck // fake
		}()
	}
	time.Sleep(30 * time.Millisecond)
	// A capture must still find the live recognizer free.
	short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	r, err := p.acquire(short, Live)
	if err != nil {
		t.Fatalf("live acquire while landmark calls run: %v (the landmark worker took the live recognizer)", err)
	}
	p.release(r, Live)
	for _, f := range fakes {
		close(f.gate)
	}
	wg.Wait()
}
