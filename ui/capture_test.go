package ui

import (
	"context"
	"fmt"
	"image"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"veriport/camera"
	"veriport/config"
	"veriport/quality"
)

// Frame kinds a synthetic source paints into the first pixel, and the fake
// assessor reads back: the test controls what "the camera sees".
const (
	kindEmpty = iota + 1
	kindFar
	kindGood
	kindBlurred
)

// fakeAssessor judges a frame by the kind painted into it.
type fakeAssessor struct{ calls atomic.Int32 }

func (f *fakeAssessor) Assess(img *image.RGBA) (quality.QualityReport, error) {
	f.calls.Add(1)
	m := func(name string, v quality.Verdict, say string) quality.Measure {
		return quality.Measure{Name: name, Label: name, Verdict: v, Guidance: say, Mandatory: true, Value: 1, Score: 1}
	}
	r := quality.QualityReport{Size: img.Rect.Size(), Faces: 1, Box: image.Rect(20, 10, 44, 34), Score: 0.9,
		Eyes: [2]image.Point{{26, 18}, {38, 18}}, EyesKnown: true}
	pass, fail := quality.VerdictPass, quality.VerdictFail
	switch img.Pix[0] {
	case kindEmpty:
		r.Faces, r.Box, r.EyesKnown = 0, image.Rectangle{}, false
		r.Measures = []quality.Measure{m(quality.MeasureFaceCount, fail, quality.SayStepIn)}
	case kindFar:
		r.Measures = []quality.Measure{m(quality.MeasureFaceCount, pass, ""), m(quality.MeasureInterEye, fail, quality.SayCloser)}
	case kindBlurred:
		r.Measures = []quality.Measure{m(quality.MeasureFaceCount, pass, ""), m(quality.MeasureInterEye, pass, ""),
			m(quality.MeasureSharpness, fail, quality.SayHoldStill)}
	default:
		r.Measures = []quality.Measure{m(quality.MeasureFaceCount, pass, ""), m(quality.MeasureInterEye, pass, ""),
			m(quality.MeasureSharpness, pass, "")}
	}
	return r, nil
}

// scriptedSource paints frame kinds from script(i).
func scriptedSource(script func(i int) uint8) *camera.Synthetic {
	return &camera.Synthetic{W: 64, H: 36, FPS: 50, Label: "scripted", Draw: func(i int, img *image.RGBA) {
		camera.TestPattern(i, img)
		img.Pix[0] = script(i)
	}}
}

type captureHarness struct {
	mw       *mainWindow
	w        fyne.Window
	captured atomic.Int32
	manual   atomic.Int32
	stop     func()
}

func newCaptureHarness(t *testing.T, src camera.Source, q config.Quality) *captureHarness {
	t.Helper()
	a := test.NewApp()
	h := &captureHarness{w: a.NewWindow("Veriport")}
	h.mw = newMainWindow(h.w, Deps{
		Source: src, Database: "db", Assessor: &fakeAssessor{}, Quality: q,
		OnCapture: func(img *image.RGBA, r quality.QualityReport) {
			if img == nil || img.Rect.Dx() != 64 {
				t.Errorf("captured frame %v", img)
			}
			h.captured.Add(1)
		},
		OnManualCheck: func() { h.manual.Add(1) },
	})
	h.w.SetContent(h.mw.build())
	h.w.Resize(fyne.NewSize(1000, 700))
	ctx, cancel := context.WithCancel(context.Background())
	h.mw.start(ctx)
	h.stop = func() { cancel(); h.mw.wait(); a.Quit() }
	t.Cleanup(h.stop)
	return h
}

func TestLiveGuidanceAndAutoCaptureOnce(t *testing.T) {
	q := config.DefaultQuality()
	// Far for 15 frames, blurred for 15, then good from frame 30 on.
	src := scriptedSource(func(i int) uint8 {
		switch {
		case i < 15:
			return kindFar
		case i < 30:
			return kindBlurred
		}
		return kindGood
	})
	h := newCaptureHarness(t, src, q)
	waitFor(t, "Step closer", func() bool { return h.mw.overlay.message.Text == quality.SayCloser })
	waitFor(t, "checklist marks inter-eye failed", func() bool {
		return strings.HasPrefix(h.mw.checks.lines[quality.MeasureInterEye].Text, "✗")
	})
	uiDoAndWait(func() {
		if h.mw.panel.state.Text != "Looking for a good frame" {
			t.Errorf("capture state %q while too far", h.mw.panel.state.Text)
		}
	})
	waitFor(t, "Hold still while blurred", func() bool { return h.mw.overlay.message.Text == quality.SayHoldStill })
	waitFor(t, "auto-capture", func() bool { return h.mw.panel.state.Text == "Captured" })
	waitFor(t, "capture handed on", func() bool { return h.captured.Load() == 1 })
	uiDoAndWait(func() {
		if !h.mw.panel.thumb.Visible() || !strings.Contains(h.mw.panel.captured.Text, "automatically") {
			t.Errorf("capture not shown: thumbnail %v, text %q", h.mw.panel.thumb.Visible(), h.mw.panel.captured.Text)
		}
		if got := h.mw.overlay.message.Text; got != overlayPhotoTaken {
			t.Errorf("message after capture %q", got)
		}
	})
	// Good frames keep coming: the capture does not fire again.
	time.Sleep(500 * time.Millisecond)
	if n := h.captured.Load(); n != 1 {
		t.Errorf("auto-capture fired %d times on one stable run", n)
	}
	// The officer can still capture, by button and by Enter.
	test.Tap(h.mw.panel.capture)
	waitFor(t, "capture by button", func() bool { return h.captured.Load() == 2 })
	uiDoAndWait(func() { h.w.Canvas().(test.WindowlessCanvas).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	waitFor(t, "capture by Enter", func() bool { return h.captured.Load() == 3 })
}

func TestNoAutoCaptureOnUnstableRunAndManualOffer(t *testing.T) {
	q := config.DefaultQuality()
	q.ManualCheckAfterSeconds = 0.5
	// Four good frames, then one blurred, over and over: never 5 in a row.
	src := scriptedSource(func(i int) uint8 {
		if i%5 == 4 {
			return kindBlurred
		}
		return kindGood
	})
	h := newCaptureHarness(t, src, q)
	waitFor(t, "the manual check offer", func() bool { return h.mw.panel.offer.Visible() })
	steady := false
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		uiDoAndWait(func() { steady = steady || strings.HasPrefix(h.mw.panel.state.Text, "Hold still") })
		time.Sleep(10 * time.Millisecond)
	}
	if !steady {
		t.Error("never showed a good run counting")
	}
	if n := h.captured.Load(); n != 0 {
		t.Fatalf("auto-capture fired %d times without a stable run", n)
	}
	uiDoAndWait(func() {
		if h.mw.panel.state.Text == "Captured" {
			t.Error("state captured without capture")
		}
	})
	test.Tap(h.mw.panel.manual)
	if h.manual.Load() != 1 {
		t.Error("manual check not handed on")
	}
}

func TestCameraOfflineReconnectsAndManualRouteStays(t *testing.T) {
	var opens atomic.Int32
	first := &camera.Synthetic{W: 64, H: 36, FPS: 50, Limit: 10}
	r := camera.NewReconnecting("flaky camera", first, func() (camera.Source, error) {
		if opens.Add(1) < 4 {
			return nil, fmt.Errorf("unplugged: %w", camera.ErrOffline)
		}
		return &camera.Synthetic{W: 64, H: 36, FPS: 50}, nil
	})
	r.MinBackoff, r.MaxBackoff = 50*time.Millisecond, 200*time.Millisecond
	h := newCaptureHarness(t, r, config.DefaultQuality())
	waitFor(t, "Camera offline", func() bool {
		return h.mw.offlineBox.Visible() && strings.HasPrefix(h.mw.offline.Text, "Camera offline")
	})
	// The manual route works while the camera is away.
	test.Tap(h.mw.panel.manual)
	if h.manual.Load() != 1 {
		t.Error("manual check blocked while the camera is offline")
	}
	waitFor(t, "camera back", func() bool { return !h.mw.offlineBox.Visible() })
	if opens.Load() < 4 {
		t.Errorf("back online after %d opens", opens.Load())
	}
}
