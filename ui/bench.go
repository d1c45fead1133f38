package ui

import (
	"context"
	"image"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"veriport/quality"
)

// DisplayFigures are what MeasureDisplay measured.
type DisplayFigures struct {
	FPS      float64 // frames shown per second
	Shown    int     // frames shown
	Analysed int     // frames the assessor judged (overlay updates)
}

// MeasureDisplay runs the real main window headless, on Fyne's test driver,
// with d's source and assessor for dur, and reports how many frames per
// second the live view showed: source read, copy to the display buffer,
// hand-off to analysis, overlay and checklist updates, all on the same path
// as the workstation (only the GPU paint is absent).
func MeasureDisplay(ctx context.Context, d Deps, dur time.Duration) (DisplayFigures, error) {
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("Veriport")
	var analysed atomic.Int64
	if d.Assessor != nil {
		d.Assessor = countingAssessor{d.Assessor, &analysed}
	}
	m := newMainWindow(w, d)
	w.SetContent(m.build())
	w.Resize(fyne.NewSize(1280, 800))
	ctx, cancel := context.WithCancel(ctx)
	m.start(ctx)
	// Let the first frame arrive, then count over dur.
	var start int
	deadline := time.Now().Add(10 * time.Second)
	for start == 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
		fyne.DoAndWait(func() { start = m.total })
	}
	a0 := analysed.Load()
	t0 := time.Now()
	select {
	case <-ctx.Done():
	case <-time.After(dur):
	}
	var end int
	fyne.DoAndWait(func() { end = m.total })
	el := time.Since(t0)
	a1 := analysed.Load()
	cancel()
	m.wait()
	if err := context.Cause(ctx); err != nil && err != context.Canceled {
		return DisplayFigures{}, err
	}
	return DisplayFigures{FPS: float64(end-start) / el.Seconds(), Shown: end - start, Analysed: int(a1 - a0)}, nil
}

type countingAssessor struct {
	Assessor
	n *atomic.Int64
}

func (c countingAssessor) Assess(img *image.RGBA) (quality.QualityReport, error) {
	c.n.Add(1)
	return c.Assessor.Assess(img)
}
