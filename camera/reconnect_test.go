package camera

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// failAfter passes limit frames of its inner source, then fails as an
// unplugged camera does.
type failAfter struct {
	Source
	n, limit int
}

func (f *failAfter) Read(ctx context.Context, dst *image.RGBA) (*image.RGBA, error) {
	if f.n >= f.limit {
		return nil, fmt.Errorf("unplugged after %d frames: %w", f.n, ErrOffline)
	}
	f.n++
	return f.Source.Read(ctx, dst)
}

// flakyOpener fails its first refusals calls, then opens sources that fail
// after limit frames; it counts opens and the sources still open.
type flakyOpener struct {
	refusals int
	limit    int
	make     func() (Source, error)
	opens    atomic.Int32
	live     atomic.Int32
	times    []time.Time
}

type countedClose struct {
	Source
	live *atomic.Int32
}

func (c countedClose) Close() error { c.live.Add(-1); return c.Source.Close() }

func (o *flakyOpener) open() (Source, error) {
	o.times = append(o.times, time.Now())
	if o.refusals > 0 {
		o.refusals--
		return nil, fmt.Errorf("no such device: %w", ErrOffline)
	}
	s, err := o.make()
	if err != nil {
		return nil, err
	}
	o.opens.Add(1)
	o.live.Add(1)
	return countedClose{&failAfter{Source: s, limit: o.limit}, &o.live}, nil
}

func TestReconnectingSurvivesFailuresWithBackoff(t *testing.T) {
	o := &flakyOpener{refusals: 3, limit: 4, make: func() (Source, error) { return &Synthetic{W: 8, H: 8}, nil }}
	r := NewReconnecting("test camera", nil, o.open)
	r.MinBackoff, r.MaxBackoff = 5*time.Millisecond, 40*time.Millisecond
	ctx := context.Background()
	wentOffline := false
	frames := 0
	for frames < 20 {
		if _, err := r.Read(ctx, nil); err != nil {
			t.Fatalf("Read gave up: %v", err)
		}
		frames++
		select {
		case <-r.Changed():
			wentOffline = true
		default:
		}
	}
	if !wentOffline {
		t.Error("no health change reported across failures")
	}
	if h := r.Health(); !h.Online || h.Err != nil {
		t.Errorf("health after frames %+v", h)
	}
	// 20 frames at 4 per source: 5 sources, after 3 refused opens.
	if got := o.opens.Load(); got != 5 {
		t.Errorf("%d sources opened, want 5", got)
	}
	// Each refused open waits at least twice as long as the one before
	// (5, 10, 20 ms, under the cap). A loaded machine can only stretch a
	// wait, so each gap is checked against its own floor, not against the
	// gap before it.
	for i := 1; i < 4; i++ {
		floor := r.MinBackoff << (i - 1)
		if gap := o.times[i].Sub(o.times[i-1]); gap < floor-time.Millisecond {
			t.Errorf("wait %d after a refused open was %v, want at least %v (exponential backoff)", i, gap, floor)
		}
	}
	r.Close()
	if live := o.live.Load(); live != 0 {
		t.Errorf("%d inner sources left open", live)
	}
}

func TestReconnectingReportsOfflineWhileWaiting(t *testing.T) {
	o := &flakyOpener{refusals: 1000, limit: 1, make: func() (Source, error) { return &Synthetic{W: 8, H: 8}, nil }}
	r := NewReconnecting("cam", &Synthetic{W: 8, H: 8, Limit: 1}, o.open)
	r.MinBackoff, r.MaxBackoff = time.Millisecond, 5*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := r.Read(ctx, nil); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := r.Read(ctx, nil); done <- err }()
	select {
	case <-r.Changed():
	case <-time.After(2 * time.Second):
		t.Fatal("no offline signal")
	}
	if h := r.Health(); h.Online || !errors.Is(h.Err, ErrOffline) {
		t.Errorf("health %+v, want offline with ErrOffline", h)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Read while offline returned %v after cancel", err)
	}
	r.Close()
}

// TestReconnectNoGoroutineLeak runs the pump over a real video file that
// "unplugs" every few frames, through many reconnects, and checks that the
// goroutine count returns to where it was (Mats: matleak_test.go).
func TestReconnectNoGoroutineLeak(t *testing.T) {
	clip := writeSyntheticVideo(t, 0.2)
	before := runtime.NumGoroutine()
	reconnects := runReconnects(t, clip, 30)
	if reconnects < 30 {
		t.Fatalf("only %d reconnects", reconnects)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines after %d reconnects, %d before", after, reconnects, before)
	}
}

// runReconnects pumps frames from clip through a Reconnecting source whose
// inner file fails every 3 frames, until n reconnects happened; it stops and
// closes everything and returns the number of reconnects.
func runReconnects(t *testing.T, clip string, n int) int {
	t.Helper()
	o := &flakyOpener{limit: 3, make: func() (Source, error) {
		f, err := OpenFile(clip, true)
		if err == nil {
			f.pace.period = 0
		}
		return f, err
	}}
	r := NewReconnecting("clip", nil, o.open)
	r.MinBackoff, r.MaxBackoff = time.Millisecond, time.Millisecond
	p := NewPump(r)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	for int(o.opens.Load()) <= n {
		select {
		case f := <-p.Frames():
			p.Release(f)
		case err := <-done:
			t.Fatalf("pump stopped: %v", err)
		case <-time.After(5 * time.Second):
			t.Fatal("no frame for 5 s")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	r.Close()
	if live := o.live.Load(); live != 0 {
		t.Errorf("%d inner sources left open", live)
	}
	return int(o.opens.Load()) - 1
}

func TestOpenMissingDeviceCanStartOffline(t *testing.T) {
	c, err := Open("57", "", 640, 480)
	if !errors.Is(err, ErrOffline) || c.Reopen == nil || c.Source != nil {
		t.Fatalf("missing device: err %v, reopen %v", err, c.Reopen != nil)
	}
	r := c.Resilient("camera 57")
	defer r.Close()
	r.MinBackoff, r.MaxBackoff = time.Millisecond, time.Millisecond
	if r.Name() != "camera 57" || r.Health().Online {
		t.Errorf("name %q, health %+v", r.Name(), r.Health())
	}
	// The first open of a device loads OpenCV's capture back ends, which can
	// take most of a second on a cold, busy machine: allow several attempts.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := r.Read(ctx, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Read of a missing device returned %v, want to keep trying until ctx ends", err)
	}
	if h := r.Health(); h.Online || h.Attempts < 2 {
		t.Errorf("health %+v, want offline after several attempts", h)
	}
}

// TestOpenAutomaticWithoutDemoVideoStartsOffline: an installed workstation
// with no webcam yet and no demo video (setup was never run) still opens,
// offline and watching device 0, instead of refusing to start.
func TestOpenAutomaticWithoutDemoVideoStartsOffline(t *testing.T) {
	if _, err := os.Stat("/dev/video0"); err == nil {
		t.Skip("this machine has /dev/video0: the automatic choice opens it")
	}
	c, err := Open("", filepath.Join(t.TempDir(), "no-demo.avi"), 640, 480)
	if !errors.Is(err, ErrOffline) || c.Reopen == nil || c.Source != nil || c.Demo {
		t.Fatalf("err %v, reopen %v, source %v, demo %v: want offline with a reopener for device 0",
			err, c.Reopen != nil, c.Source, c.Demo)
	}
	r := c.Resilient("camera 0")
	defer r.Close()
	if r.Name() != "camera 0" || r.Health().Online {
		t.Errorf("name %q, health %+v", r.Name(), r.Health())
	}
}
