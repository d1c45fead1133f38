package bench

import (
	"context"
	"image"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"veriport/quality"
	"veriport/ui"
)

// displayFigures are what measureDisplay measured.
type displayFigures struct {
	FPS      float64 // frames shown per second
	Shown    int     // frames shown
	Analysed int     // frames the assessor judged (overlay updates)
	// CPUCores is the process's CPU time (user + system) over the wall time
	// of the measurement: how many cores the live view keeps busy.
	CPUCores float64
}

// measureDisplay runs the real main window headless, on Fyne's test driver,
// with d's source and assessor for dur, and reports how many frames per
// second the live view showed: source read, copy to the display buffer,
// hand-off to analysis, overlay and checklist updates, all on the same path
// as the workstation (only the GPU paint is absent).
func measureDisplay(ctx context.Context, d ui.Deps, dur time.Duration) (displayFigures, error) {
	var fig displayFigures
	err := headless(ctx, d, func(ctx context.Context, m *ui.LiveWindow, analysed *atomic.Int64) {
		start := m.Shown()
		a0, c0, t0 := analysed.Load(), cpuTime(), time.Now()
		select {
		case <-ctx.Done():
		case <-time.After(dur):
		}
		end := m.Shown()
		el := time.Since(t0)
		fig = displayFigures{FPS: float64(end-start) / el.Seconds(), Shown: end - start,
			Analysed: int(analysed.Load() - a0), CPUCores: (cpuTime() - c0).Seconds() / el.Seconds()}
	})
	return fig, err
}

// measureCaptures runs the live view headless as measureDisplay does and,
// while it runs, hands each capture over the way the booth's capture path
// does: prepare readies the station for a new traveler (not timed), then
// from the capture event the live view holds its frame (as the booth's does
// while it decides), decide runs off the UI thread, where the station takes
// the capture (its copy of the frame, about 1 ms, is timed, as in the booth,
// where Station.Observe takes and decides in one step) and calls show with
// the answer, which is applied on the UI thread and resumes the view;
// decide may go on (storage) after show. It returns, for each capture, the time from the capture event to
// the answer applied on the UI thread. Captures are spaced by gap.
func measureCaptures(ctx context.Context, d ui.Deps, captures []*quality.Capture, gap time.Duration,
	prepare func(context.Context, *quality.Capture) error,
	decide func(ctx context.Context, c *quality.Capture, show func(error)) error) ([]time.Duration, error) {
	var took []time.Duration
	var failed error
	err := headless(ctx, d, func(ctx context.Context, m *ui.LiveWindow, _ *atomic.Int64) {
		for _, c := range captures {
			if ctx.Err() != nil {
				return
			}
			if err := prepare(ctx, c); err != nil {
				failed = err
				return
			}
			shown := make(chan error, 1)
			done := make(chan error, 1)
			start := time.Now()
			m.HoldForDecision()
			go func() {
				var once sync.Once
				show := func(err error) {
					once.Do(func() { fyne.Do(func() { m.Resume(); shown <- err }) })
				}
				err := decide(ctx, c, show)
				show(err) // refused before an answer: the view resumes all the same
				done <- err
			}()
			err := <-shown
			took = append(took, time.Since(start))
			if err == nil {
				err = <-done // storage finished before the next traveler
			}
			if err != nil {
				failed = err
				return
			}
			time.Sleep(gap)
		}
	})
	if err == nil {
		err = failed
	}
	return took, err
}

// headless runs the main window on Fyne's test driver with d, waits for the
// first live frame, calls measure, then stops the window.
func headless(ctx context.Context, d ui.Deps, measure func(context.Context, *ui.LiveWindow, *atomic.Int64)) error {
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("Veriport")
	var analysed atomic.Int64
	if d.Assessor != nil {
		d.Assessor = countingAssessor{d.Assessor, &analysed}
	}
	m := ui.NewLiveWindow(w, d)
	w.Resize(fyne.NewSize(1280, 800))
	ctx, cancel := context.WithCancel(ctx)
	m.Start(ctx)
	// Let the first frame arrive, then measure.
	deadline := time.Now().Add(10 * time.Second)
	for first := 0; first == 0 && time.Now().Before(deadline) && ctx.Err() == nil; first = m.Shown() {
		time.Sleep(20 * time.Millisecond)
	}
	measure(ctx, m, &analysed)
	cancel()
	m.Wait()
	if err := context.Cause(ctx); err != nil && err != context.Canceled {
		return err
	}
	return nil
}

// cpuTime is the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// countingAssessor counts the frames the live view's assessor judged.
type countingAssessor struct {
	ui.Assessor
	n *atomic.Int64
}

func (c countingAssessor) Assess(img *image.RGBA) (quality.QualityReport, error) {
	c.n.Add(1)
	return c.Assessor.Assess(img)
}
