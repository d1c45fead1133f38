package camera

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeSyntheticVideo renders a short demo clip from a generated image.
func writeSyntheticVideo(t testing.TB, seconds float64) string {
	t.Helper()
	dir := t.TempDir()
	img := image.NewRGBA(image.Rect(0, 0, 200, 300))
	for y := 0; y < 300; y++ {
		for x := 0; x < 200; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	pic := filepath.Join(dir, "synthetic.png")
	f, err := os.Create(pic)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(dir, "clip.avi")
	err = WriteDemoVideo(DemoSpec{Portraits: []string{pic}, Out: out, Width: 320, Height: 240, FPS: 50, Seconds: seconds})
	if err != nil {
		t.Fatalf("WriteDemoVideo: %v", err)
	}
	return out
}

func TestFileSourceLoops(t *testing.T) {
	clip := writeSyntheticVideo(t, 0.2) // 10 frames
	src, err := OpenFile(clip, true)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var buf *image.RGBA
	ctx := context.Background()
	for i := 0; i < 25; i++ { // more than the clip holds: must loop
		buf, err = src.Read(ctx, buf)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if buf.Rect.Dx() != 320 || buf.Rect.Dy() != 240 {
			t.Fatalf("frame size %v, want 320x240", buf.Rect)
		}
	}
}

func TestFileSourceEndsWithoutLoop(t *testing.T) {
	clip := writeSyntheticVideo(t, 0.2)
	src, err := OpenFile(clip, false)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	n := 0
	for ; n < 100; n++ {
		if _, err = src.Read(context.Background(), nil); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrOffline) || n != 10 {
		t.Errorf("read %d frames then %v; want 10 then ErrOffline", n, err)
	}
}

// TestOpenMissingFileStartsOffline: a missing video file is reported
// (ErrOffline) with a reopener, so the workstation opens offline and keeps
// trying instead of refusing to start.
func TestOpenMissingFileStartsOffline(t *testing.T) {
	c, err := Open(filepath.Join(t.TempDir(), "nope.avi"), "", 640, 480)
	if !errors.Is(err, ErrOffline) || c.Source != nil || c.Reopen == nil {
		t.Fatalf("missing file: err %v, source %v, reopen %v", err, c.Source, c.Reopen != nil)
	}
}

func TestOpenMarksDemoVideo(t *testing.T) {
	clip := writeSyntheticVideo(t, 0.1)
	c, err := Open(clip, clip, 640, 480)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Source.Close()
	if !c.Demo {
		t.Error("the demo video given as --camera is not marked demo")
	}
}

func TestFilePacesToFrameRate(t *testing.T) {
	clip := writeSyntheticVideo(t, 0.2) // 50 fps
	src, err := OpenFile(clip, true)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	start := time.Now()
	for i := 0; i < 11; i++ {
		if _, err := src.Read(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 180*time.Millisecond {
		t.Errorf("11 frames at 50 fps took %v, want about 200 ms", el)
	}
}
