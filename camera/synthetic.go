package camera

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"time"
)

// DrawFunc paints frame number i (from 0) into img.
type DrawFunc func(i int, img *image.RGBA)

// Synthetic is a Source that paints frames with a function: tests and demos
// run without a webcam. With a zero FPS it does not pace itself.
type Synthetic struct {
	W, H  int
	FPS   float64
	Draw  DrawFunc // nil paints a moving test pattern
	Limit int      // frames before ErrOffline; 0 means no limit
	Label string

	n      int
	pace   pacer
	closed bool
}

var _ Source = (*Synthetic)(nil)

// Name describes the source.
func (s *Synthetic) Name() string {
	if s.Label != "" {
		return s.Label
	}
	return fmt.Sprintf("synthetic %dx%d", s.W, s.H)
}

// Read paints the next frame.
func (s *Synthetic) Read(ctx context.Context, dst *image.RGBA) (*image.RGBA, error) {
	if s.closed {
		return nil, ErrClosed
	}
	if s.Limit > 0 && s.n >= s.Limit {
		return nil, fmt.Errorf("synthetic source stopped after %d frames: %w", s.n, ErrOffline)
	}
	if s.FPS > 0 {
		s.pace.period = time.Duration(float64(time.Second) / s.FPS)
		if err := s.pace.wait(ctx); err != nil {
			return nil, err
		}
	} else if err := ctx.Err(); err != nil {
		return nil, err
	}
	img := ensure(dst, s.W, s.H)
	draw := s.Draw
	if draw == nil {
		draw = TestPattern
	}
	draw(s.n, img)
	s.n++
	return img, nil
}

// Close stops the source.
func (s *Synthetic) Close() error { s.closed = true; return nil }

// TestPattern paints a gradient with a bright square moving across it, so
// consecutive frames differ and no frame is uniform.
func TestPattern(i int, img *image.RGBA) {
	b := img.Rect
	w, h := b.Dx(), b.Dy()
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+w*4]
		for x := 0; x < w; x++ {
			row[x*4] = uint8(x * 255 / max(w, 1))
			row[x*4+1] = uint8(y * 255 / max(h, 1))
			row[x*4+2] = uint8(i * 3)
			row[x*4+3] = 255
		}
	}
	side := max(h/6, 1)
	x0 := (i * 8) % max(w-side, 1)
	y0 := (h - side) / 2
	white := color.RGBA{255, 255, 255, 255}
	for y := y0; y < y0+side; y++ {
		for x := x0; x < x0+side; x++ {
			img.SetRGBA(x, y, white)
		}
	}
}
