package camera

import (
	"context"
	"errors"
	"image"
	"testing"
	"time"
)

func TestPumpNewestWins(t *testing.T) {
	src := &Synthetic{W: 64, H: 48, Limit: 200}
	p := NewPump(src)
	err := p.Run(context.Background()) // no consumer: every frame but the last is dropped
	if !errors.Is(err, ErrOffline) {
		t.Fatalf("Run = %v, want ErrOffline at the limit", err)
	}
	f := <-p.Frames()
	if f.Seq != 200 {
		t.Errorf("newest frame seq = %d, want 200", f.Seq)
	}
	if got := p.Dropped(); got != 199 {
		t.Errorf("dropped = %d, want 199", got)
	}
	if !errors.Is(p.Err(), ErrOffline) {
		t.Errorf("Err = %v, want ErrOffline", p.Err())
	}
}

func TestPumpStopsOnContext(t *testing.T) {
	src := &Synthetic{W: 32, H: 32, FPS: 100}
	p := NewPump(src)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var last uint64
	for i := 0; i < 5; i++ {
		f := <-p.Frames()
		if f.Seq <= last {
			t.Fatalf("frame seq %d after %d: frames must move forward", f.Seq, last)
		}
		last = f.Seq
		p.Release(f)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not stop after its context ended")
	}
}

func TestPumpReusesReleasedBuffers(t *testing.T) {
	src := &Synthetic{W: 16, H: 16, Limit: 2}
	p := NewPump(src)
	first, _ := src.Read(context.Background(), nil)
	p.Release(Frame{Image: first})
	_ = p.Run(context.Background())
	f := <-p.Frames()
	if f.Image != first {
		t.Error("pump allocated a new buffer although a released one was free")
	}
}

func TestSyntheticPatternChanges(t *testing.T) {
	src := &Synthetic{W: 80, H: 60}
	a, _ := src.Read(context.Background(), nil)
	a = copyRGBA(a)
	b, _ := src.Read(context.Background(), nil)
	if string(a.Pix) == string(b.Pix) {
		t.Error("consecutive synthetic frames are identical")
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Read(context.Background(), nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Read after Close = %v, want ErrClosed", err)
	}
}

func copyRGBA(m *image.RGBA) *image.RGBA {
	c := image.NewRGBA(m.Rect)
	copy(c.Pix, m.Pix)
	return c
}
