package camera

import (
	"context"
	"fmt"
	"image"
	"path/filepath"
	"strconv"
	"time"

	"gocv.io/x/gocv"
)

// capture wraps a gocv.VideoCapture and the Mats it reads into. Every Mat
// made here is closed here.
type capture struct {
	vc   *gocv.VideoCapture
	bgr  gocv.Mat
	rgba gocv.Mat
}

func openCapture(target any) (*capture, error) {
	vc, err := gocv.OpenVideoCapture(target)
	if err != nil {
		return nil, err
	}
	if !vc.IsOpened() {
		vc.Close()
		return nil, fmt.Errorf("%v did not open", target)
	}
	return &capture{vc: vc, bgr: gocv.NewMat(), rgba: gocv.NewMat()}, nil
}

// read grabs one frame into dst; ok is false when no frame came.
func (c *capture) read(dst *image.RGBA) (*image.RGBA, bool) {
	if !c.vc.Read(&c.bgr) || c.bgr.Empty() {
		return nil, false
	}
	gocv.CvtColor(c.bgr, &c.rgba, gocv.ColorBGRToRGBA)
	w, h := c.rgba.Cols(), c.rgba.Rows()
	img := ensure(dst, w, h)
	data, err := c.rgba.DataPtrUint8()
	if err != nil || len(data) < w*h*4 {
		return nil, false
	}
	if img.Stride == w*4 {
		copy(img.Pix, data[:w*h*4])
	} else {
		for y := 0; y < h; y++ {
			copy(img.Pix[y*img.Stride:y*img.Stride+w*4], data[y*w*4:(y+1)*w*4])
		}
	}
	return img, true
}

func (c *capture) close() {
	if c == nil {
		return
	}
	c.bgr.Close()
	c.rgba.Close()
	c.vc.Close()
}

// Device is a Source reading a V4L2 camera by index through gocv.
type Device struct {
	Index  int
	Width  int // requested; the device may choose another
	Height int
	cap    *capture
	closed bool
}

var _ Source = (*Device)(nil)

// OpenDevice opens camera index and requests the given size.
func OpenDevice(index, width, height int) (*Device, error) {
	d := &Device{Index: index, Width: width, Height: height}
	if err := d.open(); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Device) open() error {
	c, err := openCapture(d.Index)
	if err != nil {
		return fmt.Errorf("open camera %d: %v: %w", d.Index, err, ErrOffline)
	}
	if d.Width > 0 && d.Height > 0 {
		c.vc.Set(gocv.VideoCaptureFrameWidth, float64(d.Width))
		c.vc.Set(gocv.VideoCaptureFrameHeight, float64(d.Height))
	}
	d.cap = c
	return nil
}

// Name describes the source.
func (d *Device) Name() string { return "camera " + strconv.Itoa(d.Index) }

// Read blocks for the device's next frame. After a failure the next Read
// tries to reopen the device once.
func (d *Device) Read(ctx context.Context, dst *image.RGBA) (*image.RGBA, error) {
	if d.closed {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if d.cap == nil {
		if err := d.open(); err != nil {
			return nil, err
		}
	}
	img, ok := d.cap.read(dst)
	if !ok {
		d.cap.close()
		d.cap = nil
		return nil, fmt.Errorf("camera %d gave no frame: %w", d.Index, ErrOffline)
	}
	return img, nil
}

// Close releases the device.
func (d *Device) Close() error {
	d.closed = true
	d.cap.close()
	d.cap = nil
	return nil
}

// File is a Source playing a video file in real time, looping at the end.
type File struct {
	Path   string
	Loop   bool
	cap    *capture
	pace   pacer
	frames int
	closed bool
}

var _ Source = (*File)(nil)

// OpenFile opens a video file for playback.
func OpenFile(path string, loop bool) (*File, error) {
	c, err := openCapture(path)
	if err != nil {
		return nil, fmt.Errorf("open video %s: %v: %w", path, err, ErrOffline)
	}
	fps := c.vc.Get(gocv.VideoCaptureFPS)
	if fps <= 0 || fps > 240 {
		fps = 25
	}
	return &File{Path: path, Loop: loop, cap: c, pace: pacer{period: time.Duration(float64(time.Second) / fps)}}, nil
}

// Name describes the source.
func (f *File) Name() string { return "video " + filepath.Base(f.Path) }

// Unpaced makes Read return frames as fast as they decode instead of in
// real time (benchmarks).
func (f *File) Unpaced() { f.pace.period = 0 }

// Read returns the next frame at the file's frame rate; at the end it starts
// again when looping, else reports ErrOffline.
func (f *File) Read(ctx context.Context, dst *image.RGBA) (*image.RGBA, error) {
	if f.closed {
		return nil, ErrClosed
	}
	if err := f.pace.wait(ctx); err != nil {
		return nil, err
	}
	img, ok := f.cap.read(dst)
	if !ok && f.Loop && f.frames > 0 {
		f.cap.vc.Set(gocv.VideoCapturePosFrames, 0)
		f.frames = 0
		img, ok = f.cap.read(dst)
	}
	if !ok {
		return nil, fmt.Errorf("video %s has no more frames: %w", f.Path, ErrOffline)
	}
	f.frames++
	return img, nil
}

// Close releases the file.
func (f *File) Close() error {
	f.closed = true
	f.cap.close()
	f.cap = nil
	return nil
}
